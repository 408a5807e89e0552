import { describe, expect, it } from 'vitest';
import { Deadline } from '#shared/core/deadline.js';
import { type PacedCallOptions, pacedCall, pacedTryOnce } from '#shared/core/paced-call.js';
import { createPacer } from '#shared/core/pacer.js';

/** A platform's own error, as a gateway would define it. */
class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: string,
    readonly retryable: boolean,
    readonly ambiguous = false,
  ) {
    super(code);
  }
}
class Stopped extends Error {
  override readonly name = 'Stopped';
  constructor(
    readonly attempts: number,
    readonly last: string | undefined,
    readonly why: string | undefined,
  ) {
    super(`stopped after ${attempts}`);
  }
}
class Failed extends Error {
  override readonly name = 'Failed';
  constructor(
    readonly code: string,
    readonly attempts: number,
  ) {
    super(`failed ${code} after ${attempts}`);
  }
}

function options(deadlineInMs: number, extra: Partial<PacedCallOptions<ApiError>> = {}) {
  const seen: string[] = [];
  const opts: PacedCallOptions<ApiError> = {
    pacer: createPacer({ concurrency: 2, qps: 1000 }),
    retry: { maxAttempts: 3, baseMs: 1, maxDelayMs: 2, attemptTimeoutMs: 50 },
    deadline: new Deadline(Date.now() + deadlineInMs),
    random: () => 0.5,
    isPlatformError: (e): e is ApiError => e instanceof ApiError,
    retryable: (e) => e.retryable,
    ambiguous: (e) => e.ambiguous,
    onError: (e) => seen.push(e.code),
    deadlineError: (attempts, last, why) => new Stopped(attempts, last?.code, why),
    failedError: (e, attempts) => new Failed(e.code, attempts),
    ...extra,
  };
  return { opts, seen };
}

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('pacedCall (shared/core/paced-call.ts): the one paced call of every gateway', () => {
  it('retries a retryable platform error and returns the value with the requests sent', async () => {
    const { opts, seen } = options(10_000);
    let n = 0;
    const result = await pacedCall(opts, async ({ timeoutMs }, attemptNumber) => {
      n += 1;
      expect(timeoutMs).toBe(50);
      expect(attemptNumber).toBe(n);
      if (n < 3) throw new ApiError('Throttling.User', true);
      return 'ok';
    });
    expect(result).toEqual({ value: 'ok', attempts: 3 });
    expect(seen).toEqual(['Throttling.User', 'Throttling.User']);
  });

  it('a platform error that is not retryable ends the call through failedError, once', async () => {
    const { opts } = options(10_000);
    let n = 0;
    const error = await thrown(
      pacedCall(opts, async () => {
        n += 1;
        throw new ApiError('Forbidden.RAM', false);
      }),
    );
    expect(error).toBeInstanceOf(Failed);
    expect(error).toMatchObject({ code: 'Forbidden.RAM', attempts: 1 });
    expect(n).toBe(1);
  });

  it('every attempt spent: failedError with the last error and all attempts', async () => {
    const { opts } = options(10_000);
    const error = await thrown(
      pacedCall(opts, async (_o, k) => {
        throw new ApiError(`ServiceUnavailable.${k}`, true);
      }),
    );
    expect(error).toMatchObject({ name: 'Failed', code: 'ServiceUnavailable.3', attempts: 3 });
  });

  it('an attempt whose timeout does not fit is never sent: deadlineError with 0 attempts and why', async () => {
    const { opts } = options(20); // 20 ms left, an attempt needs 50
    let sent = 0;
    const error = await thrown(
      pacedCall(opts, async () => {
        sent += 1;
        return 'never';
      }),
    );
    expect(sent).toBe(0);
    expect(error).toBeInstanceOf(Stopped);
    expect(error).toMatchObject({ attempts: 0, last: undefined });
    expect((error as Stopped).why).toMatch(/^not sent: \d+ ms left before the deadline/);
  });

  it('an aborted signal sends nothing and says the invocation ended', async () => {
    const controller = new AbortController();
    controller.abort();
    const { opts } = options(10_000, { signal: controller.signal });
    let sent = 0;
    const error = await thrown(
      pacedCall(opts, async () => {
        sent += 1;
        return 'never';
      }),
    );
    expect(sent).toBe(0);
    expect(error).toMatchObject({ name: 'Stopped', attempts: 0 });
    expect((error as Stopped).why).toMatch(/^not sent: the invocation/);
  });

  it('after an ambiguous failure, recover’s value ends the call as a success', async () => {
    const { opts } = options(10_000);
    let recovered = 0;
    const result = await pacedCall(
      opts,
      async () => {
        throw new ApiError('SocketHangUp', true, true);
      },
      async () => {
        recovered += 1;
        return 'landed';
      },
    );
    expect(result).toEqual({ value: 'landed', attempts: 1 });
    expect(recovered).toBe(1);
  });

  it('an error that is not the platform’s is neither retried nor wrapped', async () => {
    const { opts, seen } = options(10_000);
    const bug = new TypeError('x is undefined');
    let n = 0;
    const error = await thrown(
      pacedCall(opts, async () => {
        n += 1;
        throw bug;
      }),
    );
    expect(error).toBe(bug);
    expect(n).toBe(1);
    expect(seen).toEqual([]);
  });

  it('pacedTryOnce: one attempt, undefined on failure (shown to onError) or when it does not fit', async () => {
    const { opts, seen } = options(10_000);
    expect(await pacedTryOnce(opts, async ({ timeoutMs }) => timeoutMs)).toBe(50);
    expect(
      await pacedTryOnce(opts, async () => {
        throw new ApiError('InvalidApi.NotFound', false);
      }),
    ).toBeUndefined();
    expect(seen).toEqual(['InvalidApi.NotFound']);
    const late = options(20).opts;
    let sent = 0;
    expect(
      await pacedTryOnce(late, async () => {
        sent += 1;
        return 1;
      }),
    ).toBeUndefined();
    expect(sent).toBe(0);
  });
});
