import { setMaxListeners } from 'node:events';
import type { Credentials } from '../core/credentials.js';
import { backgroundPacer } from '../core/pacer.js';
import { answerReserveMs } from '../core/write-budget.js';
import type { FcContext } from '../fc/context.js';
import { invocationDeadline } from '../fc/deadline.js';
import type { OutcomeRecord, Trigger } from '../model/record.js';
import type { AbortRequest } from '../model/request.js';
import type { NotifyReport } from '../notify/notifier.js';
import type { WriteReport } from '../outcome-log/outcome-log.js';
import { RecordStream } from '../outcome-log/record-stream.js';
import { EnvDirectory } from '../targeting/directory.js';
import { WebplusClient } from '../webplus/client.js';
import { WebplusGateway } from '../webplus/gateway.js';
import { abortKeyOf, InvocationAbortGate } from './abort-record-gate.js';
import type { Emit, Invocation, RegionContext } from './invocation.js';
import { notifyAfterWrite } from './notify-step.js';
import { withPlatformSweeps } from './platform-sweeps.js';
import { processRequest } from './process-request.js';
import { requestRecord } from './records.js';
import { DecidedChanges } from './repeats.js';
import type { Runtime } from './runtime.js';
import { addProgress, type RunSummary, type SweepProgress, toResult } from './summary.js';
import { SweepAbortBudget } from './sweep-abort-budget.js';

/** CloudMonitor waits 5 s for a callback answer, then resends (CloudMonitor alarm callback docs). */
export const CMS_CALLBACK_BUDGET_MS = 4500;

export interface RunOptions {
  /** Epoch ms the invocation started (default now). */
  startMs?: number;
  /** The answer must go out within `CMS_CALLBACK_BUDGET_MS` (CloudMonitor callback). */
  callback?: boolean;
  /**
   * Epoch ms the request reached FC (`requestContext.timeEpoch`, bounded by now): the callback
   * budget counts from here. Default `startMs`.
   */
  arrivalMs?: number;
  /**
   * Why the arrival is not known (fc/arrival.ts, `unknownWhy`): every record of the invocation
   * carries it as `arrivalUnknown`.
   */
  arrivalUnknown?: string;
  /** Trigger to report when there are no requests (e.g. an EventBridge redelivery). */
  trigger?: Trigger;
}

export interface RunReport {
  summary: RunSummary;
  records: OutcomeRecord[];
  write: WriteReport;
  /** The notification sent after the records, when one was (its record is written on its own). */
  notification?: { report: NotifyReport; write: WriteReport };
}

/** The invocation's credentials: FC's STS keys win over the environment's keys. */
export function credentialsFor(context: FcContext, runtime: Runtime): Credentials | undefined {
  const c = context.credentials;
  if (c?.accessKeyId && c.accessKeySecret) return c;
  return runtime.config.envCredentials;
}

/**
 * Runs the requests of one invocation and returns the run summary. Records are written as the
 * decisions are made (a {@link RecordStream}: small batches, at least every second, the rest
 * before returning; falling back to stdout), so a kill at FC's timeout loses at most the batch
 * in flight. When it returns, the invocation's signal aborts: nothing it queued is sent later.
 * Resolves even when Web+ or the log store fails.
 */
export async function runRequests(
  requests: AbortRequest[],
  context: FcContext,
  runtime: Runtime,
  options: RunOptions = {},
): Promise<RunReport> {
  const { config } = runtime;
  const startMs = options.startMs ?? Date.now();
  let deadline = invocationDeadline(context, startMs, config.deadlineMarginMs);
  const fnEndMs = deadline.atMs + config.deadlineMarginMs;
  // The last records' writes end this long before FC's timeout, then the handler answers.
  let writeDeadlineMs = fnEndMs - answerReserveMs(config.deadlineMarginMs);
  let attemptTimeoutMs = config.attemptTimeoutMs;
  if (options.callback) {
    // Leave about a second of the 4.5 s to write the records and answer; the 4.5 s count from
    // the request's arrival at FC, so a slow cold start eats into them.
    const arrival = Math.min(options.arrivalMs ?? startMs, startMs);
    deadline = deadline.capAt(arrival + CMS_CALLBACK_BUDGET_MS - 1000);
    writeDeadlineMs = Math.min(writeDeadlineMs, arrival + CMS_CALLBACK_BUDGET_MS - 200);
    attemptTimeoutMs = Math.min(attemptTimeoutMs, 1000);
  }
  const trigger = requests[0]?.trigger ?? options.trigger ?? 'eventbridge';
  const ended = new AbortController();
  // Every call and backoff of the invocation listens to this one signal (hundreds at once in a
  // sweep): not a leak, so no MaxListenersExceededWarning on stderr.
  setMaxListeners(0, ended.signal);
  const credentials = credentialsFor(context, runtime);
  const background = requests.length > 0 && requests.every((r) => r.kind === 'sweep');
  // One client per invocation and region: its keep-alive sockets die with the invocation.
  const webplus: RegionContext[] = credentials
    ? runtime.regions.map((region) => {
        const client = new WebplusClient(region, credentials, undefined, config.httpAuthTokens);
        const latch = {};
        const gateway = new WebplusGateway(
          client,
          // A sweep's calls yield to alarms and manual aborts: it defers what it cannot reach.
          background
            ? backgroundPacer(runtime.pacerFor(region.regionId))
            : runtime.pacerFor(region.regionId),
          {
            maxAttempts: config.retryMaxAttempts,
            baseMs: config.retryBaseMs,
            maxDelayMs: config.retryMaxDelayMs,
            attemptTimeoutMs,
          },
          deadline,
          runtime.random,
          ended.signal,
          latch,
        );
        return {
          region,
          gateway,
          directory: new EnvDirectory(gateway, runtime.directoryCache),
          latch,
          reported: false,
        };
      })
    : [];
  const inv: Invocation = {
    invocationId: context.requestId,
    trigger,
    startMs,
    deadline,
    writeDeadlineMs,
    credentials,
    functionName: context.function?.name ?? 'abort-stuck-changes',
    region: context.region ?? config.region,
    attemptTimeoutMs,
    webplus,
    signal: ended.signal,
    decided: new DecidedChanges(),
    sweepAborts: new SweepAbortBudget(),
  };
  // Every record passes the one redactor (this invocation's keys, the HTTP tokens) before it
  // reaches the store, the summary, the HTTP answer or the CLI.
  const redactor = runtime.redactorFor([credentials?.accessKeySecret, credentials?.securityToken]);

  const stream = new RecordStream(runtime.outcomeLog, {
    invocationId: inv.invocationId,
    trigger,
    functionName: inv.functionName,
    region: inv.region,
    credentials: inv.credentials,
    deadlineMs: writeDeadlineMs,
    redact: redactor.text,
  });
  const note = options.arrivalUnknown;
  // No abort request is sent while an answered abort has no written record (red-team 24 F6):
  // an abort's record is handed to the store at once, and the gate holds the next request until
  // that write ended, at most until the last moment the request could start. Nor is one sent
  // before its intent record is stored (red-team 25 G15): the stream tracks the intent's write.
  const gate = new InvocationAbortGate(
    () => inv.deadline.atMs - inv.attemptTimeoutMs,
    (recordId) => stream.stored(recordId),
  );
  inv.abortGate = gate;
  const emit: Emit = (record, emitOptions) => {
    const written = stream.emit(
      redactor.value(note ? { ...record, arrivalUnknown: note } : record),
      emitOptions,
    );
    if (emitOptions?.now === true && written.kind !== 'intent')
      gate.recorded(abortKeyOf(written), stream.urgentWritten());
    return written;
  };
  const records: OutcomeRecord[] = [];
  let capReached = false;
  let dryRun = config.dryRun;
  let sweep: SweepProgress | undefined;
  let write: WriteReport;
  try {
    // Cold-start warnings (no HTTP token, ...): one record each, with the instance's first invocation.
    for (const warning of runtime.startupWarnings.splice(0)) {
      records.push(
        emit(
          requestRecord(
            { trigger, invocationId: inv.invocationId },
            config.dryRun ? 'dry-run' : 'enforce',
            'skipped',
            `cold start warning: ${warning}`,
            { reason: 'cold-start' },
          ),
        ),
      );
    }
    for (const request of withPlatformSweeps(requests, config.platforms)) {
      // Backpressure (rt11 F1): a batch's worth of records waiting lets its write happen before
      // the next request is decided, so a burst of cheap decisions (an EventBridge batch of
      // repeats) cannot hold thousands of records in memory for one write at the end.
      await stream.room();
      const out = await processRequest(request, inv, runtime, emit);
      records.push(...out.records);
      capReached ||= out.capReached;
      dryRun ||= out.dryRun;
      if (out.sweep) sweep = sweep ? addProgress(sweep, out.sweep) : out.sweep;
    }
  } finally {
    ended.abort();
    for (const ctx of webplus) ctx.gateway.client.close();
    write = await stream.close();
  }
  // After the decision records: a notification never delays or loses them.
  const notification = await notifyAfterWrite(records, inv, runtime, dryRun, requests[0]);
  const fallbackMode = dryRun ? 'dry-run' : 'enforce';
  return {
    summary: {
      invocationId: inv.invocationId,
      trigger,
      dryRun,
      capReached,
      ...(sweep ? { sweep } : {}),
      results: records.map((r) => toResult(r, fallbackMode)),
      ...(write.notWritten ? { recordsNotWritten: write.notWritten.count } : {}),
    },
    records,
    write,
    ...(notification ? { notification } : {}),
  };
}
