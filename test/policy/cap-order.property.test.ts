/**
 * `sweep.maxAbortsPerRun` keeps the most urgent aborts on every platform (shared/policy/decide.ts
 * `applyCap`): in flight before paused, then the longest running (oldest start), then the least
 * recent progress, then platform and id. Checked against a tiny model written here (a
 * lexicographic comparison of plain tuples, counted pairwise instead of sorted: it shares no code
 * with the policy stage) on fast-check generated mixes of Web+, SAE and EDAS decisions, unknown
 * times and dry-run decisions included; and once through the real handler, where SAE lists its
 * applications youngest order first.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Candidate } from '#shared/model/candidate.js';
import type { Decision } from '#shared/model/decision.js';
import { applyCap } from '#shared/policy/decide.js';
import { type SaeSandbox, startSaeSandbox } from '../../sandbox/sae/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { timerEvent } from '../helpers/world.js';

interface Spec {
  platform: 'webplus' | 'sae' | 'edas';
  id: string;
  paused: boolean;
  /** epoch ms, or undefined: unknown */
  start?: number;
  progress?: number;
  /** true: an enforce abort; false: a would_abort record (uses none of the cap) */
  acting: boolean;
}

/** The candidate the way each platform's reads fill it in. */
function candidateOf(s: Spec): Candidate {
  if (s.platform === 'webplus')
    return {
      source: 'sweep',
      changeId: s.id,
      change: {
        changeId: s.id,
        paused: s.paused,
        ...(s.start === undefined ? {} : { createTime: s.start }),
        ...(s.progress === undefined ? {} : { updateTime: s.progress }),
      },
    } as unknown as Candidate;
  return {
    source: 'sweep',
    platform: s.platform,
    changeId: s.id,
    platformChange: {
      platform: s.platform,
      changeId: s.id,
      state: s.paused ? 'paused' : 'in_flight',
      startedAtMs: s.start ?? 'unknown',
      lastProgressAtMs: s.progress ?? 'unknown',
    },
  } as unknown as Candidate;
}

function decisionOf(s: Spec): Decision {
  const candidate = candidateOf(s);
  return s.acting
    ? ({
        kind: 'abort',
        candidate,
        mode: 'enforce',
        reason: 'idle>30m',
        detail: 'stuck',
      } as Decision)
    : ({
        kind: 'record',
        candidate,
        mode: 'dry-run',
        reason: 'idle>30m',
        outcome: 'would_abort',
        detail: 'dry run',
      } as Decision);
}

// ---- the model -------------------------------------------------------------------------------

const UNKNOWN = 9e15;
/** [paused, start, progress, platform, id]: smaller is more urgent. */
function urgency(s: Spec): [number, number, number, string, string] {
  return [s.paused ? 1 : 0, s.start ?? UNKNOWN, s.progress ?? UNKNOWN, s.platform, s.id];
}
function moreUrgent(a: Spec, b: Spec): boolean {
  const x = urgency(a);
  const y = urgency(b);
  for (let i = 0; i < x.length; i++) {
    if (x[i]! < y[i]!) return true;
    if (x[i]! > y[i]!) return false;
  }
  return false;
}
/** The ids the cap keeps: those with fewer than `cap` more urgent acting ones. */
function modelKept(specs: Spec[], cap: number): Set<string> {
  const acting = specs.filter((s) => s.acting);
  return new Set(
    acting
      .filter((s) => acting.filter((o) => o !== s && moreUrgent(o, s)).length < cap)
      .map((s) => s.id),
  );
}

// ---- generated worlds ------------------------------------------------------------------------

const T0 = 1_780_000_000_000;
const time = fc.option(
  fc.integer({ min: 0, max: 20 }).map((m) => T0 + m * 60_000),
  {
    nil: undefined,
  },
);
const spec = fc.record({
  platform: fc.constantFrom('webplus' as const, 'sae' as const, 'edas' as const),
  paused: fc.boolean(),
  start: time,
  progress: time,
  acting: fc.integer({ min: 0, max: 4 }).map((n) => n > 0),
});
const world = fc
  .tuple(fc.array(spec, { minLength: 0, maxLength: 14 }), fc.integer({ min: 0, max: 8 }))
  .map(([raw, cap]) => ({
    // ids unique within a world, in no particular relation to urgency
    specs: raw.map((s, i) => ({
      ...s,
      id: `c-${((i * 7919) % 97).toString(16).padStart(2, '0')}-${i}`,
    })),
    cap,
  }));

describe('applyCap keeps the most urgent aborts across platforms (independent model)', () => {
  it('keeps exactly the ids the model keeps; the rest skipped; nothing else changes', () => {
    fc.assert(
      fc.property(world, ({ specs, cap }) => {
        const decisions = specs.map(decisionOf);
        const { decisions: out, capReached } = applyCap(decisions, cap);
        const kept = modelKept(specs, cap);
        const acting = specs.filter((s) => s.acting).length;
        expect(capReached).toBe(acting > cap);
        expect(out).toHaveLength(specs.length);
        specs.forEach((s, i) => {
          const d = out[i]!;
          expect(d.candidate.changeId).toBe(s.id);
          if (!s.acting) expect(d).toBe(decisions[i]);
          else if (kept.has(s.id)) expect(d.kind).toBe('abort');
          else {
            expect(d).toMatchObject({ kind: 'record', outcome: 'skipped', mode: 'enforce' });
            if (d.kind === 'record') expect(d.detail).toContain(`sweep.maxAbortsPerRun is ${cap}`);
          }
        });
      }),
      { numRuns: 400 },
    );
  });

  it('the order of the input never changes which are kept', () => {
    fc.assert(
      fc.property(world, fc.integer(), ({ specs, cap }, seed) => {
        const shuffled = [...specs].sort(
          (a, b) =>
            ((a.id.length * 31 + seed) % 7) - ((b.id.length * 31 + seed) % 7) ||
            (a.id < b.id ? 1 : -1),
        );
        const keptOf = (list: Spec[]) =>
          applyCap(list.map(decisionOf), cap)
            .decisions.filter((d) => d.kind === 'abort')
            .map((d) => d.candidate.changeId)
            .sort();
        expect(keptOf(shuffled)).toEqual(keptOf(specs));
      }),
      { numRuns: 200 },
    );
  });

  it('examples: in flight before paused; the oldest start; unknown times last; then progress', () => {
    const kept = (specs: Spec[], cap: number) =>
      applyCap(specs.map(decisionOf), cap)
        .decisions.filter((d) => d.kind === 'abort')
        .map((d) => d.candidate.changeId);
    const base = { acting: true, paused: false, progress: T0 } as const;
    expect(
      kept(
        [
          { ...base, platform: 'sae', id: 'young', start: T0 + 60_000 },
          { ...base, platform: 'sae', id: 'paused-old', start: T0 - 600_000, paused: true },
          { ...base, platform: 'edas', id: 'unknown-start' },
          { ...base, platform: 'edas', id: 'old', start: T0 },
        ],
        2,
      ),
    ).toEqual(['young', 'old']);
    expect(
      kept(
        [
          { ...base, platform: 'webplus', id: 'b', start: T0, progress: T0 + 5 },
          { ...base, platform: 'sae', id: 'a', start: T0, progress: T0 + 1 },
        ],
        1,
      ),
    ).toEqual(['a']);
  });
});

describe('through the handler: an SAE sweep past the cap aborts the oldest order, whatever the listing order', () => {
  const APPS = [
    '7171a6ca-d1cd-4928-8642-7d5cfe69f001',
    '7171a6ca-d1cd-4928-8642-7d5cfe69f002',
    '7171a6ca-d1cd-4928-8642-7d5cfe69f003',
  ];
  const ORDERS = [
    'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5ef001',
    'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5ef002',
    'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5ef003',
  ];
  let h: Harness | undefined;
  let sae: SaeSandbox | undefined;
  afterEach(async () => {
    await h?.close();
    await sae?.close();
    h = sae = undefined;
  });

  it('listed youngest first: the cap of 1 keeps the order that started 300 min ago', async () => {
    const scenario = {
      apps: [],
      envs: [],
      changes: [],
      sae: {
        apps: APPS.map((AppId, i) => ({ AppId, AppName: `app-${i}` })),
        // listing order: 60, 180, 300 minutes old; all stuck (idle 50 min)
        changeOrders: [60, 180, 300].map((startedMinutesAgo, i) => ({
          ChangeOrderId: ORDERS[i]!,
          AppId: APPS[i]!,
          Status: 1,
          startedMinutesAgo,
          idleMinutes: 50,
        })),
      },
    };
    sae = await startSaeSandbox(scenario);
    h = await startHarness(
      { apps: [], envs: [], changes: [] },
      {
        policy: { sweep: { maxAbortsPerRun: 1 } },
        env: { PLATFORMS: 'sae', SAE_ENDPOINT: sae.url, SAE_QPS: '1000' },
      },
    );
    await h.handler(timerEvent({}), fakeContext());
    const outcomes = Object.fromEntries(h.records().map((r) => [r.changeId, r.outcome]));
    expect(outcomes).toEqual({
      [ORDERS[0]!]: 'skipped',
      [ORDERS[1]!]: 'skipped',
      [ORDERS[2]!]: 'aborted',
    });
    expect(sae.calls('AbortChangeOrder')).toBe(1);
    expect(sae.calls('AbortChangeOrder', ORDERS[2]!)).toBe(1);
  });
});
