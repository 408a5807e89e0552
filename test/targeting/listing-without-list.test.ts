/**
 * Red-team 12b: a DescribeAppEnvs reply with `Code: OK` but no `AppEnvs` list was read as an
 * application without environments: the sweep examined 0 and wrote no record while changes were
 * stuck. A listing without its list (unless it says `TotalCount: 0`), or with an item that has
 * no id, is malformed: the application's listing fails, and that failure is recorded. Through
 * the real handler and the strict sandbox (raw replies).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { calls, change, scenario, summaryOf, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const JSON_CT = 'application/json;charset=utf-8';

async function sweepWith(body: string) {
  h = await startHarness(
    scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })], {
      faults: [
        {
          action: 'DescribeAppEnvs',
          responses: Array(8).fill({ status: 200, contentType: JSON_CT, body }),
        },
      ],
    }),
    { env: { RETRY_BASE_MS: '10' } },
  );
  const s = summaryOf(await h.handler(timerEvent(), fakeContext()));
  return { s, records: h.records(), aborts: calls(h.sandbox.journal(), 'AbortChange').length };
}

describe('a listing without its list is never an empty account', () => {
  for (const [label, body] of [
    ['no AppEnvs at all', JSON.stringify({ Code: 'OK', RequestId: 'R-1', TotalCount: 1 })],
    ['no AppEnvs and no TotalCount', JSON.stringify({ Code: 'OK', RequestId: 'R-2' })],
    [
      'AppEnvs without AppEnv',
      JSON.stringify({ Code: 'OK', RequestId: 'R-3', AppEnvs: {}, TotalCount: 1 }),
    ],
    [
      'an item without EnvId',
      JSON.stringify({
        Code: 'OK',
        RequestId: 'R-4',
        AppEnvs: { AppEnv: [{ EnvName: 'x' }] },
        TotalCount: 1,
      }),
    ],
  ] as const) {
    it(`${label}: the listing's failure is recorded, nothing aborted`, async () => {
      const { records, aborts } = await sweepWith(body);
      expect(aborts).toBe(0);
      const failed = records.filter((r) => r.outcome === 'failed');
      expect(failed.length).toBeGreaterThan(0);
      expect(JSON.stringify(failed)).toContain('MalformedReply');
    });
  }

  it('TotalCount 0 without a list is an empty application: no failure', async () => {
    const { records, aborts } = await sweepWith(
      JSON.stringify({ Code: 'OK', RequestId: 'R-5', TotalCount: 0, PageNumber: 1, PageSize: 100 }),
    );
    expect(aborts).toBe(0);
    expect(records.filter((r) => r.outcome === 'failed')).toEqual([]);
  });
});
