/**
 * Security: unauthenticated and wrong-token requests are refused with 401 and cost no Web+ call
 * and no record; the right token is accepted. (The secret scan over every output is the
 * runner's, at the end.)
 */
import { fcContext, httpEventObject, memoryStore, startRig } from '../helpers.js';
import {
  BASE_ENV,
  CREDENTIALS,
  HTTP_TOKEN,
  type SoakContext,
  type SoakSection,
  WRONG_TOKEN,
} from './context.js';
import { buildWorld } from './world.js';

// Security

async function security(ctx: SoakContext): Promise<void> {
  const { check, info, outputs } = ctx;
  info('== security (unauthenticated and wrong-token requests)');
  const world = buildWorld({ stuck: 3, healthy: 0, paused: 0, protected: 0, dryRun: 0, quiet: 0 });
  const store = memoryStore();
  const rig = await startRig(world.scenario, { env: BASE_ENV, policy: world.policy, store });
  const body = JSON.stringify({ changeIds: world.ids.stuck });
  const requests: [string, Record<string, unknown>][] = [
    ['no token /abort', httpEventObject({ path: '/abort', body })],
    ['no token /sweep', httpEventObject({ path: '/sweep', body: '{}' })],
    [
      'no token /cms-callback',
      httpEventObject({ path: '/cms-callback', body: 'alertState=ALERT' }),
    ],
    [
      'wrong bearer',
      httpEventObject({
        path: '/abort',
        body,
        headers: { Authorization: `Bearer ${WRONG_TOKEN}` },
      }),
    ],
    [
      'wrong X-Abort-Token',
      httpEventObject({ path: '/abort', body, headers: { 'X-Abort-Token': WRONG_TOKEN } }),
    ],
    [
      'bearer of the wrong scheme',
      httpEventObject({ path: '/abort', body, headers: { Authorization: `Basic ${HTTP_TOKEN}` } }),
    ],
    [
      'token prefix',
      httpEventObject({
        path: '/abort',
        body,
        headers: { Authorization: `Bearer ${HTTP_TOKEN.slice(0, -1)}` },
      }),
    ],
    [
      'wrong ?token=',
      httpEventObject({
        path: '/cms-callback',
        body: 'alertState=ALERT',
        query: { token: WRONG_TOKEN },
      }),
    ],
    ['?token= on /abort', httpEventObject({ path: '/abort', body, query: { token: HTTP_TOKEN } })],
  ];
  try {
    for (const [name, event] of requests) {
      const j0 = rig.sandbox.journal().length;
      const result = await rig.handler(Buffer.from(JSON.stringify(event)), fcContext(CREDENTIALS));
      outputs.push(JSON.stringify(result));
      const status = 'statusCode' in result ? result.statusCode : 0;
      check(
        `security: ${name} → 401, no Web+ call`,
        status === 401 && rig.sandbox.journal().length === j0,
        `status ${status}, ${rig.sandbox.journal().length - j0} calls`,
      );
    }
    check(
      'security: no record for refused requests',
      store.records.length === 0,
      `${store.records.length} records`,
    );
    // One authenticated request, so that every output path carries real traffic for the scan.
    const ok = await rig.handler(
      Buffer.from(
        JSON.stringify(
          httpEventObject({
            path: '/abort',
            body,
            headers: { Authorization: `Bearer ${HTTP_TOKEN}` },
          }),
        ),
      ),
      fcContext(CREDENTIALS),
    );
    outputs.push(JSON.stringify(ok));
    check(
      'security: the right token is accepted',
      'statusCode' in ok &&
        ok.statusCode === 200 &&
        rig.sandbox.abortCalls() === world.ids.stuck.length,
      `status ${'statusCode' in ok ? ok.statusCode : '?'}, ${rig.sandbox.abortCalls()} AbortChange`,
    );
    outputs.push(JSON.stringify(store.records), JSON.stringify(rig.sandbox.journal()));
    outputs.push(...rig.stdoutLines, ...rig.warnings);
  } finally {
    await rig.close();
  }
}

export const securitySection: SoakSection = {
  name: 'security',
  title: 'security (unauthenticated and wrong-token requests)',
  run: security,
};
