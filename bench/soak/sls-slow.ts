/**
 * Issue 11's SLS figures, through the real SLS store to the stand-in, a sweep of stuck changes:
 * - SLS answering every PutLogs after 3 s but storing it on arrival (ATTEMPT_TIMEOUT_MS 2000, so
 *   every write times out, is retried and stored again): the handler returns before FC's kill
 *   with 250 ms to spare (the margin is for writing records: writes end at function.timeout −
 *   0.5 s, then the stdout fallback); read back with the `log` reader (GetLogs, then its dedupe by `recordId`) plus the
 *   stdout fallback, every record of the run is there exactly once and nothing else;
 * - SLS behind a proxy answering `200 text/html` (no `x-log-requestid`, nothing stored): every
 *   record on the stdout fallback, none claimed stored.
 */
import type { OutcomeRecord } from '#shared/model/record.js';
import { createSlsStore } from '#shared/outcome-log/sls-store.js';
import { dedupeRecords } from '../../cli/log/dedupe.js';
import { readSlsRecords } from '../../cli/log/sls-source.js';
import { slsTarget } from '../../cli/sls-target.js';
import { startSlsStandIn } from '../../sandbox/sls/server.js';
import { fcContext, startRig, timerEvent } from '../helpers.js';
import { ENFORCE, PRODUCTION_ENV, stuckWorld } from './alarm-budgets.js';
import { CREDENTIALS, type SoakContext, type SoakSection, seconds } from './context.js';

const PROJECT = 'soak-audit';
const LOGSTORE = 'webplus-abort';

async function run(
  ctx: SoakContext,
  failure: { kind: 'slow'; delayMs: number } | { kind: 'html-200' },
): Promise<{
  ms: number;
  records: OutcomeRecord[];
  fallback: (OutcomeRecord & { logWriteFailed?: unknown })[];
  readBack: OutcomeRecord[];
  stored: number;
  putLogs: number;
  budgetMs: number;
}> {
  const sls = await startSlsStandIn({ credentials: [CREDENTIALS], defaultProject: PROJECT });
  const timeoutS = ctx.pick(5, 20);
  // Records may use the margin: their writes end by function.timeout − 0.5 s (run-requests.ts),
  // the fallback lines follow at once; the answer must leave before FC's kill with time to spare.
  const budgetMs = timeoutS * 1000 - 250;
  const store = createSlsStore({
    endpoint: sls.url,
    project: PROJECT,
    logstore: LOGSTORE,
    attemptTimeoutMs: 2000,
    maxAttempts: 4,
    baseDelayMs: 200,
  });
  const records: OutcomeRecord[] = [];
  const rig = await startRig(stuckWorld(ctx.pick(60, 200), 20), {
    env: { ...PRODUCTION_ENV, WEBPLUS_QPS: '100', ATTEMPT_TIMEOUT_MS: '1000' },
    policy: { ...ENFORCE, sweep: { maxAbortsPerRun: 1000 } },
    store: {
      ...store,
      write: (batch, wctx) => {
        records.push(...batch);
        return store.write(batch, wctx);
      },
    },
  });
  try {
    sls.setFailure({ ...failure, every: 'all' });
    const started = Date.now();
    const result = await rig.handler(timerEvent(), fcContext(CREDENTIALS, timeoutS));
    const ms = Date.now() - started;
    ctx.outputs.push(JSON.stringify(result));
    sls.setFailure({ kind: 'none' });
    const fallback = rig.stdoutLines
      .map((l) => JSON.parse(l) as OutcomeRecord & { logWriteFailed?: unknown })
      .filter((l) => l.logWriteFailed);
    // The `log --sls` reader, as an operator runs it against this logstore.
    const target = await slsTarget(
      {},
      {
        SLS_ENDPOINT: sls.url,
        SLS_PROJECT: PROJECT,
        SLS_LOGSTORE: LOGSTORE,
        ALIBABA_CLOUD_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: CREDENTIALS.accessKeySecret,
        ALIBABA_CLOUD_SECURITY_TOKEN: CREDENTIALS.securityToken,
        HOME: '/nonexistent',
      },
    );
    const readBack = dedupeRecords(
      await readSlsRecords(target, {}, { sinceMs: started - 60_000, nowMs: Date.now() + 60_000 }),
    );
    ctx.outputs.push(...rig.stdoutLines, ...rig.warnings, JSON.stringify(sls.journal()));
    return {
      ms,
      records,
      fallback,
      readBack,
      stored: sls.logs(PROJECT, LOGSTORE).length,
      putLogs: sls.journal().filter((j) => !j.action).length,
      budgetMs,
    };
  } finally {
    await rig.close();
    await sls.close();
  }
}

async function slsSlow(ctx: SoakContext): Promise<void> {
  const slow = await run(ctx, { kind: 'slow', delayMs: 3000 });
  const ids = slow.records.map((r) => r.recordId!);
  const idSet = new Set(ids);
  const readIds = slow.readBack.map((r) => r.recordId ?? '');
  const readTwice = readIds.length - new Set(readIds).size;
  const foreign = readIds.filter((id) => !idSet.has(id)).length;
  const union = new Set([...readIds, ...slow.fallback.map((r) => r.recordId ?? '')]);
  const missing = ids.filter((id) => !union.has(id)).length;
  ctx.info(
    `SLS slow (3 s, stored on arrival): ${slow.records.length} records, ${slow.putLogs} PutLogs, ${slow.stored} logs stored (with repeats), ${slow.readBack.length} read back after dedupe, ${slow.fallback.length} on the stdout fallback`,
  );
  ctx.figure(
    'SLS slow 3 s: handler returned in',
    seconds(slow.ms),
    `≤ function.timeout − 0.25 s = ${seconds(slow.budgetMs)} (writes end at timeout − 0.5 s)`,
    slow.ms <= slow.budgetMs,
  );
  ctx.figure(
    'SLS slow 3 s: log reader (GetLogs, dedupe by recordId): records twice, foreign',
    `${readTwice}, ${foreign} (${readIds.length} read of ${slow.stored} copies in SLS)`,
    '0, 0',
    readIds.length > 0 && readTwice === 0 && foreign === 0,
  );
  ctx.figure(
    'SLS slow 3 s: records in neither SLS nor the stdout fallback',
    `${missing} of ${ids.length}`,
    '0',
    ids.length > 0 && missing === 0,
  );

  const html = await run(ctx, { kind: 'html-200' });
  const htmlIds = new Set(html.fallback.map((r) => r.recordId));
  const notInFallback = html.records.filter((r) => !htmlIds.has(r.recordId)).length;
  ctx.figure(
    'SLS 200 text/html: records on the stdout fallback',
    `${html.records.length - notInFallback} of ${html.records.length} (SLS stored ${html.stored})`,
    'all, none stored',
    html.records.length > 0 && notInFallback === 0 && html.stored === 0,
  );
}

export const slsSlowSection: SoakSection = {
  name: 'sls-slow',
  title: 'SLS answering slowly (3 s) but storing, and SLS answering 200 text/html',
  run: slsSlow,
};
