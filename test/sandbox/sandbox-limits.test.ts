import { describe, expect, it } from 'vitest';
import { FaultPlan, toReply } from '../../sandbox/webplus/faults.js';
import { NonceCache } from '../../sandbox/webplus/nonce-cache.js';
import { mulberry32, RandomFaultSource } from '../../sandbox/webplus/random-faults.js';
import { TokenBucket } from '../../sandbox/webplus/token-bucket.js';

describe('NonceCache', () => {
  it('refuses a reused nonce and forgets it after the ttl', () => {
    const cache = new NonceCache(15 * 60_000);

    const first = cache.use('n1', 0);
    const replay = cache.use('n1', 14 * 60_000);
    const later = cache.use('n1', 15 * 60_000 + 1);

    expect([first, replay, later]).toEqual([true, false, true]);
  });

  it('keeps memory bounded to one ttl window', () => {
    const cache = new NonceCache(1_000);
    for (let i = 0; i < 10_000; i++) cache.use(`n${i}`, i);

    expect(cache.size).toBe(1_000);
  });
});

describe('TokenBucket', () => {
  it('allows a burst of the limit, then refills at the rate', () => {
    const bucket = new TokenBucket(5, 0);

    const burst = Array.from({ length: 6 }, () => bucket.take(0));
    const afterHalfSecond = [bucket.take(500), bucket.take(500), bucket.take(500)];

    expect(burst).toEqual([true, true, true, true, true, false]);
    expect(afterHalfSecond).toEqual([true, true, false]);
  });
});

describe('random faults', () => {
  it('mulberry32 is deterministic for a seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);

    const seqA = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(seqA);
    expect(c()).not.toBe(seqA[0]);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('draws the same faults for the same seed, all four transient kinds, and permanent ones', () => {
    const draw = (seed: number) => {
      const src = new RandomFaultSource({ transient: 0.5, permanent: 0.2, seed });
      return Array.from({ length: 400 }, () => {
        const r = src.draw('AbortChange');
        return r === undefined ? 'none' : r.kind === 'error' ? `${r.status}:${r.code}` : r.kind;
      });
    };

    const first = draw(7);
    const again = draw(7);
    const counts = new Map<string, number>();
    for (const k of first) counts.set(k, (counts.get(k) ?? 0) + 1);

    expect(again).toEqual(first);
    expect(draw(8)).not.toEqual(first);
    expect([...counts.keys()].sort()).toEqual(
      [
        '400:Throttling.User',
        '500:ResourceAuthFailed',
        '503:ServiceUnavailable',
        'none',
        'raw',
        'reset',
      ].sort(),
    );
    expect(
      new RandomFaultSource({ transient: 0, permanent: 1, seed: 1 }).draw('DescribeChange'),
    ).toMatchObject({
      status: 403,
      code: 'ResourceAuthFailed',
    });
  });
});

describe('FaultPlan', () => {
  it('consumes matching entries in order, then answers normally', () => {
    const plan = new FaultPlan([
      { action: 'AbortChange', changeId: 'wc-1', responses: [{ status: 429 }, 'ok'] },
      { action: 'DescribeChanges', envId: 'we-1', responses: [{ delayMs: 10 }] },
    ]);

    const other = plan.take('AbortChange', { changeId: 'wc-2' });
    const first = plan.take('AbortChange', { changeId: 'wc-1' });
    const second = plan.take('AbortChange', { changeId: 'wc-1' });
    const spent = plan.take('AbortChange', { changeId: 'wc-1' });
    const byEnv = plan.take('DescribeChanges', { envId: 'we-1' });

    expect(other).toBeUndefined();
    expect(first).toEqual({
      kind: 'error',
      status: 429,
      code: 'Throttling.User',
      message: 'Sandbox fault: Throttling.User.',
      delayMs: 0,
    });
    expect(second).toEqual({ kind: 'normal', delayMs: 0 });
    expect(spent).toBeUndefined();
    expect(byEnv).toEqual({ kind: 'normal', delayMs: 10 });
  });

  it('turns raw and reset responses into replies', () => {
    expect(toReply({ status: 502, contentType: 'text/html', body: '<html>502</html>' })).toEqual({
      kind: 'raw',
      status: 502,
      contentType: 'text/html',
      body: '<html>502</html>',
      delayMs: 0,
    });
    expect(toReply({ reset: true, applied: true })).toEqual({
      kind: 'reset',
      applied: true,
      delayMs: 0,
    });
  });
});
