import fc from 'fast-check';
import { AbortError } from 'p-retry';
import { describe, expect, it } from 'vitest';
import { Deadline } from '#shared/core/deadline.js';
import { RetryStoppedError, retryWithinDeadline } from '#shared/core/retry.js';

class Flaky extends Error {
  override readonly name = 'Flaky';
}
class Broken extends Error {
  override readonly name = 'Broken';
}
const retryable = (error: Error): boolean => error instanceof Flaky;
const base = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2, attemptTimeoutMs: 50, retryable };

async function stopped(promise: Promise<unknown>): Promise<RetryStoppedError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RetryStoppedError) return error;
    throw error;
  }
  throw new Error('expected the loop to give up');
}

describe('retryWithinDeadline (shared/core/retry.ts): the one retry loop', () => {
  it('retries retryable failures and returns the value with the attempt count', async () => {
    let calls = 0;
    const result = await retryWithinDeadline(
      async () => {
        calls += 1;
        if (calls < 3) throw new Flaky(`flaky ${calls}`);
        return 'done';
      },
      { ...base, deadline: new Deadline(Date.now() + 10_000) },
    );
    expect(result).toEqual({ value: 'done', attempts: 3 });
  });

  it('stops at once on a failure that is not retryable, keeping it as lastError and cause', async () => {
    const error = await stopped(
      retryWithinDeadline(
        async () => {
          throw new Broken('refused');
        },
        { ...base, deadline: new Deadline(Date.now() + 10_000) },
      ),
    );
    expect(error.reason).toBe('permanent');
    expect(error.attempts).toBe(1);
    expect(error.lastError).toBeInstanceOf(Broken);
    expect(error.cause).toBe(error.lastError);
    expect(error.name).toBe('RetryStoppedError');
  });

  it('gives up as exhausted after maxAttempts retryable failures', async () => {
    let calls = 0;
    const error = await stopped(
      retryWithinDeadline(
        async () => {
          calls += 1;
          throw new Flaky('again');
        },
        { ...base, deadline: new Deadline(Date.now() + 10_000) },
      ),
    );
    expect(error.reason).toBe('exhausted');
    expect(error.attempts).toBe(4);
    expect(calls).toBe(4);
  });

  it('starts no attempt when the whole attempt does not fit before the deadline', async () => {
    let calls = 0;
    const error = await stopped(
      retryWithinDeadline(
        async () => {
          calls += 1;
          return 1;
        },
        { ...base, deadline: new Deadline(Date.now() + 20) },
      ),
    );
    expect(error.reason).toBe('deadline');
    expect(error.attempts).toBe(0);
    expect(error.lastError).toBeUndefined();
    expect(calls).toBe(0);
  });

  it('does not sleep a backoff that would leave no room for the next attempt', async () => {
    const started = Date.now();
    const error = await stopped(
      retryWithinDeadline(
        async () => {
          throw new Flaky('slow down');
        },
        {
          ...base,
          baseDelayMs: 60_000,
          maxDelayMs: 60_000,
          deadline: new Deadline(Date.now() + 5_000),
        },
      ),
    );
    expect(error.reason).toBe('deadline');
    expect(error.attempts).toBe(1);
    expect(error.message).toContain('slow down');
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('ends a backoff at once when the invocation signal aborts', async () => {
    const controller = new AbortController();
    const pending = retryWithinDeadline(
      async () => {
        setTimeout(() => controller.abort(), 5);
        throw new Flaky('busy');
      },
      {
        ...base,
        baseDelayMs: 30_000,
        maxDelayMs: 30_000,
        deadline: new Deadline(Date.now() + 120_000),
        signal: controller.signal,
      },
    );
    const error = await stopped(pending);
    expect(error.reason).toBe('aborted');
    expect(error.attempts).toBe(1);
  });

  it('treats an attempt that throws p-retry AbortError as permanent with the original error', async () => {
    const error = await stopped(
      retryWithinDeadline(
        async () => {
          throw new AbortError(new Flaky('stop here'));
        },
        { ...base, deadline: new Deadline(Date.now() + 10_000) },
      ),
    );
    expect(error.reason).toBe('permanent');
    expect(error.attempts).toBe(1);
    expect(error.lastError).toBeInstanceOf(Flaky);
  });

  it('gives each attempt the smaller of its timeout and the time left', async () => {
    const now = 1_000_000;
    const timeouts: number[] = [];
    await retryWithinDeadline(
      async ({ timeoutMs }) => {
        timeouts.push(timeoutMs);
        return true;
      },
      {
        ...base,
        attemptTimeoutMs: 3_000,
        minAttemptMs: 250,
        deadline: new Deadline(now + 1_000, () => now),
      },
    );
    expect(timeouts).toEqual([1_000]);
  });

  it('property: never more than maxAttempts, never an attempt with less than minAttemptMs left', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          maxAttempts: fc.integer({ min: 1, max: 6 }),
          budgetMs: fc.integer({ min: 0, max: 5_000 }),
          minAttemptMs: fc.integer({ min: 1, max: 1_000 }),
          // per attempt: how long it takes on the fake clock, and how it ends
          script: fc.array(
            fc.record({
              tookMs: fc.integer({ min: 0, max: 800 }),
              end: fc.constantFrom('ok', 'flaky', 'broken'),
            }),
            { minLength: 6, maxLength: 6 },
          ),
        }),
        async ({ maxAttempts, budgetMs, minAttemptMs, script }) => {
          let now = 0;
          const deadline = new Deadline(budgetMs, () => now);
          const leftAtStart: number[] = [];
          let outcome: string;
          try {
            const { attempts } = await retryWithinDeadline(
              async ({ attemptNumber }) => {
                leftAtStart.push(budgetMs - now);
                const step = script[attemptNumber - 1];
                if (!step) throw new Error('more attempts than scripted');
                now += step.tookMs;
                if (step.end === 'flaky') throw new Flaky('f');
                if (step.end === 'broken') throw new Broken('b');
                return attemptNumber;
              },
              {
                maxAttempts,
                baseDelayMs: 1,
                maxDelayMs: 1,
                attemptTimeoutMs: minAttemptMs,
                deadline,
                retryable,
                random: () => 0,
              },
            );
            outcome = `ok after ${attempts}`;
            expect(script[attempts - 1]?.end).toBe('ok');
          } catch (error) {
            if (!(error instanceof RetryStoppedError)) throw error;
            outcome = error.reason;
            // the oracle: why it must have stopped, from the script alone
            const last = script[error.attempts - 1];
            if (error.reason === 'permanent') expect(last?.end).toBe('broken');
            if (error.reason === 'exhausted') expect(error.attempts).toBe(maxAttempts);
          }
          expect(leftAtStart.length).toBeLessThanOrEqual(maxAttempts);
          for (const left of leftAtStart) expect(left).toBeGreaterThanOrEqual(minAttemptMs);
          expect(outcome).not.toBe('aborted');
        },
      ),
      { numRuns: 300 },
    );
  });
});
