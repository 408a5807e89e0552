/**
 * Red-team 25 G7: a CloudMonitor alarm names its region in more spellings than `regionId`: a
 * dimension `RegionId=` / `region=` / `REGION_ID=`, an EventBridge `data.region`. They were
 * not read (the by-id path then asked every region), and two spellings naming different
 * regions did not make the alarm `ignored`. Now every spelling is read as the region
 * (shared/intake/alarm/dimensions.ts `regionKeyOf`, signal.ts), two that disagree make it
 * `ignored` naming both, and a value that is no region id is `ignored` too. Through the real
 * handler and the Web+ sandbox (a backend answering every region alike: only the region the
 * alarm names is asked).
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
  scenario,
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
const C0 = changeId(0);

const world = () =>
  scenario([1], [change({ n: 0, env: 0, idleMin: 90, ageMin: 95 })], { strict: false });
const viaEventBridge = (dims: string, extra: Record<string, string> = {}) =>
  eventBridgeEnvelope(alarmFields(dims, Date.now() - 30_000, extra));
const viaCallback = (dims: string, extra: Record<string, string> = {}) =>
  cmsCallback(alarmFields(dims, Date.now() - 30_000, extra));

describe('G7: every spelling of an alarm region is read', () => {
  it.each([
    ['dimension RegionId', () => viaEventBridge(`{changeId=${C0}, RegionId=${SH}}`)],
    ['dimension region', () => viaEventBridge(`{changeId=${C0}, region=${SH}}`)],
    ['dimension REGION_ID', () => viaEventBridge(`{changeId=${C0}, REGION_ID=${SH}}`)],
    ['EventBridge data.region', () => viaEventBridge(`{changeId=${C0}}`, { region: SH })],
    ['callback, dimension RegionId', () => viaCallback(`{changeId=${C0}, RegionId=${SH}}`)],
  ])('%s: the alarm works in that region only, one record', async (_label, event) => {
    h = await startHarness(world(), { env: ENV });
    await h.handler(event(), fakeContext());
    const mine = h.records().filter((r) => r.changeId === C0);
    expect(mine.map((r) => [r.outcome, r.regionId])).toEqual([['aborted', SH]]);
    expect(h.sandbox.journal().filter((j) => j.regionId === HZ)).toEqual([]);
  });

  it.each([
    [
      'field regionId and dimension RegionId',
      () => viaCallback(`{changeId=${C0}, RegionId=${SH}}`, { regionId: HZ }),
      `regionId ${HZ}, dimension regionId ${SH}`,
    ],
    [
      'EventBridge data.regionId and data.region',
      () => viaEventBridge(`{changeId=${C0}}`, { regionId: HZ, region: SH }),
      `regionId ${HZ}, region ${SH}`,
    ],
  ])('%s disagree: ignored naming both, no Web+ call', async (_label, event, named) => {
    h = await startHarness(world(), { env: ENV });
    await h.handler(event(), fakeContext());
    const rec = h.records();
    expect(rec).toHaveLength(1);
    expect(rec[0]!.outcome).toBe('ignored');
    expect(rec[0]!.detail).toBe(
      `the alarm names two regions (${named}): which region is meant is ambiguous; nothing is aborted (fail closed)`,
    );
    expect(h.sandbox.journal()).toEqual([]);
  });

  it('dimensions regionId and region disagreeing in one series: ignored naming both', async () => {
    h = await startHarness(world(), { env: ENV });
    await h.handler(
      viaEventBridge(`{changeId=${C0}, regionId=${HZ}, region=${SH}}`),
      fakeContext(),
    );
    const rec = h.records();
    expect(rec).toHaveLength(1);
    expect(rec[0]!.outcome).toBe('ignored');
    expect(rec[0]!.detail).toContain(
      `dimension regionId (as region) is given twice with different values ('${HZ}', '${SH}')`,
    );
    expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
    expect(h.sandbox.journal()).toEqual([]);
  });

  it('a region spelling whose value is no region id: ignored, no Web+ call', async () => {
    h = await startHarness(world(), { env: ENV });
    await h.handler(viaEventBridge(`{changeId=${C0}, RegionId=Shanghai}`), fakeContext());
    const rec = h.records();
    expect(rec).toHaveLength(1);
    expect(rec[0]!.outcome).toBe('ignored');
    expect(rec[0]!.detail).toContain('which is not a region id');
    expect(h.sandbox.journal()).toEqual([]);
  });
});
