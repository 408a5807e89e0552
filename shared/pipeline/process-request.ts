import { backgroundPacer } from '../core/pacer.js';
import { dedupe, execute } from '../executor/execute.js';
import type { Candidate } from '../model/candidate.js';
import type { Mode, OutcomeRecord } from '../model/record.js';
import type { AbortRequest } from '../model/request.js';
import { alarmAgeVerdict } from '../policy/alarm-age.js';
import { envIdsForAlarm } from '../policy/alarm-match.js';
import { decide } from '../policy/decide.js';
import { explicitCandidates } from '../targeting/explicit.js';
import type { TargetingScope } from '../targeting/scope.js';
import { WebplusClient } from '../webplus/client.js';
import { WebplusGateway } from '../webplus/gateway.js';
import { CLOCK_SKEW_LIMIT_MS } from '../webplus/server-clock.js';
import type { Invocation } from './invocation.js';
import { processPlatformRequest } from './process-platform-request.js';
import {
  cutIdRecord,
  cutSummaryRecord,
  DEFERRED_RECORDS_PER_ALARM,
  invalidRecord,
  type RecordBase,
  recordOf,
  requestRecord,
} from './records.js';
import type { Runtime } from './runtime.js';
import type { SweepProgress } from './summary.js';
import { runSweep } from './sweep-run.js';

export interface RequestOutcome {
  records: OutcomeRecord[];
  capReached: boolean;
  dryRun: boolean;
  /** How far a sweep got (sweeps only). */
  sweep?: SweepProgress;
}

/**
 * Runs one request through targeting → policy → executor and returns one record per decision,
 * in decision order. Each record goes to `emit` as soon as it is made (the caller streams them
 * to the log store; `emit` returns the record as it will be written, `recordId` included).
 * Never throws for Web+ failures: they become records.
 */
export async function processRequest(
  request: AbortRequest,
  inv: Invocation,
  runtime: Runtime,
  emit: (record: OutcomeRecord) => OutcomeRecord = (record) => record,
): Promise<RequestOutcome> {
  if (request.kind === 'platform') return processPlatformRequest(request, inv, runtime, emit);
  const { config, policy } = runtime;
  const base: RecordBase = {
    trigger: request.trigger,
    triggerRef: request.triggerRef,
    invocationId: inv.invocationId,
  };
  const requestDryRun = 'dryRun' in request && request.dryRun === true;
  const dryRun = requestDryRun || config.dryRun;
  const runMode: Mode =
    policy.defaults.mode === 'off'
      ? 'off'
      : dryRun || policy.defaults.mode === 'dry-run'
        ? 'dry-run'
        : 'enforce';
  const records = request.invalid.map((input) =>
    emit(invalidRecord(input, base, runMode, Date.now())),
  );

  if (request.kind === 'refused') {
    // Refused as a whole: the `invalid` records say why; nothing is read or aborted.
    return { records, capReached: false, dryRun };
  }
  if (request.kind === 'ignored') {
    records.push(
      emit(requestRecord(base, runMode, 'ignored', request.detail, { reason: request.reason })),
    );
    return { records, capReached: false, dryRun };
  }

  let alarmEnvIds: string[] = [];
  if (request.kind === 'alarm') {
    // A stale alarm (older than alarmMaxAgeMinutes, no readable time, from the future) costs no
    // Web+ call. Judged on the function's clock here; decide() judges it again on the clock the
    // decisions use (Web+'s when the skew is over a minute).
    const age = alarmAgeVerdict(request.alarm.timestampMs, Date.now(), policy.alarmMaxAgeMinutes);
    if (!age.fresh) {
      records.push(
        emit(
          requestRecord(base, runMode, 'ignored', age.detail, {
            reason: alarmReason(request.alarm),
          }),
        ),
      );
      return { records, capReached: false, dryRun };
    }
    // An id dimension that could not be read means the alarm meant something we cannot name:
    // never fall back to other dimensions or to the policy's rules (the `invalid` records say why).
    if (request.invalid.some((i) => i.field.startsWith('dimensions.'))) {
      return { records, capReached: false, dryRun };
    }
  }
  if (request.kind === 'alarm') {
    // One alarm acts on at most ALARM_MAX_IDS of the ids it targets (its ChangeIds, or its
    // EnvIds when it names no change): the rest are recorded `deferred`, one record each for the
    // next DEFERRED_RECORDS_PER_ALARM and one summary record for any beyond, so a flood of ids
    // cannot outlast the callback's budget and no id is dropped silently.
    const max = config.alarmMaxIds;
    const byChange = request.changeIds.length > 0;
    const targeted = byChange ? request.changeIds : request.envIds;
    const cut = targeted.slice(max);
    for (const id of cut.slice(0, DEFERRED_RECORDS_PER_ALARM)) {
      const named = byChange ? { changeId: id } : { envId: id };
      records.push(
        emit(cutIdRecord(base, runMode, named, targeted.length, max, alarmReason(request.alarm))),
      );
    }
    if (cut.length > DEFERRED_RECORDS_PER_ALARM) {
      // Past that many, one record names the count and the ids: nothing is cut silently.
      records.push(
        emit(
          cutSummaryRecord(
            base,
            runMode,
            cut.slice(DEFERRED_RECORDS_PER_ALARM),
            byChange ? 'ChangeIds' : 'EnvIds',
            targeted.length,
            max,
            alarmReason(request.alarm),
          ),
        ),
      );
    }
    request = byChange
      ? { ...request, changeIds: request.changeIds.slice(0, max) }
      : { ...request, envIds: request.envIds.slice(0, max) };
  }
  if (request.kind === 'alarm') {
    // A changeId dimension names the change: the environment's in-flight change (which may be a
    // newer deploy) is only the target when the alarm names no change.
    const named = request.changeIds.length + request.envIds.length > 0;
    alarmEnvIds =
      request.changeIds.length > 0
        ? []
        : named
          ? request.envIds
          : envIdsForAlarm(policy, request.alarm);
    if (!named && alarmEnvIds.length === 0 && request.invalid.length > 0) {
      // The `invalid` records already say why nothing was acted on.
      return { records, capReached: false, dryRun };
    }
    if (!named && alarmEnvIds.length === 0) {
      records.push(
        emit(
          requestRecord(
            base,
            runMode,
            'ignored',
            'the alarm names no changeId or envId dimension and matches no rule under alarms in the policy',
            { reason: alarmReason(request.alarm) },
          ),
        ),
      );
      return { records, capReached: false, dryRun };
    }
  }

  const credentials = inv.credentials;
  if (!credentials) {
    records.push(
      emit(
        requestRecord(
          base,
          runMode,
          'failed',
          'no Alibaba Cloud credentials: give the function a role (FC) or set ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET',
          { errorCode: 'NoCredentials' },
        ),
      ),
    );
    return { records, capReached: false, dryRun };
  }

  const client = new WebplusClient(config.webplusEndpoint, credentials);
  const gateway = new WebplusGateway(
    client,
    // A sweep's calls yield to alarms and manual aborts: it defers what it cannot reach.
    request.kind === 'sweep' ? backgroundPacer(runtime.pacer) : runtime.pacer,
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
  const scope: TargetingScope = {
    sweepAppIds: policy.sweep.appIds,
    needAppId: policy.protect.appIds.length > 0,
  };
  const readsStartedAtMs = Date.now();
  try {
    if (request.kind === 'sweep') {
      const out = await runSweep(request, inv, runtime, gateway, scope, {
        base,
        runMode,
        requestDryRun,
        emit,
      });
      records.push(...out.records);
      return { records, capReached: out.capReached, dryRun, sweep: out.progress };
    }
    let candidates: Candidate[];
    if (request.kind === 'abort') {
      candidates = await explicitCandidates(gateway, scope, {
        source: 'manual',
        reason: 'manual',
        note: request.note,
        changeIds: request.changeIds,
        envIds: request.envIds,
      });
    } else {
      candidates = await explicitCandidates(gateway, scope, {
        source: 'alarm',
        reason: alarmReason(request.alarm),
        changeIds: request.changeIds,
        envIds: alarmEnvIds,
        ...(request.changeIds.length > 0 && request.envIds.length > 0
          ? { changeEnvIds: request.envIds }
          : {}),
        ...(request.changeEnvIds ? { pairedEnvIds: request.changeEnvIds } : {}),
      });
    }
    const decidedAtMs = Date.now();
    // Ages are judged on Web+'s clock when its replies' Date headers show it more than a minute
    // away from ours (server-clock.ts); the records then carry the skew.
    const skewMs = client.clockSkewMs();
    const onServerClock = skewMs !== undefined && Math.abs(skewMs) > CLOCK_SKEW_LIMIT_MS;
    const nowMs = onServerClock ? decidedAtMs + skewMs : decidedAtMs;
    const decisions = dedupe(candidates).map((c) =>
      decide(c, {
        policy,
        nowMs,
        skewMs,
        onServerClock,
        alarmAtMs: request.kind === 'alarm' ? request.alarm.timestampMs : undefined,
        killSwitch: config.dryRun,
        requestDryRun,
      }),
    );
    const capReached = false;
    const clock = { judgedAtMs: nowMs, ...(onServerClock ? { skewMs } : {}) };
    const done = await Promise.all(
      decisions.map(async (d) =>
        emit(
          recordOf(
            await execute(d, gateway, runtime.inFlight, decidedAtMs, readsStartedAtMs),
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

function alarmReason(alarm: { ruleId?: string; alertName?: string; ruleName?: string }): string {
  return `alarm:${alarm.ruleId ?? alarm.alertName ?? alarm.ruleName ?? 'unknown'}`;
}
