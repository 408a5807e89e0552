/**
 * Issue 12, tried as an attacker would (beyond the red-team's list): every text that comes back
 * from outside reaches the outputs only through the one redactor, and no reply is read as being
 * about something it is not.
 * - SLS (or a proxy in front of it) quotes the STS token back in its error, disguised
 *   (percent-encoded, split by a zero-width space, upper case): the stdout fallback lines, the
 *   summary and the warnings never carry it. Before, the outcome log removed only the raw token.
 * - Web+ echoes the keys in an error message, disguised: no record, answer or warning has them.
 * - DescribeChange answers about another ChangeId: its facts are not the change's, `skipped`.
 * Through the real handler, pop-core's signing, the strict Web+ sandbox and the SLS stand-in
 * (real @alicloud/log SDK); outputs are read back with the independent test/helpers/reveal.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type SlsStandIn, startSlsStandIn } from '../../sandbox/sls/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { reveal } from '../helpers/reveal.js';
import {
  calls,
  change,
  changeId,
  envId,
  httpEvent,
  scenario,
  summaryOf,
  timerEvent,
} from '../helpers/world.js';

const STS = {
  accessKeyId: 'STS.echo-attack-ak',
  accessKeySecret: 'EchoAttackSecret0123456789abcdefABCDEF',
  securityToken: 'CAISechoAttackToken+/0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH==',
};
const SECRETS = [STS.accessKeySecret, STS.securityToken, 'local-dev-token-0001'];

let h: Harness | undefined;
let sls: SlsStandIn | undefined;
afterEach(async () => {
  await h?.close();
  await sls?.close();
  h = undefined;
  sls = undefined;
});

function expectClean(text: string, where: string): void {
  for (const s of SECRETS) {
    expect(text.includes(s), `${where}: raw`).toBe(false);
    expect(reveal(text).includes(s.toLowerCase()), `${where}: disguised`).toBe(false);
  }
}

const stuck = (n: number, env: number, extra: Record<string, unknown> = {}) =>
  change({ n, env, idleMin: 90, ageMin: 95, extra });

describe('secrets echoed from outside never reach an output', () => {
  it('SLS quotes the STS token back in its error: stdout fallback, summary and warnings are clean', async () => {
    // Arrange
    sls = await startSlsStandIn({ credentials: [STS] });
    sls.setFailure({ kind: 'echo-token' });
    h = await startHarness(
      { ...scenario([1], [stuck(1, 0)]), credentials: [STS] },
      {
        env: {
          LOG_STORE: 'sls',
          SLS_ENDPOINT: sls.url,
          SLS_PROJECT: 'webplus-abort',
          SLS_LOGSTORE: 'outcomes',
          ABORT_DRY_RUN: 'true',
        },
      },
    );

    // Act
    const result = await h.handler(timerEvent(), fakeContext({ credentials: STS }));

    // Assert: the store refused (the stand-in really echoed), the records fell back to stdout.
    expect(sls.journal().some((j) => j.code === 'Unauthorized')).toBe(true);
    const fallback = h.stdoutLines.filter((l) => l.includes('logWriteFailed'));
    expect(fallback.length).toBeGreaterThan(0);
    expect(fallback[0]).toContain('security token');
    for (const line of h.stdoutLines) expectClean(line, `stdout: ${line}`);
    for (const line of h.warnings) expectClean(line, `warning: ${line}`);
    expectClean(JSON.stringify(result), 'summary');
  });

  it('Web+ echoes the keys in an error message, disguised: no record, answer or warning has them', async () => {
    // Arrange: DescribeApplications answers 400 quoting the secret and the token in three dresses.
    const pct = (s: string) =>
      [...s].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join('');
    const message = `bad key ${pct(STS.accessKeySecret)}; token ${STS.securityToken.toUpperCase()}; again ${STS.securityToken.slice(0, 10)}\u200d${STS.securityToken.slice(10)}`;
    h = await startHarness({
      ...scenario([1], [stuck(1, 0)]),
      credentials: [STS],
      faults: [
        { action: 'DescribeApplications', responses: [{ status: 400, code: 'Bad', message }] },
      ],
    });

    // Act
    const result = await h.handler(
      httpEvent({ path: '/sweep', body: '{}' }),
      fakeContext({ credentials: STS }),
    );

    // Assert
    const s = summaryOf(result);
    expect(s.results.some((r) => r.outcome === 'failed')).toBe(true);
    expectClean(JSON.stringify(result), 'HTTP answer');
    for (const r of h.records()) expectClean(JSON.stringify(r), 'record');
    for (const line of [...h.stdoutLines, ...h.warnings]) expectClean(line, line);
  });
});

describe('a reply about something else is never read as the change', () => {
  it('DescribeChange answers about another ChangeId: skipped, no AbortChange', async () => {
    // Arrange: the reply for change 1 describes change 2 (stuck, in the same environment).
    const now = Date.now();
    const other = {
      Code: 'OK',
      RequestId: 'R-other',
      Change: {
        ChangeId: changeId(2),
        EnvId: envId(0),
        ActionName: 'Apply',
        ChangeFinished: false,
        ChangeSucceed: false,
        ChangeAborted: false,
        ChangePaused: false,
        ChangeTimedout: false,
        CreateTime: now - 95 * 60_000,
        UpdateTime: now - 90 * 60_000,
      },
    };
    h = await startHarness({
      ...scenario([1], [stuck(1, 0)]),
      faults: [
        {
          action: 'DescribeChange',
          changeId: changeId(1),
          responses: [
            { status: 200, contentType: 'application/json', body: JSON.stringify(other) },
          ],
        },
      ],
    });

    // Act
    const s = summaryOf(
      await h.handler(
        httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
        fakeContext(),
      ),
    );

    // Assert
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
    expect(s.results).toEqual([
      expect.objectContaining({ changeId: changeId(1), outcome: 'skipped' }),
    ]);
    expect(s.results[0]?.detail).toContain(`answered about change "${changeId(2)}"`);
  });
});
