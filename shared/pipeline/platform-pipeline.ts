import { ChunkLoadError } from '../core/errors.js';
import { loadChunk } from '../core/load-chunk.js';
import type { Mode } from '../model/record.js';
import type { PlatformRequest } from '../model/request.js';
import type { Emit, Invocation } from './invocation.js';
import type { RequestOutcome } from './process-request.js';
import { invalidRecord, type RecordBase, requestRecord } from './records.js';
import type { Runtime } from './runtime.js';

/** What {@link processPlatformRequestOnDemand} loads, as a record's detail names it. */
export const PLATFORM_CODE = 'the SAE/EDAS code (platforms.js)';

/**
 * Runs an SAE / EDAS request (process-platform-request.ts `processPlatformRequest`), loading the
 * SAE / EDAS pipeline, clients and platforms on the first such request of the instance: in the
 * function bundle they are the chunk `platforms.js` (scripts/bundle-options.mjs `SOURCE_CHUNKS`),
 * so a Web+-only cold start never reads it.
 *
 * When it cannot be loaded (ChunkLoadError), nothing is called and nothing is lost: the
 * request's `invalid` records, then one `failed` record per ChangeOrderId or AppId the request
 * names (else one for the request), each with `errorCode` `ChunkLoadFailed` and the loader's
 * error in `detail`. The next request tries the load again.
 */
export async function processPlatformRequestOnDemand(
  request: PlatformRequest,
  inv: Invocation,
  runtime: Runtime,
  emit: Emit,
): Promise<RequestOutcome> {
  let pipeline: typeof import('./process-platform-request.js');
  try {
    pipeline = await loadChunk(PLATFORM_CODE, () => import('./process-platform-request.js'));
  } catch (error) {
    if (!(error instanceof ChunkLoadError)) throw error;
    return chunkFailed(request, inv, runtime, emit, error);
  }
  return pipeline.processPlatformRequest(request, inv, runtime, emit);
}

function chunkFailed(
  request: PlatformRequest,
  inv: Invocation,
  runtime: Runtime,
  emit: Emit,
  error: ChunkLoadError,
): RequestOutcome {
  const { config, policy } = runtime;
  const platform = request.platform;
  const base: RecordBase = {
    trigger: request.trigger,
    triggerRef: request.triggerRef,
    invocationId: inv.invocationId,
  };
  const dryRun = request.dryRun === true || config.dryRun;
  // The platform's own mode, as platform-decide.ts `platformRulesFor` reads it without an app.
  const ruleMode = policy.platforms[platform].mode ?? policy.defaults.mode;
  const runMode: Mode =
    ruleMode === 'off' ? 'off' : dryRun || ruleMode === 'dry-run' ? 'dry-run' : 'enforce';
  const tag = <T extends object>(r: T) => ({ platform, ...r });
  const records = request.invalid.map((input) =>
    emit(tag(invalidRecord(input, base, runMode, Date.now()))),
  );
  const detail = `${error.message}; nothing was called`;
  const extra = {
    errorCode: 'ChunkLoadFailed',
    ...(request.reason ? { reason: request.reason } : {}),
    ...(request.regionId ? { regionId: request.regionId } : {}),
  };
  const named: Array<{ changeId?: string; appId?: string }> = [
    ...request.changeOrderIds.map((changeId) => ({ changeId })),
    ...(request.appIds ?? []).map((appId) => ({ appId })),
  ];
  if (named.length === 0)
    records.push(emit(tag(requestRecord(base, runMode, 'failed', detail, extra))));
  for (const id of named) {
    records.push(emit(tag({ ...id, ...requestRecord(base, runMode, 'failed', detail, extra) })));
  }
  return { records, capReached: false, dryRun };
}
