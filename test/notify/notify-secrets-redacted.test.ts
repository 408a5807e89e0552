/**
 * Red-team 12b F3/F4: the notification targets' secrets (the webhook URL's token, the signing
 * secret) are given to the function's one redactor: a Web+ error quoting them never reaches the
 * HTTP answer, a decision record, the notification record or a warning. Through the real handler
 * and the sandbox; the notification target is a closed loopback port (delivery fails, recorded).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { change, changeId, httpEvent, scenario } from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ACCESS_TOKEN = 'DtAccessTok0123456789abcdef';
const SIGN_SECRET = 'SECdingSign0123456789abcdefXYZ';
const SLACK_SEGMENT = 'SlackLastSeg0123456789xyz';

describe('notification secrets are redacted like every other secret', () => {
  it('a Web+ error quoting them: not in the answer, the records or the warnings', async () => {
    h = await startHarness(
      scenario(
        [1],
        [change({ n: 1, env: 0, idleMin: 90, ageMin: 95, extra: { abortStepSeconds: null } })],
        {
          faults: [
            {
              action: 'AbortChange',
              changeId: changeId(1),
              responses: [
                {
                  status: 400,
                  code: 'WeirdError',
                  message: `dt=${ACCESS_TOKEN} sign=${SIGN_SECRET} slack=${SLACK_SEGMENT}`,
                },
              ],
            },
          ],
        },
      ),
      {
        policy: {
          notify: {
            targets: [
              {
                kind: 'dingtalk',
                urlEnv: 'NOTIFY_DINGTALK_URL',
                secretEnv: 'NOTIFY_DINGTALK_SECRET',
              },
              { kind: 'slack', urlEnv: 'NOTIFY_SLACK_URL' },
            ],
            outcomes: ['aborted', 'failed', 'timeout'],
          },
        },
        env: {
          NOTIFY_DINGTALK_URL: `http://127.0.0.1:1/robot/send?access_token=${ACCESS_TOKEN}`,
          NOTIFY_DINGTALK_SECRET: SIGN_SECRET,
          NOTIFY_SLACK_URL: `http://127.0.0.1:1/services/T000/B000/${SLACK_SEGMENT}`,
        },
      },
    );

    const answer = await h.handler(
      httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
      fakeContext(),
    );

    const everything = [
      JSON.stringify(answer),
      JSON.stringify(h.records()),
      ...h.warnings,
      ...h.stdoutLines,
    ].join('\n');
    for (const secret of [ACCESS_TOKEN, SIGN_SECRET, SLACK_SEGMENT])
      expect(everything).not.toContain(secret);
    // The decision and the notification were both recorded (nothing dropped to hide a secret).
    expect(h.records().some((r) => r.changeId === changeId(1) && r.outcome === 'failed')).toBe(
      true,
    );
    expect(h.records().some((r) => r.kind === 'notification')).toBe(true);
    expect(JSON.stringify(h.records())).toContain('[redacted]');
  });
});
