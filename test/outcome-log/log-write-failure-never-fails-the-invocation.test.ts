/**
 * C12: a failed log write never fails the invocation. One stuck change; SLS answers 403
 * Unauthorized, or 502 text/html. Right: the handler resolves, every record on stdout as a
 * structured fallback line marked with the log-write failure. Red-team 25 G15: the abort's
 * intent record must be stored before its AbortChange is sent; SLS refused it, so no AbortChange
 * is sent and the change's record is `failed`, naming the intent and the store's failure.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSlsStore } from '#shared/outcome-log/sls-store.js';
import { type SlsStandIn, startSlsStandIn } from '../../sandbox/sls/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { change, changeId, scenario, summaryOf, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
let sls: SlsStandIn | undefined;
afterEach(async () => {
  await h?.close();
  await sls?.close();
  h = undefined;
  sls = undefined;
});

describe('C12: a failed log write never fails the invocation', () => {
  for (const kind of ['unauthorized', 'html-502'] as const) {
    it(`SLS ${kind}: handler resolves, no AbortChange (its intent was not stored), records on stdout marked logWriteFailed`, async () => {
      // Arrange
      sls = await startSlsStandIn();
      sls.setFailure({ kind });
      const store = createSlsStore({
        endpoint: sls.url,
        project: 'ops-audit',
        logstore: 'webplus-abort',
        baseDelayMs: 10,
        maxAttempts: 2,
        attemptTimeoutMs: 1000,
      });
      h = await startHarness(
        scenario(
          [2],
          [
            change({ n: 1, env: 0, idleMin: 90, ageMin: 95 }),
            change({ n: 2, env: 1, idleMin: 2, ageMin: 5 }),
          ],
        ),
        { store },
      );

      // Act
      const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

      // Assert
      expect(h.sandbox.abortCalls()).toBe(0);
      expect(s.results.map((r) => r.outcome).sort()).toEqual(['failed', 'skipped']);
      expect(sls.logs()).toHaveLength(0);
      const lines = h.stdoutLines.map((l) => JSON.parse(l));
      expect(lines).toHaveLength(3);
      for (const line of lines) {
        expect(line.logWriteFailed).toMatchObject({ store: 'sls' });
        expect(typeof line.logWriteFailed.reason).toBe('string');
        expect(line.logWriteFailed.reason).not.toContain('sandbox-secret');
      }
      const intent = lines.find((l) => l.kind === 'intent');
      expect(intent).toMatchObject({ changeId: changeId(1), outcome: 'abort_sending' });
      const decision = lines.find((l) => l.changeId === changeId(1) && l.kind === undefined);
      expect(decision).toMatchObject({ outcome: 'failed', attempts: 0, intentId: intent.recordId });
      expect(decision.detail).toMatch(
        /^AbortChange not sent: its intent record could not be written to the outcome log first \(.+\)/,
      );
    });
  }

  it('the SLS stand-in healthy: records land in SLS and nothing on stdout', async () => {
    // Arrange
    sls = await startSlsStandIn();
    const store = createSlsStore({
      endpoint: sls.url,
      project: 'ops-audit',
      logstore: 'webplus-abort',
      baseDelayMs: 10,
    });
    h = await startHarness(scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })]), {
      store,
    });

    // Act
    await h.handler(timerEvent(), fakeContext());

    // Assert: the abort's intent, then its decision record
    expect(sls.logs().map((l) => [l.contents.kind, l.contents.outcome])).toEqual([
      ['intent', 'abort_sending'],
      [undefined, 'aborted'],
    ]);
    expect(h.sandbox.abortCalls()).toBe(1);
    expect(h.stdoutLines).toHaveLength(0);
  });
});
