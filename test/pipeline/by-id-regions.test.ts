/**
 * Red-team 24 F4: with several WEBPLUS_REGIONS, requests by id (POST /abort, CLI abort,
 * EventBridge and CloudMonitor callback alarms naming a ChangeId) asked every region, acted on
 * whichever answered and wrote a second "repeat" record for the other region's read; the alarm's
 * own region was neither used nor checked. Now: exactly one record per id per request; a change
 * more than one region answers for is `skipped`, region ambiguous (the sweep's rule), never
 * aborted; a request naming its region (`regionId`, `aliyunregionid`, the `subject`, the
 * callback's `regionId`) works there only; two regions named that disagree are `ignored`, naming
 * both; a region not in WEBPLUS_REGIONS gets `RegionNotEnabled` and no call. Through the real
 * handler and the sandbox (strict off: a backend ignoring `x-acs-region-id`; strict on: regions
 * kept apart, as Web+ does).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  alarmFields,
  calls,
  change,
  changeId,
  cmsCallback,
  eventBridgeEnvelope,
  httpEvent,
  scenario,
  summaryOf,
} from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ENV = {
  WEBPLUS_REGIONS: 'cn-hangzhou,cn-shanghai',
  ABORT_DRY_RUN: 'false',
  RETRY_MAX_ATTEMPTS: '1',
};
const HZ = 'cn-hangzhou';
const SH = 'cn-shanghai';

/** One stuck change; `strict: false` = a backend answering every region alike. */
function world(opts: { strict: boolean; appRegion?: string }) {
  const w = scenario([1], [change({ n: 0, env: 0, idleMin: 90, ageMin: 95 })], {
    strict: opts.strict,
  });
  if (opts.appRegion) (w.apps as Record<string, unknown>[])[0]!.RegionId = opts.appRegion;
  return w;
}

const abortBody = (body: Record<string, unknown>) =>
  httpEvent({ path: '/abort', body: JSON.stringify(body) });

/** A firing alarm through EventBridge naming change 0, with these envelope region fields. */
const alarmEvent = (envelope: Record<string, unknown>) =>
  eventBridgeEnvelope(alarmFields(`{changeId=${changeId(0)}}`, Date.now() - 30_000), envelope);

describe('requests by id over two regions answered by one backend', () => {
  for (const [label, event] of [
    ['POST /abort', () => abortBody({ changeIds: [changeId(0)] })],
    ['an EventBridge alarm naming no region', () => alarmEvent({})],
  ] as const) {
    it(`${label}: one record, skipped region ambiguous; no AbortChange`, async () => {
      // Arrange
      h = await startHarness(world({ strict: false }), { env: ENV });

      // Act
      const s = summaryOf(await h.handler(event(), fakeContext()));

      // Assert
      const mine = h.records().filter((r) => r.changeId === changeId(0));
      expect(mine.map((r) => r.outcome)).toEqual(['skipped']);
      expect(mine[0]!.repeatOf).toBeUndefined();
      expect(mine[0]!.detail).toContain(
        `region ambiguous: change ${changeId(0)} (environment we-5d39b8ba6786bd4b14950000) was found by regions ${HZ} and ${SH}`,
      );
      expect(mine[0]!.detail).toContain('not aborted (fail closed)');
      expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
      expect(s.results.filter((r) => r.changeId === changeId(0))).toHaveLength(1);
    });
  }

  it('POST /abort naming regionId: read and aborted in that region only, one record', async () => {
    // Arrange
    h = await startHarness(world({ strict: false }), { env: ENV });

    // Act
    await h.handler(abortBody({ changeIds: [changeId(0)], regionId: SH }), fakeContext());

    // Assert
    const mine = h.records().filter((r) => r.changeId === changeId(0));
    expect(mine.map((r) => [r.outcome, r.regionId])).toEqual([['aborted', SH]]);
    const journal = h.sandbox.journal();
    expect(calls(journal, 'AbortChange')).toHaveLength(1);
    expect(journal.filter((j) => j.regionId === HZ)).toEqual([]);
  });

  it('an alarm whose aliyunregionid and subject say one region works there only', async () => {
    // Arrange
    h = await startHarness(world({ strict: false }), { env: ENV });

    // Act
    await h.handler(
      alarmEvent({
        aliyunregionid: HZ,
        subject: `acs.cms:${HZ}:1234567890123456:alarmRule_uuid_00aa11bb22cc33dd44ee55ff`,
      }),
      fakeContext(),
    );

    // Assert
    const mine = h.records().filter((r) => r.changeId === changeId(0));
    expect(mine.map((r) => [r.outcome, r.regionId])).toEqual([['aborted', HZ]]);
    expect(h.sandbox.journal().filter((j) => j.regionId === SH)).toEqual([]);
  });
});

describe('the region an alarm names (regions kept apart, as Web+ does)', () => {
  it('named cn-hangzhou, the change is in cn-shanghai: not aborted there, no AbortChange', async () => {
    // Arrange
    h = await startHarness(world({ strict: true, appRegion: SH }), { env: ENV });

    // Act
    await h.handler(
      alarmEvent({
        aliyunregionid: HZ,
        subject: `acs.cms:${HZ}:1234567890123456:alarmRule_uuid_00aa11bb22cc33dd44ee55ff`,
      }),
      fakeContext(),
    );

    // Assert
    const mine = h.records().filter((r) => r.changeId === changeId(0));
    expect(mine.map((r) => [r.outcome, r.regionId])).toEqual([['not_found', HZ]]);
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
    expect(h.sandbox.journal().filter((j) => j.regionId === SH)).toEqual([]);
  });

  it('subject and aliyunregionid disagree: ignored naming both, no Web+ call', async () => {
    // Arrange
    h = await startHarness(world({ strict: true, appRegion: SH }), { env: ENV });

    // Act
    const s = summaryOf(
      await h.handler(
        alarmEvent({
          aliyunregionid: SH,
          subject: `acs.cms:${HZ}:1234567890123456:alarmRule_uuid_00aa11bb22cc33dd44ee55ff`,
        }),
        fakeContext(),
      ),
    );

    // Assert
    expect(s.results.map((r) => r.outcome)).toEqual(['ignored']);
    expect(h.records()[0]!.detail).toBe(
      `the alarm names two regions (aliyunregionid ${SH}, subject ${HZ}): which region is meant is ambiguous; nothing is aborted (fail closed)`,
    );
    expect(h.sandbox.journal()).toEqual([]);
  });

  it('no region named, the change in one region only: aborted there, one record', async () => {
    // Arrange
    h = await startHarness(world({ strict: true, appRegion: SH }), { env: ENV });

    // Act
    await h.handler(abortBody({ changeIds: [changeId(0)] }), fakeContext());

    // Assert
    const mine = h.records().filter((r) => r.changeId === changeId(0));
    expect(mine.map((r) => [r.outcome, r.regionId])).toEqual([['aborted', SH]]);
    expect(mine[0]!.detail).toContain(`not found in region ${HZ}`);
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(1);
  });

  it('a region this function does not work in: RegionNotEnabled, one record per id, no call', async () => {
    // Arrange
    h = await startHarness(world({ strict: true }), { env: ENV });

    // Act
    const manual = summaryOf(
      await h.handler(
        abortBody({ changeIds: [changeId(0)], regionId: 'cn-shenzhen' }),
        fakeContext(),
      ),
    );
    const callback = summaryOf(
      await h.handler(
        cmsCallback(
          alarmFields(`{changeId=${changeId(0)}}`, Date.now() - 30_000, {
            regionId: 'cn-shenzhen',
          }),
        ),
        fakeContext(),
      ),
    );

    // Assert
    expect(manual.results.map((r) => [r.outcome, r.changeId])).toEqual([['failed', changeId(0)]]);
    expect(callback.results.map((r) => [r.outcome, r.changeId])).toEqual([
      ['ignored', changeId(0)],
    ]);
    for (const r of h.records()) expect(r.errorCode).toBe('RegionNotEnabled');
    expect(h.sandbox.journal()).toEqual([]);
  });
});
