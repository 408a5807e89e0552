/**
 * Issue 10, found by the red-team pass: an environment whose `AbortingChange` is absent, null
 * or not a JSON boolean does not say whether an abort is already in progress, so no trigger
 * may abort its change (docs/policy.md, "Fail closed"); and a kill switch set but blank is a
 * cold-start error, never enforce.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/config.js';
import { ConfigError } from '#shared/config/errors.js';
import { readEpochMs } from '#shared/webplus/epoch-ms.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  appId,
  change,
  changeId,
  envId,
  httpEvent,
  scenario,
  summaryOf,
  timerEvent,
} from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const TRIGGERS = {
  sweep: () => timerEvent(),
  manual: () => httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(1)] }) }),
} as const;

describe('fail closed: an environment flag that cannot be read', () => {
  for (const [label, wire, omit] of [
    ['AbortingChange missing', {}, ['AbortingChange']],
    ['AbortingChange null', { AbortingChange: null }, []],
    ['AbortingChange "false" (a string)', { AbortingChange: 'false' }, []],
    ['AbortingChange "yes"', { AbortingChange: 'yes' }, []],
  ] as const) {
    it(`${label}: no AbortChange from a sweep or a manual abort, skipped naming the fact`, async () => {
      for (const [trigger, event] of Object.entries(TRIGGERS)) {
        // Arrange
        h = await startHarness({
          ...scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })]),
          envs: [{ EnvId: envId(0), AppId: appId(0), EnvName: 'env-0', wire, wireOmit: [...omit] }],
        });

        // Act
        const s = summaryOf(await h.handler(event(), fakeContext()));

        // Assert
        expect(h.sandbox.abortCalls(), trigger).toBe(0);
        expect(s.results[0]?.outcome, trigger).toBe('skipped');
        expect(s.results[0]?.detail, trigger).toContain('abort is already in progress is unknown');
        await h.close();
        h = undefined;
      }
    });
  }

  it('AbortingChange false (a real boolean) still lets the stuck change be aborted', async () => {
    // Arrange
    h = await startHarness(scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })]));

    // Act
    const s = summaryOf(await h.handler(TRIGGERS.sweep(), fakeContext()));

    // Assert
    expect(h.sandbox.abortCalls()).toBe(1);
    expect(s.results[0]?.outcome).toBe('aborted');
  });
});

describe('fail closed: the kill switch set but blank', () => {
  for (const value of ['', ' ', '\t']) {
    it(`ABORT_DRY_RUN=${JSON.stringify(value)} is a cold-start error naming the variable`, () => {
      expect(() => loadConfig({ ABORT_DRY_RUN: value })).toThrow(ConfigError);
      try {
        loadConfig({ ABORT_DRY_RUN: value });
      } catch (err) {
        expect((err as ConfigError).variable).toBe('ABORT_DRY_RUN');
      }
    });
  }

  it('ABORT_DRY_RUN unset still defaults to false in the code (s.yaml sets true)', () => {
    expect(loadConfig({}).dryRun).toBe(false);
  });
});

describe('fail closed: a zero-padded time string is not epoch milliseconds', () => {
  const padded = (ms: number) => `0${ms}`;

  it('readEpochMs refuses a leading zero and still reads the plain digit string', () => {
    const ms = Date.now();
    expect(readEpochMs('UpdateTime', padded(ms))).toMatchObject({ known: false });
    expect(readEpochMs('UpdateTime', `000${ms}`)).toMatchObject({ known: false });
    expect(readEpochMs('UpdateTime', String(ms))).toEqual({ known: true, ms });
  });

  for (const field of ['UpdateTime', 'CreateTime'] as const) {
    it(`${field} sent zero-padded: the sweep sends no AbortChange and names the field`, async () => {
      // Arrange: idle 90 min by the real times; the wire carries them padded with a 0
      const ms = Date.now() - 90 * 60_000;
      h = await startHarness(
        scenario(
          [1],
          [
            change({
              n: 1,
              env: 0,
              idleMin: 90,
              ageMin: 95,
              extra: { wire: { [field]: padded(ms) } },
            }),
          ],
        ),
      );

      // Act
      const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

      // Assert
      expect(h.sandbox.abortCalls()).toBe(0);
      expect(s.results[0]?.outcome).toBe('skipped');
      expect(s.results[0]?.detail).toContain(field);
    });
  }
});
