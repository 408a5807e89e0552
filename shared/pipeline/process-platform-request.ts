import { backgroundPacer } from '../core/pacer.js';
import { edasPlatform } from '../edas/platform.js';
import { dedupe } from '../executor/execute.js';
import { executePlatform } from '../executor/platform-execute.js';
import type { Mode, OutcomeRecord } from '../model/record.js';
import type { AbortRequest, PlatformRequest } from '../model/request.js';
import { PlatformGateway } from '../platform/gateway.js';
import type { ChangePlatform } from '../platform/platform.js';
import { alarmAgeVerdict } from '../policy/alarm-age.js';
import { applyCap } from '../policy/decide.js';
import { decidePlatform, platformRulesFor } from '../policy/platform-decide.js';
import { saePlatform } from '../sae/platform.js';
import { platformCandidates } from '../targeting/platform.js';
import { CLOCK_SKEW_LIMIT_MS } from '../webplus/server-clock.js';
import type { Invocation } from './invocation.js';
import type { RequestOutcome } from './process-request.js';
import { invalidRecord, type RecordBase, recordOf, requestRecord } from './records.js';
import type { Runtime } from './runtime.js';

/**
 * Runs one SAE / EDAS request through targeting → policy → executor over the platform seam,
 * with the same guarantees as a Web+ request: one record per decision (each carrying
 * `platform`), the invocation's deadline, the instance's in-flight set, fail-closed reads.
 * A platform that `PLATFORMS` does not enable gets one `failed` record and no call.
 */
export async function processPlatformRequest(
  request: PlatformRequest,
  inv: Invocation,
  runtime: Runtime,
  emit: (record: OutcomeRecord) => OutcomeRecord,
): Promise<RequestOutcome> {
  const { config, policy } = runtime;
  const platform = request.platform;
  const base: RecordBase = {
    trigger: request.trigger,
    triggerRef: request.triggerRef,
    invocationId: inv.invocationId,
  };
  const requestDryRun = request.dryRun === true;
  const dryRun = requestDryRun || config.dryRun;
  const ruleMode = platformRulesFor(policy, platform, undefined).mode;
  const runMode: Mode =
    ruleMode === 'off' ? 'off' : dryRun || ruleMode === 'dry-run' ? 'dry-run' : 'enforce';
  const tag = <T extends object>(r: T) => ({ platform, ...r });
  const records = request.invalid.map((input) =>
    emit(tag(invalidRecord(input, base, runMode, Date.now()))),
  );
  const endpoint = runtime.platforms[platform].endpoint;
  if (!endpoint) {
    // One record per id the request named (the row shows the id passed), else one for the
    // request; the detail says why the platform is not enabled (runtime.ts, `notEnabled`).
    const why =
      runtime.platforms[platform].notEnabled ??
      `platform ${platform} is not enabled: PLATFORMS is ${config.platforms.join(',')}; add ${platform} to it`;
    const extra = {
      errorCode: 'PlatformNotEnabled',
      ...(request.reason ? { reason: request.reason } : {}),
    };
    const named: Array<{ changeId?: string; appId?: string }> = [
      ...request.changeOrderIds.map((changeId) => ({ changeId })),
      ...(request.appIds ?? []).map((appId) => ({ appId })),
    ];
    if (named.length === 0) {
      records.push(emit(tag(requestRecord(base, runMode, 'failed', why, extra))));
    }
    for (const id of named) {
      records.push(
        emit(
          tag({
            ...id,
            ...requestRecord(base, runMode, 'failed', why, extra),
          }),
        ),
      );
    }
    return { records, capReached: false, dryRun };
  }
  if (!inv.credentials) {
    records.push(
      emit(
        tag(
          requestRecord(
            base,
            runMode,
            'failed',
            'no Alibaba Cloud credentials: give the function a role (FC) or set ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET',
            { errorCode: 'NoCredentials' },
          ),
        ),
      ),
    );
    return { records, capReached: false, dryRun };
  }
  const client: ChangePlatform = (platform === 'sae' ? saePlatform : edasPlatform)({
    endpoint,
    credentials: inv.credentials,
  });
  const gateway = new PlatformGateway(
    client,
    // A sweep's calls yield to alarms and manual aborts (core/pacer.ts, `background`).
    request.source === 'sweep'
      ? backgroundPacer(runtime.platforms[platform].pacer)
      : runtime.platforms[platform].pacer,
    {
      maxAttempts: config.retryMaxAttempts,
      baseMs: config.retryBaseMs,
      maxDelayMs: config.retryMaxDelayMs,
      attemptTimeoutMs: inv.attemptTimeoutMs,
    },
    inv.deadline,
    runtime.random,
    inv.signal,
  );
  if (request.source === 'alarm') {
    // A stale alarm (older than alarmMaxAgeMinutes, no readable time, from the future) costs no
    // platform call: the Web+ rule (process-request.ts). decidePlatform judges it again on the
    // clock the decisions use.
    const age = alarmAgeVerdict(request.alarmAtMs, Date.now(), policy.alarmMaxAgeMinutes);
    const region = platform === 'sae' ? config.saeRegion : config.edasRegion;
    const otherRegion =
      request.regionId !== undefined && request.regionId !== region
        ? `the event comes from region ${request.regionId}, but ${platform} is read in ${region} (${platform === 'sae' ? 'SAE_REGION' : 'EDAS_REGION'}): not this function's application`
        : undefined;
    if (!age.fresh || otherRegion) {
      records.push(
        emit(
          tag(
            requestRecord(base, runMode, 'ignored', age.fresh ? otherRegion! : age.detail, {
              ...(request.reason ? { reason: request.reason } : {}),
            }),
          ),
        ),
      );
      return { records, capReached: false, dryRun };
    }
  }
  const readsStartedAtMs = Date.now();
  try {
    const candidates = await platformCandidates(
      gateway,
      request,
      policy.platforms[platform].sweepAppIds,
    );
    const decidedAtMs = Date.now();
    // Ages are judged on the platform's clock when its replies' Date headers show it more than a
    // minute away from ours (the Web+ rule, process-request.ts); the records then carry the skew.
    const skewMs = client.clockSkewMs();
    const onServerClock = skewMs !== undefined && Math.abs(skewMs) > CLOCK_SKEW_LIMIT_MS;
    const nowMs = onServerClock ? decidedAtMs + skewMs : decidedAtMs;
    const clock = { judgedAtMs: nowMs, ...(onServerClock ? { skewMs } : {}) };
    let decisions = dedupe(candidates).map((c) =>
      decidePlatform(c, {
        policy,
        nowMs,
        skewMs,
        ...(request.alarmAtMs === undefined ? {} : { alarmAtMs: request.alarmAtMs }),
        killSwitch: config.dryRun,
        requestDryRun,
        overrides: {
          maxIdleMinutes: request.maxIdleMinutes,
          maxDurationMinutes: request.maxDurationMinutes,
        },
      }),
    );
    let capReached = false;
    if (request.source === 'sweep')
      ({ decisions, capReached } = applyCap(decisions, policy.sweep.maxAbortsPerRun));
    const done = await Promise.all(
      decisions.map(async (d) =>
        emit(
          recordOf(
            await executePlatform(d, gateway, runtime.inFlight, decidedAtMs, readsStartedAtMs),
            base,
            runMode,
            clock,
          ),
        ),
      ),
    );
    records.push(...done);
    return { records, capReached, dryRun };
  } finally {
    client.close();
  }
}

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
