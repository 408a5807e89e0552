import { dedupe, execute } from '../executor/execute.js';
import type { Candidate } from '../model/candidate.js';
import type { Mode, OutcomeRecord } from '../model/record.js';
import type { AbortRequest } from '../model/request.js';
import { envIdsForAlarm } from '../policy/alarm-match.js';
import { applyCap, decide } from '../policy/decide.js';
import { explicitCandidates } from '../targeting/explicit.js';
import type { TargetingScope } from '../targeting/scope.js';
import { sweepCandidates } from '../targeting/sweep.js';
import { WebplusClient } from '../webplus/client.js';
import { WebplusGateway } from '../webplus/gateway.js';
import type { Invocation } from './invocation.js';
import { invalidRecord, type RecordBase, recordOf, requestRecord } from './records.js';
import type { Runtime } from './runtime.js';

export interface RequestOutcome {
  records: OutcomeRecord[];
  capReached: boolean;
  dryRun: boolean;
}

/**
 * Runs one request through targeting → policy → executor and returns one record per decision
 * (writing them is the caller's job, once per invocation). Never throws for Web+ failures:
 * they become records.
 */
export async function processRequest(
  request: AbortRequest,
  inv: Invocation,
  runtime: Runtime,
): Promise<RequestOutcome> {
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
  const records = request.invalid.map((input) => invalidRecord(input, base, runMode, Date.now()));

  if (request.kind === 'ignored') {
    records.push(
      requestRecord(base, runMode, 'ignored', request.detail, { reason: request.reason }),
    );
    return { records, capReached: false, dryRun };
  }

  let alarmEnvIds: string[] = [];
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
        requestRecord(
          base,
          runMode,
          'ignored',
          'the alarm names no changeId or envId dimension and matches no rule under alarms in the policy',
          { reason: alarmReason(request.alarm) },
        ),
      );
      return { records, capReached: false, dryRun };
    }
  }

  const credentials = inv.credentials;
  if (!credentials) {
    records.push(
      requestRecord(
        base,
        runMode,
        'failed',
        'no Alibaba Cloud credentials: give the function a role (FC) or set ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET',
        { errorCode: 'NoCredentials' },
      ),
    );
    return { records, capReached: false, dryRun };
  }

  const client = new WebplusClient(config.webplusEndpoint, credentials);
  const gateway = new WebplusGateway(
    client,
    runtime.pacer,
    {
      maxAttempts: config.retryMaxAttempts,
      baseMs: config.retryBaseMs,
      maxDelayMs: config.retryMaxDelayMs,
      attemptTimeoutMs: inv.attemptTimeoutMs,
    },
    inv.deadline,
    runtime.random,
  );
  const scope: TargetingScope = {
    sweepAppIds: policy.sweep.appIds.length ? policy.sweep.appIds : undefined,
    needAppId: policy.protect.appIds.length > 0,
  };
  try {
    let candidates: Candidate[];
    if (request.kind === 'sweep') {
      candidates = await sweepCandidates(gateway, scope, request);
    } else if (request.kind === 'abort') {
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
      });
    }
    const nowMs = Date.now();
    let decisions = dedupe(candidates).map((c) =>
      decide(c, {
        policy,
        nowMs,
        killSwitch: config.dryRun,
        requestDryRun,
        overrides:
          request.kind === 'sweep'
            ? {
                maxIdleMinutes: request.maxIdleMinutes,
                maxDurationMinutes: request.maxDurationMinutes,
              }
            : undefined,
      }),
    );
    let capReached = false;
    if (request.kind === 'sweep') {
      ({ decisions, capReached } = applyCap(decisions, policy.sweep.maxAbortsPerRun));
    }
    const executions = await Promise.all(
      decisions.map((d) => execute(d, gateway, runtime.inFlight, nowMs)),
    );
    for (const e of executions) records.push(recordOf(e, base, runMode));
    return { records, capReached, dryRun };
  } finally {
    client.close();
  }
}

function alarmReason(alarm: { ruleId?: string; alertName?: string; ruleName?: string }): string {
  return `alarm:${alarm.ruleId ?? alarm.alertName ?? alarm.ruleName ?? 'unknown'}`;
}
