/**
 * Red-team 24 F7 / F8 as a property: over generated SAE / EDAS change-order reads (well formed,
 * or with one or more fields that cannot be read or contradict the rest), a small independent
 * oracle says which fields are at fault and whether the batch times can be believed; the
 * production readers (parse.ts `orderReplyFaults`, `batchSpan`) must name exactly those fields,
 * and the decision (`decidePlatform`, an operator's request, enforce) must be an abort exactly
 * when the oracle finds nothing wrong.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Candidate } from '#shared/model/candidate.js';
import { batchSpan, epochMs, orderReplyFaults } from '#shared/platform/parse.js';
import type { PlatformChange } from '#shared/platform/platform.js';
import { parsePolicy } from '#shared/policy/load.js';
import { decidePlatform } from '#shared/policy/platform-decide.js';

const NOW = Date.UTC(2026, 11, 3, 11, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

/** Oracle: a `yyyy-MM-dd HH:mm:ss` text of a real calendar date, as UTC ms (no shared code). */
function oracleWall(v: unknown): number | undefined {
  if (typeof v !== 'string' || v.length !== 19) return undefined;
  const digits = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
  if (!digits.every((i) => v[i]! >= '0' && v[i]! <= '9')) return undefined;
  if (v[4] !== '-' || v[7] !== '-' || v[10] !== ' ' || v[13] !== ':' || v[16] !== ':')
    return undefined;
  const [y, mo, d, h, mi, s] = [
    v.slice(0, 4),
    v.slice(5, 7),
    v.slice(8, 10),
    v.slice(11, 13),
    v.slice(14, 16),
    v.slice(17, 19),
  ].map(Number) as number[];
  const leap = (y! % 4 === 0 && y! % 100 !== 0) || y! % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > days[mo! - 1]! || h! > 23 || mi! > 59 || s! > 59)
    return undefined;
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
}

/** `yyyy-MM-dd HH:mm:ss` of a UTC instant. */
const wall = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

const isStatus = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1000;

interface Batch {
  PipelineId?: unknown;
  Status?: unknown;
  StartTime: number;
  UpdateTime: number;
}

/** A read: 1–4 batches (the last running: status 1, the others succeeded), and the order-level fields. */
const read = fc
  .record({
    n: fc.integer({ min: 1, max: 4 }),
    // times: the first batch started 3 h ago; each batch's start / update offset in minutes
    offsets: fc.array(
      fc.record({
        start: fc.integer({ min: -180, max: 2 }),
        update: fc.integer({ min: -180, max: 2 }),
      }),
      { minLength: 4, maxLength: 4 },
    ),
    repeatId: fc.boolean(),
    badStatus: fc.option(fc.constantFrom('1', null, 1.5, undefined), { nil: false as const }),
    createTime: fc.oneof(
      fc.integer({ min: -20, max: 20 }).map((h) => ({ kind: 'wall' as const, h })),
      fc.constantFrom(
        { kind: 'absent' as const },
        { kind: 'iso' as const },
        { kind: 'number' as const },
        { kind: 'no-date' as const },
      ),
    ),
    subStatus: fc.constantFrom(undefined, 0, 1, '1', null, 2.5),
    batchCount: fc.constantFrom('match', 'other', 'string', 'absent'),
    current: fc.constantFrom('first', 'none', 'blank', 'number', 'absent'),
  })
  .map((g) => {
    const batches: Batch[] = Array.from({ length: g.n }, (_, i) => ({
      PipelineId: g.repeatId && i === 1 ? 'p-0' : `p-${i}`,
      Status: i === g.n - 1 ? (g.badStatus === false ? 1 : g.badStatus) : 2,
      StartTime: NOW + g.offsets[i]!.start * MIN,
      UpdateTime: NOW + g.offsets[i]!.update * MIN,
    }));
    const firstStart = Math.min(...batches.map((b) => b.StartTime));
    const data: Record<string, unknown> = {};
    if (g.createTime.kind === 'wall') data.CreateTime = wall(firstStart + g.createTime.h * HOUR);
    if (g.createTime.kind === 'iso') data.CreateTime = new Date(firstStart).toISOString();
    if (g.createTime.kind === 'number') data.CreateTime = firstStart;
    if (g.createTime.kind === 'no-date') data.CreateTime = '2026-02-29 10:00:00';
    if (g.subStatus !== undefined) data.SubStatus = g.subStatus;
    if (g.batchCount === 'match') data.BatchCount = g.n;
    if (g.batchCount === 'other') data.BatchCount = g.n + 1;
    if (g.batchCount === 'string') data.BatchCount = String(g.n);
    if (g.current === 'first') data.CurrentPipelineId = 'p-0';
    if (g.current === 'none') data.CurrentPipelineId = 'nope';
    if (g.current === 'blank') data.CurrentPipelineId = '';
    if (g.current === 'number') data.CurrentPipelineId = 0;
    return { data, batches };
  });

/** Oracle: the fields at fault, by name. */
function oracleFaults(data: Record<string, unknown>, batches: Batch[]): Set<string> {
  const out = new Set<string>();
  if ('CreateTime' in data && oracleWall(data.CreateTime) === undefined) out.add('CreateTime');
  if ('SubStatus' in data && !isStatus(data.SubStatus)) out.add('SubStatus');
  if ('BatchCount' in data && data.BatchCount !== batches.length) out.add('BatchCount');
  if (batches.some((b) => !isStatus(b.Status))) out.add('Status');
  const ids = batches.map((b) => b.PipelineId);
  if (new Set(ids).size !== ids.length) out.add('PipelineId');
  // Red-team 25 G4: a batch that started before the one before it ended (its last update).
  for (let i = 1; i < batches.length; i++)
    if (isStatus(batches[i]!.Status) && batches[i]!.StartTime < batches[i - 1]!.UpdateTime)
      out.add('order');
  if (
    'CurrentPipelineId' in data &&
    data.CurrentPipelineId !== '' &&
    !ids.includes(data.CurrentPipelineId)
  )
    out.add('CurrentPipelineId');
  return out;
}

/** The field a production fault phrase names. */
function fieldOf(fault: string): string {
  if (/^batch \d+ Status/.test(fault)) return 'Status';
  if (/share PipelineId/.test(fault)) return 'PipelineId';
  if (/^batch \d+ started .*before batch \d+ ended/.test(fault)) return 'order';
  return fault.split(' ')[0]!;
}

/** Oracle: whether the batch times (and CreateTime against them) can be believed. */
function oracleTimesOk(data: Record<string, unknown>, batches: Batch[]): boolean {
  const started = batches.filter((b) => b.Status !== 0);
  if (started.length === 0) return false;
  if (started.some((b) => b.StartTime > b.UpdateTime)) return false;
  const first = Math.min(...started.map((b) => b.StartTime));
  const last = Math.max(...started.flatMap((b) => [b.StartTime, b.UpdateTime]));
  if (last > NOW + MIN) return false;
  const created = oracleWall(data.CreateTime);
  // The zone is unknown (UTC−12 … UTC+14): only the earliest instant it may name is judged.
  if (created !== undefined && created - 14 * HOUR > NOW + MIN) return false; // in the future
  if (created !== undefined && created - 14 * HOUR > first + MIN) return false; // after batch 1 started
  return true;
}

const POLICY = parsePolicy({ defaults: { mode: 'enforce' } });

describe('SAE / EDAS reads whose fields are unreadable or contradict each other (red-team 24 F7, F8)', () => {
  it('names exactly the fields the oracle finds at fault, and aborts exactly when it finds none and the times hold', () => {
    fc.assert(
      fc.property(read, ({ data, batches }) => {
        const got = orderReplyFaults({
          product: 'SAE',
          createTime: data.CreateTime,
          batchCount: data.BatchCount,
          subStatus: data.SubStatus,
          currentPipelineId: data.CurrentPipelineId,
          pipelinesField: 'Pipelines',
          statusField: 'Status',
          pipelines: batches as unknown as Record<string, unknown>[],
          status: 1,
          stateOf: (c) => (c === 1 ? 'in_flight' : c === 2 ? 'finished' : 'unknown'),
          finishTime: undefined,
          timeForm: 'number',
          types: {
            coType: undefined,
            coTypeCode: undefined,
            batchType: undefined,
            supportRollback: undefined,
            batchIntegers: [],
          },
        });
        const expected = oracleFaults(data, batches);
        expect(new Set(got.faults.map(fieldOf))).toEqual(expected);
        const span = batchSpan(
          batches.map((b) => ({
            status: isStatus(b.Status) ? (b.Status as number) : undefined,
            startTime: epochMs(b.StartTime),
            updateTime: epochMs(b.UpdateTime),
          })),
        );
        const change: PlatformChange = {
          platform: 'sae',
          changeId: 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5e0001',
          appId: '7171a6ca-d1cd-4928-8642-7d5cfe690001',
          state: 'in_flight',
          rawStatus: '1',
          aborting: 'unknown',
          startedAtMs: span.startedAtMs,
          lastProgressAtMs: span.lastProgressAtMs,
          supportsRollback: 'unknown',
          ...(span.why ? { timesWhy: span.why } : {}),
          ...(got.faults.length > 0 ? { replyFaults: got.faults } : {}),
          ...(got.createdWallMs !== undefined ? { createdWallMs: got.createdWallMs } : {}),
        };
        const candidate: Candidate = {
          source: 'manual',
          platform: 'sae',
          changeId: change.changeId,
          appId: change.appId,
          platformChange: change,
        };
        const decision = decidePlatform(candidate, {
          policy: POLICY,
          nowMs: NOW,
          killSwitch: false,
          requestDryRun: false,
          skewMs: 0,
        });
        const shouldAbort = expected.size === 0 && oracleTimesOk(data, batches);
        expect(decision.kind).toBe(shouldAbort ? 'abort' : 'record');
        if (decision.kind === 'record') {
          expect(decision.outcome).toBe('skipped');
          expect(decision.detail).toContain('not aborted (fail closed)');
          for (const field of expected) expect(decision.detail).toContain(field);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
