/**
 * Bad input: generated events and HTTP requests (fast-check) through the handler. No exception,
 * no Web+ call for invalid input, every HTTP answer 2xx/4xx JSON, nothing aborted.
 */
import fc from 'fast-check';
import type { RunSummary } from '#shared/pipeline/summary.js';
import {
  eventBridgeEvent,
  fcContext,
  httpEventObject,
  memoryStore,
  startRig,
  summaryOf,
} from '../helpers.js';
import {
  BASE_ENV,
  CREDENTIALS,
  HTTP_TOKEN,
  SEED,
  type SoakContext,
  type SoakSection,
  WRONG_TOKEN,
} from './context.js';
import { buildWorld, isOk, soakSize } from './world.js';

// Bad input

/**
 * The sandbox holds in-flight changes, all in protected environments: any input that reaches
 * Web+ produces at least one record that is neither `ignored` nor `invalid` (a sweep or an abort
 * examines a protected change and records `skipped`). So for every input whose answer is a 4xx,
 * or whose results are all `ignored` / `invalid`, a grown journal would be a Web+ call made for
 * invalid input. Nothing can ever be aborted (protected), which is checked too.
 */
async function badInput(ctx: SoakContext): Promise<void> {
  const { check, info, outputs } = ctx;
  const SIZE = soakSize(ctx.scale);
  info(`== bad input (${SIZE.fuzz} generated events and HTTP requests, fast-check seed ${SEED})`);
  const world = buildWorld(
    { stuck: 0, healthy: 0, paused: 0, protected: 6, dryRun: 0, quiet: 2 },
    {},
    {},
  );
  const store = memoryStore();
  const rig = await startRig(world.scenario, {
    env: { ...BASE_ENV, HTTP_MAX_BODY_BYTES: '65536', HTTP_MAX_IDS: '20' },
    policy: world.policy,
    store,
  });
  const knownIds = world.ids.protected;
  const idArb = fc.oneof(
    fc.string(),
    fc.constantFrom(...knownIds),
    fc.constant('wc-../../etc/passwd'),
    fc.constant(`${knownIds[0]}\u0000`),
  );
  const body = fc.oneof(
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.string(),
    fc
      .record(
        {
          changeIds: fc.oneof(fc.array(idArb, { maxLength: 30 }), idArb, fc.jsonValue()),
          envIds: fc.oneof(fc.array(fc.string()), fc.jsonValue()),
          appIds: fc.array(fc.string()),
          dryRun: fc.jsonValue(),
          note: fc.oneof(fc.string(), fc.jsonValue()),
        },
        { requiredKeys: [] },
      )
      .map((v) => JSON.stringify(v)),
    fc.constant('x'.repeat(70_000)),
    fc.constant(''),
  );
  const headers = fc.oneof(
    { arbitrary: fc.constant({ Authorization: `Bearer ${HTTP_TOKEN}` }), weight: 5 },
    { arbitrary: fc.constant({ 'X-Abort-Token': HTTP_TOKEN }), weight: 2 },
    { arbitrary: fc.constant({}), weight: 1 },
    { arbitrary: fc.constant({ Authorization: `Bearer ${WRONG_TOKEN}` }), weight: 1 },
    { arbitrary: fc.constant({ 'X-Abort-Token': WRONG_TOKEN }), weight: 1 },
    { arbitrary: fc.dictionary(fc.string(), fc.string(), { maxKeys: 4 }), weight: 1 },
  );
  const httpArb = fc
    .record({
      method: fc.oneof(
        { arbitrary: fc.constant('POST'), weight: 6 },
        { arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'OPTIONS'), weight: 2 },
        { arbitrary: fc.string(), weight: 1 },
      ),
      path: fc.oneof(
        {
          arbitrary: fc.constantFrom(
            '/abort',
            '/sweep',
            '/health',
            '/cms-callback',
            '/',
            '/abort/',
          ),
          weight: 6,
        },
        { arbitrary: fc.string(), weight: 1 },
      ),
      body,
      headers,
      query: fc.oneof(
        fc.constant({}),
        fc.dictionary(fc.string(), fc.string(), { maxKeys: 4 }),
        fc.record({ changeIds: idArb }),
        fc.constant({ token: WRONG_TOKEN }),
      ),
      isBase64Encoded: fc.boolean(),
    })
    .map((o) => ({ http: true as const, event: httpEventObject(o) }));
  const otherArb = fc.oneof(
    fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
    fc.string().map((s) => Buffer.from(s)),
    fc.anything(),
    fc
      .record({ triggerName: fc.jsonValue(), payload: fc.jsonValue() })
      .map((v) => Buffer.from(JSON.stringify(v))),
    fc
      .tuple(
        fc.string(),
        fc.oneof(
          fc.string(),
          idArb.map((id) => `changeId=${id}`),
        ),
      )
      .map(([id, dims]) => eventBridgeEvent(`fuzz-${id}`, dims)),
  );
  const eventArb = fc.oneof(
    { arbitrary: httpArb, weight: 1 },
    { arbitrary: otherArb.map((event) => ({ http: false as const, event })), weight: 1 },
  );
  const samples = fc.sample(eventArb, { numRuns: SIZE.fuzz, seed: SEED });
  let threw = 0;
  let notJson = 0;
  let badStatus = 0;
  let callsForInvalid = 0;
  const statuses = new Map<number, number>();
  let calledOk = 0;
  const examples: string[] = [];
  try {
    for (const sample of samples) {
      const j0 = rig.sandbox.journal().length;
      const event = sample.http ? Buffer.from(JSON.stringify(sample.event)) : sample.event;
      let invalid = false;
      try {
        const result = await rig.handler(event, fcContext(CREDENTIALS, 30));
        const text = JSON.stringify(result);
        outputs.push(text);
        if (result && typeof result === 'object' && 'statusCode' in result) {
          const status = result.statusCode;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (!(status >= 200 && status < 300) && !(status >= 400 && status < 500)) badStatus++;
          let parsed: unknown;
          try {
            parsed = JSON.parse(result.body);
          } catch {
            notJson++;
          }
          const type = Object.entries(result.headers ?? {}).find(
            ([k]) => k.toLowerCase() === 'content-type',
          )?.[1];
          if (!String(type).includes('json')) notJson++;
          if (status >= 400) invalid = true;
          else if (parsed && typeof parsed === 'object' && 'results' in parsed) {
            invalid = (parsed as RunSummary).results.every((r) =>
              ['ignored', 'invalid'].includes(r.outcome),
            );
          }
        } else {
          invalid = summaryOf(result).results.every((r) =>
            ['ignored', 'invalid'].includes(r.outcome),
          );
        }
      } catch (err) {
        threw++;
        if (examples.length < 3) examples.push(String(err));
        outputs.push(String((err as Error)?.stack ?? err));
      }
      const grew = rig.sandbox.journal().length > j0;
      if (grew && invalid) {
        callsForInvalid++;
        if (examples.length < 3) examples.push(JSON.stringify(sample.event).slice(0, 300));
      }
      if (grew && !invalid) calledOk++;
    }
    info(
      `HTTP statuses: ${[...statuses]
        .sort((a, b) => a[0] - b[0])
        .map(([s, n]) => `${s}x${n}`)
        .join(' ')}; inputs that reached Web+ (valid): ${calledOk}`,
    );
    check(
      'bad input: no exception from the handler',
      threw === 0,
      `${threw} threw ${examples.join(' | ')}`,
    );
    check(
      'bad input: no Web+ call for invalid input',
      callsForInvalid === 0,
      `${callsForInvalid} ${examples.join(' | ')}`,
    );
    check('bad input: every HTTP answer is 2xx or 4xx', badStatus === 0, `${badStatus} otherwise`);
    check('bad input: every HTTP answer is JSON', notJson === 0, `${notJson} not JSON`);
    check(
      'bad input: nothing aborted',
      rig.sandbox.abortCalls() === 0 ||
        rig.sandbox.journal().every((j) => j.action !== 'AbortChange' || !isOk(j)),
      `${rig.sandbox.abortCalls()} AbortChange calls`,
    );
    outputs.push(JSON.stringify(store.records), JSON.stringify(rig.sandbox.journal()));
    outputs.push(...rig.stdoutLines, ...rig.warnings);
  } finally {
    await rig.close();
  }
}

export const badInputSection: SoakSection = {
  name: 'bad-input',
  title: 'bad input (generated events and HTTP requests)',
  run: badInput,
};
