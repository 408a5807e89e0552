import { backgroundPacer } from '../core/pacer.js';
import { edasPlatform } from '../edas/platform.js';
import { dedupe } from '../executor/execute.js';
import { executePlatform } from '../executor/platform-execute.js';
import type { Candidate } from '../model/candidate.js';
import type { Decision } from '../model/decision.js';
import type { Mode, OutcomeRecord } from '../model/record.js';
import type { PlatformRequest } from '../model/request.js';
import { PlatformGateway } from '../platform/gateway.js';
import type { ChangePlatform } from '../platform/platform.js';
import { alarmAgeVerdict } from '../policy/alarm-age.js';
import { applyCap } from '../policy/decide.js';
import { decidePlatform, platformRulesFor } from '../policy/platform-decide.js';
import { saePlatform } from '../sae/platform.js';
import { platformCandidates } from '../targeting/platform.js';
import { judgingClocks } from '../webplus/judging-clock.js';
import { decisionGate } from './abort-intent.js';
import { ChangeClaims } from './change-claims.js';
import type { Emit, Invocation } from './invocation.js';
import type { RequestOutcome } from './process-request.js';
import { invalidRecord, type RecordBase, recordOf, requestRecord } from './records.js';
import { repeatRecord } from './repeats.js';
import type { PlatformRegion, Runtime } from './runtime.js';
import { SweepReadAge } from './sweep-read-age.js';

/**
 * Runs one SAE / EDAS request through targeting → policy → executor over the platform seam,
 * with the same guarantees as a Web+ request: one record per decision (each carrying
 * `platform` and `regionId`), the invocation's deadline, the instance's in-flight set,
 * fail-closed reads. A sweep covers every enabled region of the platform (`SAE_REGIONS` /
 * `EDAS_REGIONS`) all at once, each with its own gateway and pacer, under the sweep's one cap
 * (sweep-abort-budget.ts), and decides each change order once over them (a change order two
 * regions return, or one returned while another region's listing failed or is incomplete, is
 * `skipped` where it would be aborted: its region is unknown; change-claims.ts); a manual or
 * alarm request works in the one region it names, or in the only enabled one (see
 * {@link targetRegions}: a region is never guessed).
 * A platform that `PLATFORMS` does not enable gets one record and no call: `ignored` for an
 * alarm or event (`PlatformNotEnabled`), `failed` for an operator's request.
 */
export async function processPlatformRequest(
  request: PlatformRequest,
  inv: Invocation,
  runtime: Runtime,
  emit: Emit,
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
  const reasonField = request.reason ? { reason: request.reason } : {};
  const enabled = runtime.platforms[platform].regions;
  if (enabled.length === 0) {
    // One record per id the request named (the row shows the id passed), else one for the
    // request; the detail says why the platform is not enabled (runtime.ts, `notEnabled`). An
    // alarm or event of a platform this deployment does not act on is by design (s.yaml always
    // subscribes to the SAE / EDAS events): `ignored`. An operator who names the platform asked
    // for something that cannot be done: `failed`. No call either way.
    const alarm = request.source === 'alarm';
    const outcome = alarm ? 'ignored' : 'failed';
    const notEnabled =
      runtime.platforms[platform].notEnabled ??
      `platform ${platform} is not enabled: PLATFORMS is ${config.platforms.join(',')}; add ${platform} to it`;
    const why = alarm ? `${notEnabled}; the event is not acted on` : notEnabled;
    const extra = { errorCode: 'PlatformNotEnabled', ...reasonField };
    const named: Array<{ changeId?: string; appId?: string }> = [
      ...request.changeOrderIds.map((changeId) => ({ changeId })),
      ...(request.appIds ?? []).map((appId) => ({ appId })),
    ];
    if (named.length === 0) {
      records.push(emit(tag(requestRecord(base, runMode, outcome, why, extra))));
    }
    for (const id of named) {
      records.push(emit(tag({ ...id, ...requestRecord(base, runMode, outcome, why, extra) })));
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
  const target = targetRegions(request, enabled);
  if (!target.ok) {
    // Nothing is called: an alarm of another region is another function's; an operator's
    // request naming a region this function does not work in, or none among several, failed.
    records.push(
      emit(
        tag(
          requestRecord(
            base,
            runMode,
            request.source === 'alarm' ? 'ignored' : 'failed',
            target.detail,
            {
              errorCode: target.errorCode,
              ...reasonField,
              ...(request.regionId ? { regionId: request.regionId } : {}),
            },
          ),
        ),
      ),
    );
    return { records, capReached: false, dryRun };
  }
  if (request.source === 'alarm') {
    // A stale alarm (older than alarmMaxAgeMinutes, no readable time, from the future) costs no
    // platform call: the Web+ rule (process-request.ts). decidePlatform judges it again on the
    // clock the decisions use.
    const age = alarmAgeVerdict(request.alarmAtMs, Date.now(), policy.alarmMaxAgeMinutes);
    if (!age.fresh) {
      records.push(
        emit(
          tag(
            requestRecord(
              base,
              runMode,
              'ignored',
              request.alarmAtField && request.alarmAtMs !== undefined
                ? `${age.detail} (by its ${request.alarmAtField})`
                : age.detail,
              {
                ...reasonField,
                regionId: target.regions[0]!.regionId,
              },
            ),
          ),
        ),
      );
      return { records, capReached: false, dryRun };
    }
  }
  let capReached = false;
  // One claim per change order over the regions (red-team 11 F5): an SAE_ENDPOINT / EDAS_ENDPOINT
  // or proxy answering several regions alike returns the same change orders in each; each is
  // decided once, and one two regions return is never aborted on a guess (change-claims.ts).
  const claims = new ChangeClaims(target.regions.map((r) => r.regionId));
  const outs = await Promise.all(
    target.regions.map((region) =>
      processPlatformRegion(request, region, inv, runtime, {
        base,
        runMode,
        requestDryRun,
        claims,
        // Every record of the region says where it was read (a record that already names a
        // region keeps it).
        emit: (record, o) => emit({ ...record, regionId: record.regionId ?? region.regionId }, o),
      }),
    ),
  );
  for (const out of outs) {
    records.push(...out.records);
    capReached ||= out.capReached;
  }
  return { records, capReached, dryRun };
}

/** The regions a request works in, or why none (the record's detail and errorCode). */
type RegionTarget =
  | { ok: true; regions: PlatformRegion[] }
  | { ok: false; detail: string; errorCode: 'RegionNotEnabled' | 'RegionNotNamed' };

/**
 * Where an SAE / EDAS request works (fail closed: a region is never guessed):
 * - a request naming a region (an alarm's `regionId` / `aliyunregionid`, an operator's
 *   `regionId`): that region when it is enabled, else none (`RegionNotEnabled`);
 * - a sweep naming none: every enabled region, in config order;
 * - a manual or alarm request naming none: the only enabled region, or none when several are
 *   enabled (`RegionNotNamed`: an id lives in one region, and asking each would act on a guess).
 * @param request the request
 * @param enabled the platform's enabled regions (not empty)
 */
export function targetRegions(
  request: Pick<PlatformRequest, 'platform' | 'source' | 'regionId'>,
  enabled: readonly PlatformRegion[],
): RegionTarget {
  const { platform } = request;
  const variable = `${platform.toUpperCase()}_REGIONS`;
  const list = enabled.map((r) => r.regionId).join(', ');
  if (request.regionId !== undefined) {
    const region = enabled.find((r) => r.regionId === request.regionId);
    if (region) return { ok: true, regions: [region] };
    return {
      ok: false,
      errorCode: 'RegionNotEnabled',
      detail:
        request.source === 'alarm'
          ? `the event comes from region ${request.regionId}, but ${platform} is read in ${list} (${variable}): not this function's application; nothing is aborted`
          : `region ${request.regionId} is not enabled for ${platform} (${variable} lists ${list}): nothing was read or aborted`,
    };
  }
  if (request.source === 'sweep' || enabled.length === 1)
    return { ok: true, regions: [...enabled] };
  return {
    ok: false,
    errorCode: 'RegionNotNamed',
    detail:
      request.source === 'alarm'
        ? `the alarm names no region and ${platform} is read in ${enabled.length} regions (${list}, ${variable}): which one is a guess; nothing is aborted (fail closed)`
        : `no region named and ${platform} works in ${enabled.length} regions (${list}, ${variable}): name one (regionId, CLI --region); nothing was read or aborted`,
  };
}

/** The work of one SAE / EDAS request in one region: one gateway, the region's pacer. */
async function processPlatformRegion(
  request: PlatformRequest,
  region: PlatformRegion,
  inv: Invocation,
  runtime: Runtime,
  ctx: {
    base: RecordBase;
    runMode: Mode;
    requestDryRun: boolean;
    emit: Emit;
    /** The request's claims over its regions (change-claims.ts). */
    claims: ChangeClaims;
  },
): Promise<{ records: OutcomeRecord[]; capReached: boolean }> {
  const { config, policy } = runtime;
  const platform = request.platform;
  const client: ChangePlatform = (platform === 'sae' ? saePlatform : edasPlatform)({
    endpoint: region.endpoint,
    credentials: inv.credentials!,
    ...(region.host ? { host: region.host } : {}),
  });
  const pacer = runtime.platforms[platform].pacerFor(region.regionId);
  const gateway = new PlatformGateway(
    client,
    // A sweep's calls yield to alarms and manual aborts (core/pacer.ts, `background`).
    request.source === 'sweep' ? backgroundPacer(pacer) : pacer,
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
  const readsStarted = runtime.inFlight.startReads();
  const keyOf = (id: string) => ChangeClaims.key(platform, id);
  /** Decides one candidate on the clock facts known now. */
  const judge = (c: Candidate) => {
    const decidedAtMs = Date.now();
    // Ages are judged on both clocks, the smaller used (judging-clock.ts, red-team 12 H2, the
    // Web+ rule); the records carry the skew when the platform's clock gave them.
    const clocks = judgingClocks(decidedAtMs, client.clockSkewMs());
    const clock = {
      judgedAtMs: clocks.nowMs,
      ...(clocks.recordSkewMs === undefined ? {} : { skewMs: clocks.recordSkewMs }),
    };
    const decision = decidePlatform(c, {
      policy,
      ...clocks,
      clockUnknownWhy: client.clockUnknownWhy?.(),
      ...(request.alarmAtMs === undefined ? {} : { alarmAtMs: request.alarmAtMs }),
      killSwitch: config.dryRun,
      requestDryRun: ctx.requestDryRun,
      overrides: {
        maxIdleMinutes: request.maxIdleMinutes,
        maxDurationMinutes: request.maxDurationMinutes,
      },
    });
    return { decision, decidedAtMs, clock };
  };
  // When each order's last read ended, on the monotonic clock: a sweep's abort never starts on
  // a read older than sweep.maxReadAgeSeconds (red-team 24 F10); the order is read again first.
  const readAction = platform === 'sae' ? 'DescribeChangeOrder' : 'GetChangeOrderInfo';
  const readAge = new SweepReadAge(
    runtime.monoNow,
    policy.sweep.maxReadAgeSeconds,
    inv.deadline,
    inv.attemptTimeoutMs,
    (c) => judge(c).decision,
    async (c) => {
      const [r] = await platformCandidates(
        gateway,
        {
          ...request,
          source: 'manual',
          changeOrderIds: [c.changeId!],
          appIds: undefined,
          expectAppId: undefined,
        },
        undefined,
      );
      if (!r) return `${readAction} gave nothing`;
      if (r.settled) return r.settled.detail;
      const was = c.platformChange;
      const is = r.platformChange;
      const appId = is?.appId ?? c.appId;
      if (
        !was ||
        !is ||
        is.changeId !== c.changeId ||
        appId !== c.appId ||
        is.createdWallMs !== was.createdWallMs
      )
        return `${readAction} now shows another order (AppId ${JSON.stringify(is?.appId)}, CreateTime ${JSON.stringify(is?.createdWallMs)}; first read AppId ${JSON.stringify(c.appId)}, CreateTime ${JSON.stringify(was?.createdWallMs)})`;
      const { settled: _s, platformChange: _p, webplusRequestId: _w, ...rest } = c;
      return {
        ...rest,
        platformChange: { ...is, ...(appId ? { appId } : {}) },
        ...(r.webplusRequestId ? { webplusRequestId: r.webplusRequestId } : {}),
      };
    },
    readAction,
  );
  /** Executes a decision (or repeats an earlier one of the invocation) and emits its record at once. */
  const settle = async (
    d: Decision,
    decidedAtMs: number,
    clock: ReturnType<typeof judge>['clock'],
  ): Promise<OutcomeRecord> => {
    // A ChangeOrderId an earlier request of this invocation decided: no second call.
    const c = d.candidate;
    const before = inv.decided.of({ ...c, regionId: c.regionId ?? region.regionId });
    if (before) return ctx.emit(repeatRecord(before, ctx.base, Date.now()));
    const written = ctx.emit(
      recordOf(
        await executePlatform(
          d,
          gateway,
          runtime.inFlight,
          decidedAtMs,
          readsStarted,
          // An abort's intent record is stored before its first request (red-team 25 G15).
          decisionGate(inv, d, ctx.emit, ctx.base, ctx.runMode, clock, decidedAtMs),
          d.kind === 'abort' && request.source === 'sweep'
            ? readAge.freshnessOf(d.candidate)
            : undefined,
        ),
        ctx.base,
        ctx.runMode,
        clock,
      ),
      // An abort's record is written at once (red-team 24 F6): a kill must not lose it.
      { now: d.kind === 'abort' },
    );
    inv.decided.note(written);
    return written;
  };
  // A sweep writes the record of a change order needing no abort as soon as its read ends
  // (issue 11, records streamed; the Web+ rule of sweep-run.ts): a kill mid-sweep loses only
  // what the record stream had not flushed (at most a second). Aborts and would-aborts wait for
  // every region's listing (claims, region ambiguity, the cap), as before.
  const streamedEarly = new Set<Candidate>();
  const early: Promise<OutcomeRecord>[] = [];
  const onCandidate = (c: Candidate): void => {
    if (request.source !== 'sweep') return;
    readAge.readEnded(c);
    const j = judge(c);
    const acts =
      j.decision.kind === 'abort' ||
      (j.decision.kind === 'record' && j.decision.outcome === 'would_abort');
    if (acts) return;
    streamedEarly.add(c);
    // A change order another region (or an earlier read here) already decided: its one record is there.
    if (c.changeId && !ctx.claims.claim(keyOf(c.changeId), region.regionId)) return;
    early.push(settle(j.decision, j.decidedAtMs, j.clock));
  };
  try {
    let listed: Candidate[];
    try {
      listed = await platformCandidates(
        gateway,
        request,
        policy.platforms[platform].sweepAppIds,
        onCandidate,
      );
    } catch (err) {
      // A region whose listing threw has listed nothing: no other region waits for it, and
      // what it holds is unknown (red-team 25 G6).
      ctx.claims.listed(region.regionId, [], String((err as Error)?.message ?? err));
      throw err;
    }
    // A listing that failed (the application list, an application's orders) leaves what it
    // would have listed unknown: another region's order may be among it (red-team 25 G6).
    const unlisted = listed.filter(
      (c) => !c.changeId && (c.settled?.outcome === 'failed' || c.settled?.outcome === 'timeout'),
    );
    ctx.claims.listed(
      region.regionId,
      listed.flatMap((c) => (c.changeId ? [keyOf(c.changeId)] : [])),
      unlisted.length > 0 ? unlisted.map((c) => c.settled!.detail).join('; ') : undefined,
    );
    const waiting = listed.filter((c) => !streamedEarly.has(c));
    // Every region's change orders known before any is decided (bounded: one attempt before
    // the deadline), then each decided by the first region to claim it.
    if (waiting.length > 0 && ctx.claims.notListed().length > 0)
      await ctx.claims.waitForListings(inv.deadline.atMs - inv.attemptTimeoutMs);
    // A ChangeOrderId two applications claim is ambiguous: `skipped` for each (red-team 12 F1).
    const candidates = dedupe(
      waiting,
      (c) => c.appId ?? c.platformChange?.appId,
      'applications',
    ).unique.filter((c) => !c.changeId || ctx.claims.claim(keyOf(c.changeId), region.regionId));
    const decidedAtMs = Date.now();
    const judged = candidates.map((c) => judge(c));
    const clocks = judged.map((j) => j.clock);
    let decisions = judged.map((j) => j.decision);
    decisions = decisions.map((d) => {
      const regions = d.candidate.changeId
        ? ctx.claims.regionsListing(keyOf(d.candidate.changeId))
        : [];
      const acts = d.kind === 'abort' || (d.kind === 'record' && d.outcome === 'would_abort');
      const unknown =
        acts && regions.length < 2 && request.source === 'sweep'
          ? ctx.claims.unknownBeside(region.regionId)
          : [];
      if (unknown.length > 0)
        // Returned here while another region's listing failed or is incomplete: the order may
        // be there too, and then its region is unknown (red-team 25 G6).
        return {
          kind: 'record',
          candidate: d.candidate,
          mode: d.mode,
          ...(d.reason ? { reason: d.reason } : {}),
          outcome: 'skipped',
          detail: `which region holds change order ${d.candidate.changeId} is unknown: returned by region ${region.regionId}, but the listing of region ${unknown.map((u) => `${u.regionId} failed or is incomplete (${u.why})`).join('; the listing of region ')}, and an endpoint or proxy answering several regions alike may return it there too; ${d.kind === 'abort' ? 'not aborted' : 'would not be aborted'} (fail closed); the next sweep re-checks. Decided: ${d.detail}`,
        } satisfies Decision;
      if (!acts || regions.length < 2) return d;
      return {
        kind: 'record',
        candidate: d.candidate,
        mode: d.mode,
        ...(d.reason ? { reason: d.reason } : {}),
        outcome: 'skipped',
        detail: `region ambiguous: change order ${d.candidate.changeId} was returned by regions ${regions.join(' and ')} (an endpoint or proxy answering several regions alike), so which region it belongs to is unknown; ${d.kind === 'abort' ? 'not aborted' : 'would not be aborted'} (fail closed); enable it in one region only (${platform === 'sae' ? 'SAE_REGIONS' : 'EDAS_REGIONS'}) to have it acted on. Decided: ${d.detail}`,
      } satisfies Decision;
    });
    let capReached = false;
    if (request.source === 'sweep')
      // One cap for the whole sweep, every platform and region (sweep-abort-budget.ts).
      ({ decisions, capReached } = inv.sweepAborts
        ? inv.sweepAborts.take(decisions, policy.sweep.maxAbortsPerRun)
        : applyCap(decisions, policy.sweep.maxAbortsPerRun));
    const records = [
      ...(await Promise.all(early)),
      ...(await Promise.all(decisions.map((d, i) => settle(d, decidedAtMs, clocks[i]!)))),
    ];
    return { records, capReached };
  } finally {
    client.close();
  }
}

/**
 * The error classes this part defines and its list reader, re-exported so that a caller holding
 * the module (in the function bundle: `platforms.js`, loaded by platform-pipeline.ts) can tell
 * them apart; test/deploy/bundle-chunks.test.ts checks, on the built folder, that an error
 * `readAllPages` throws there is an instance of `index.js`'s PlatformError and
 * WebplusAbortError (one copy of each class across the two files).
 */
export { PlatformCallError, PlatformDeadlineError } from '../platform/gateway.js';
export { EndlessListError, readAllPages } from '../platform/paging.js';
