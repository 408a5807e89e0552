import type { AbortRequest } from '../model/request.js';

/**
 * The requests of an invocation with the enabled SAE / EDAS platforms added: an unscoped sweep
 * (timer, or `/sweep` without ids) also sweeps every enabled SAE / EDAS platform, with the
 * sweep's `dryRun` and thresholds (a timer payload's `maxIdleMinutes` / `maxDurationMinutes`), and sweeps
 * Web+ only when `PLATFORMS` lists `webplus`. Requests naming Web+ ids are kept as they are.
 * With `PLATFORMS=webplus` (the default) the list is returned as it is.
 */
export function withPlatformSweeps(
  requests: readonly AbortRequest[],
  platforms: readonly ('webplus' | 'sae' | 'edas')[],
): AbortRequest[] {
  const out: AbortRequest[] = [];
  for (const request of requests) {
    const unscopedSweep = request.kind === 'sweep' && !request.envIds && !request.appIds;
    if (!unscopedSweep || platforms.includes('webplus')) out.push(request);
    if (request.kind !== 'sweep' || !unscopedSweep) continue;
    for (const platform of ['sae', 'edas'] as const) {
      if (!platforms.includes(platform)) continue;
      out.push({
        kind: 'platform',
        platform,
        source: 'sweep',
        trigger: request.trigger,
        ...(request.triggerRef ? { triggerRef: request.triggerRef } : {}),
        changeOrderIds: [],
        ...(request.dryRun === undefined ? {} : { dryRun: request.dryRun }),
        ...(request.maxIdleMinutes === undefined ? {} : { maxIdleMinutes: request.maxIdleMinutes }),
        ...(request.maxDurationMinutes === undefined
          ? {}
          : { maxDurationMinutes: request.maxDurationMinutes }),
        invalid: [],
      });
    }
  }
  return out;
}
