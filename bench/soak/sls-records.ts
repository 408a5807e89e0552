/**
 * Issue 11 figures for SLS: answering slowly (3 s) but storing, records are read back once each
 * (SLS + stdout fallback, deduplicated by recordId); a `200 text/html` reply (a proxy, not SLS:
 * no x-log-requestid) is a failure, so every record is in the stdout fallback.
 */
import { startSlsStandIn } from '../../sandbox/sls/server.js';
import { dedupeByRecordId } from '../../shared/outcome-log/read-records.js';
import type { OutcomeRecord } from '../../shared/outcome-log/record.js';
import { createSlsStore } from '../../shared/outcome-log/sls-store.js';
import { change, envId, fcContext, startRig, timerEvent } from '../helpers.js';
import { BASE_ENV, CREDENTIALS, check, ci, figure, outputs } from './common.js';

function fallbackRecords(lines: string[]): OutcomeRecord[] {
  return lines
    .map((l) => JSON.parse(l) as OutcomeRecord & { logWriteFailed?: unknown })
    .filter((r) => r.logWriteFailed !== undefined);
}

async function run(kind: 'slow' | 'html-200'): Promise<void> {
  const STUCK = ci ? 60 : 200;
  const TIMEOUT_S = ci ? 10 : 30;
  const sls = await startSlsStandIn({ credentials: [CREDENTIALS] });
  const envs = Array.from({ length: STUCK }, (_, e) => ({
    EnvId: envId(e),
    AppId: 'wa-5d39b8ba6786bd4b14000000',
    EnvName: `env-${e}`,
  }));
  const changes = Array.from({ length: STUCK }, (_, n) =>
    change({ n, env: n, idleMin: 90, ageMin: 95 }),
  );
  const rig = await startRig(
    {
      credentials: [CREDENTIALS],
      apps: [{ AppId: 'wa-5d39b8ba6786bd4b14000000', AppName: 'app' }],
      envs,
      changes,
    },
    {
      env: { ...BASE_ENV, ABORT_DRY_RUN: 'true', ATTEMPT_TIMEOUT_MS: '3000' },
      store: createSlsStore({
        endpoint: sls.url,
        project: 'soak',
        logstore: 'outcomes',
        attemptTimeoutMs: 3000,
        maxAttempts: 2,
        baseDelayMs: 10,
      }),
    },
  );
  try {
    sls.setFailure(kind === 'slow' ? { kind: 'slow', delayMs: 3000 } : { kind: 'html-200' });
    const started = Date.now();
    const result = await rig.handler(timerEvent(), fcContext(CREDENTIALS, TIMEOUT_S));
    const elapsed = Date.now() - started;
    outputs.push(JSON.stringify(result));
    const inSls = sls.logs().map((l) => l.contents as unknown as OutcomeRecord);
    const onStdout = fallbackRecords(rig.stdoutLines);
    const all = [...inSls, ...onStdout];
    const once = dedupeByRecordId(all);
    const examined = once.filter((r) => r.changeId).length;
    if (kind === 'slow') {
      figure(
        'SLS slow (3 s) but storing: records read back once each after dedupe by recordId',
        `${examined} of ${STUCK} (${inSls.length} copies in SLS, ${onStdout.length} on stdout, ${all.length - once.length} duplicates removed)`,
        `${STUCK}, each once`,
        examined === STUCK && new Set(once.map((r) => r.changeId)).size === examined,
      );
      check('SLS slow: the handler returned within function.timeout', elapsed <= TIMEOUT_S * 1000, `${elapsed} ms`);
    } else {
      figure(
        'SLS 200 text/html (no x-log-requestid): records in the stdout fallback',
        `${onStdout.filter((r) => r.changeId).length} of ${STUCK}, ${inSls.length} in SLS`,
        `${STUCK} of ${STUCK}`,
        onStdout.filter((r) => r.changeId).length === STUCK,
      );
    }
    outputs.push(...rig.stdoutLines);
  } finally {
    await rig.close();
    await sls.close();
  }
}

export async function slsRecords(): Promise<void> {
  console.log('== SLS: slow success, 200 text/html');
  await run('slow');
  await run('html-200');
}
