import { randomUUID } from 'node:crypto';
import type { Credentials } from '#shared/core/credentials.js';
import type { FcContext } from '#shared/fc/context.js';

/** A fake FC 3.0 context, as the nodejs20 runtime passes it. */
export function fakeContext(
  overrides: Partial<FcContext> & { credentials?: Credentials } = {},
): FcContext {
  return {
    requestId: overrides.requestId ?? `test-${randomUUID()}`,
    credentials: overrides.credentials ?? {
      accessKeyId: 'sandbox-ak',
      accessKeySecret: 'sandbox-secret',
    },
    function: overrides.function ?? {
      name: 'abort-stuck-changes',
      handler: 'index.handler',
      memory: 256,
      timeout: 60,
    },
    service: overrides.service ?? { logProject: 'test', logStore: 'test' },
    region: overrides.region ?? 'cn-hangzhou',
    accountId: overrides.accountId ?? '1234567890123456',
  };
}
