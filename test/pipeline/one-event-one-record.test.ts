/**
 * Red-team 25 G13, the kind: one alarm or event is one decision and one record, whatever it
 * refuses. A CloudMonitor callback refusing two keys wrote two `invalid` records; an ignored
 * event with a bad id wrote an `invalid` record beside its `ignored` one. Now one record names
 * everything refused. A timer payload keeps one `invalid` record per problem (docs/policy.md).
 * Through the real handler and the Web+ sandbox.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  alarmFields,
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

const C0 = changeId(0);
const world = () => scenario([1], [change({ n: 0, env: 0, idleMin: 90, ageMin: 95 })]);

describe('one event, one record', () => {
  it('a callback refusing two keys: one invalid record naming both, no Web+ call', async () => {
    h = await startHarness(world(), { env: { ABORT_DRY_RUN: 'false' } });
    await h.handler(
      cmsCallback(
        alarmFields(`{changeId=${C0}}`, Date.now() - 30_000, { dryRun: 'false', force: 'true' }),
      ),
      fakeContext(),
    );
    const recs = h.records();
    expect(recs).toHaveLength(1);
    expect(recs[0]!.outcome).toBe('invalid');
    expect(recs[0]!.detail).toMatch(/^alarm: body.dryRun: .*; body.force: /);
    expect(h.sandbox.journal()).toEqual([]);
  });

  it('an EventBridge alarm refusing two data keys: one invalid record', async () => {
    h = await startHarness(world(), { env: { ABORT_DRY_RUN: 'false' } });
    await h.handler(
      eventBridgeEnvelope(
        alarmFields(`{changeId=${C0}}`, Date.now() - 30_000, { DryRun: 'true', mode: 'enforce' }),
      ),
      fakeContext(),
    );
    const recs = h.records();
    expect(recs).toHaveLength(1);
    expect(recs[0]!.outcome).toBe('invalid');
    expect(recs[0]!.detail).toContain('data.DryRun');
    expect(recs[0]!.detail).toContain('data.mode');
    expect(h.sandbox.journal()).toEqual([]);
  });

  it('an alarm whose changeId is malformed: one invalid record naming it, nothing called', async () => {
    h = await startHarness(world(), { env: { ABORT_DRY_RUN: 'false' } });
    await h.handler(
      eventBridgeEnvelope(alarmFields('{changeId=wc-XYZ}', Date.now() - 30_000)),
      fakeContext(),
    );
    const recs = h.records();
    expect(recs).toHaveLength(1);
    expect(recs[0]!.outcome).toBe('invalid');
    expect(recs[0]!.detail).toContain('dimensions.changeId: not a ChangeId');
    expect(h.sandbox.journal()).toEqual([]);
  });
});
