/**
 * setup-sls and log --sls against the SLS stand-in: every call goes through
 * @alicloud/sls20201230's real signing (HMAC-SHA256, verified by the stand-in) over loopback HTTP;
 * records are written by the real @alicloud/log SDK (the SLS store) and read back with GetLogs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import { createSlsStore } from '#shared/outcome-log/sls-store.js';
import { createSlsAdmin } from '#shared/sls/admin-client.js';
import { SlsApiError } from '#shared/sls/errors.js';
import { applySlsResources } from '#shared/sls/setup.js';
import { dedupeRecords } from '../../cli/log/dedupe.js';
import { parseFilters } from '../../cli/log/filters.js';
import { readSlsRecords } from '../../cli/log/sls-source.js';
import { fill, SLS_DEFINITIONS, slsResources } from '../../cli/sls-definitions.js';
import type { SlsTarget } from '../../cli/sls-target.js';
import { type SlsStandIn, startSlsStandIn } from '../../sandbox/sls/server.js';

const PROJECT = 'webplus-abort-test';
const LOGSTORE = 'outcomes';
const KEYS = { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' };
const VALUES = {
  project: PROJECT,
  logstore: LOGSTORE,
  region: 'cn-hangzhou',
  actionPolicyId: 'ops-oncall',
};

let standIn: SlsStandIn;
beforeEach(async () => {
  standIn = await startSlsStandIn({ defaultProject: PROJECT });
});
afterEach(async () => {
  await standIn.close();
});

const admin = (secret = KEYS.accessKeySecret) =>
  createSlsAdmin({
    endpoint: standIn.url,
    project: PROJECT,
    credentials: { ...KEYS, accessKeySecret: secret },
  });

function target(): SlsTarget {
  return {
    admin: admin(),
    project: PROJECT,
    logstore: LOGSTORE,
    region: 'cn-hangzhou',
    endpoint: standIn.url,
  };
}

function record(n: number, overrides: Partial<OutcomeRecord> = {}): OutcomeRecord {
  return {
    time: new Date(Date.now() - (10 - n) * 1000).toISOString(),
    changeId: `wc-5d3a963d5802611c4ddc000${n}`,
    envId: `we-5d39b8ba6786bd4b1495000${n % 2}`,
    trigger: 'timer',
    invocationId: `inv-${n}`,
    outcome: 'aborted',
    detail: `decision ${n}`,
    attempts: 1,
    latencyMs: 40 + n,
    ...overrides,
  };
}

describe('setup-sls: the definitions in deploy/sls/ made to exist, idempotently', () => {
  it('creates the index, 4 saved searches, the dashboard and the alert, exactly as the files say', async () => {
    // Act
    const steps = await applySlsResources(admin(), slsResources(VALUES));

    // Assert
    expect(steps.map((s) => `${s.action} ${s.kind} ${s.name}`)).toEqual([
      `created index ${LOGSTORE}`,
      'created savedsearch webplus-abort-aborted-today',
      'created savedsearch webplus-abort-failures',
      'created savedsearch webplus-abort-by-environment',
      'created savedsearch webplus-abort-by-trigger',
      'created dashboard webplus-abort',
      'created alert webplus-abort-failures',
    ]);
    const held = standIn.resources(PROJECT);
    const { lastModifyTime: _i, ...index } = held.indexes[LOGSTORE]!;
    expect(index).toEqual(SLS_DEFINITIONS.index);
    const { lastModifyTime: _d, ...dashboard } = held.dashboards['webplus-abort']!;
    expect(dashboard).toEqual(fill(SLS_DEFINITIONS.dashboard, VALUES));
    expect(JSON.stringify(dashboard)).toContain(`"logstore":"${LOGSTORE}"`);
    const { lastModifyTime: _a, ...alert } = held.alerts['webplus-abort-failures']!;
    expect(alert).toEqual(fill(SLS_DEFINITIONS.alert, VALUES));
    // SLS's own template variable is kept, ours are filled.
    expect(JSON.stringify(alert)).toContain('$' + '{failures}');
    expect(JSON.stringify(alert)).toContain('"actionPolicyId":"ops-oncall"');
    expect(Object.keys(held.savedsearches).sort()).toEqual([
      'webplus-abort-aborted-today',
      'webplus-abort-by-environment',
      'webplus-abort-by-trigger',
      'webplus-abort-failures',
    ]);
    const calls = standIn.journal();
    expect(calls.every((c) => c.signatureValid && (c.status === 200 || c.status === 404))).toBe(
      true,
    );
    expect(calls.filter((c) => c.action?.startsWith('Create')).map((c) => c.action)).toEqual([
      'CreateIndex',
      'CreateSavedSearch',
      'CreateSavedSearch',
      'CreateSavedSearch',
      'CreateSavedSearch',
      'CreateDashboard',
      'CreateAlert',
    ]);
  });

  it('a second run changes nothing; a changed resource is updated back', async () => {
    await applySlsResources(admin(), slsResources(VALUES));
    await admin().update('savedsearch', 'webplus-abort-failures', {
      savedsearchName: 'webplus-abort-failures',
      searchQuery: 'outcome: failed',
      logstore: LOGSTORE,
      displayName: 'edited by hand',
    });

    const steps = await applySlsResources(admin(), slsResources(VALUES));

    expect(
      steps.filter((s) => s.action !== 'unchanged').map((s) => `${s.action} ${s.name}`),
    ).toEqual(['updated webplus-abort-failures']);
    expect(standIn.resources(PROJECT).savedsearches['webplus-abort-failures']?.searchQuery).toBe(
      'outcome: failed or outcome: timeout or outcome: notify_failed',
    );
    const again = await applySlsResources(admin(), slsResources(VALUES));
    expect(again.every((s) => s.action === 'unchanged')).toBe(true);
  });

  it('without an action policy there is no alert', () => {
    expect(slsResources({ ...VALUES, actionPolicyId: undefined }).map((r) => r.kind)).not.toContain(
      'alert',
    );
  });

  it('a wrong secret is refused by the stand-in’s signature check, with no secret in the error', async () => {
    const run = applySlsResources(admin('not-the-secret-123'), slsResources(VALUES));
    await expect(run).rejects.toThrow(SlsApiError);
    await expect(run).rejects.toThrow(/HTTP 401 SignatureNotMatch/);
    await run.catch((e: Error) => expect(e.message).not.toContain('not-the-secret-123'));
    expect(standIn.journal()[0]).toMatchObject({
      signatureValid: false,
      status: 401,
    });
  });
});

describe('log --sls: records read back through GetLogs', () => {
  async function write(records: OutcomeRecord[]): Promise<void> {
    const store = createSlsStore({
      endpoint: standIn.url,
      project: PROJECT,
      logstore: LOGSTORE,
      attemptTimeoutMs: 500,
      baseDelayMs: 10,
    });
    await store.write(records, {
      invocationId: 'inv',
      trigger: 'timer',
      functionName: 'abort-stuck-changes',
      region: 'cn-hangzhou',
      credentials: KEYS,
      deadlineMs: Date.now() + 5000,
    });
  }

  it('reads every record back oldest first, with numbers as numbers and SLS keys dropped', async () => {
    await applySlsResources(admin(), slsResources(VALUES));
    const written = [
      record(1),
      record(2, { outcome: 'failed', errorCode: 'Throttling' }),
      record(3),
    ];
    await write(written);

    const read = await readSlsRecords(target(), parseFilters({ since: '1h' }));

    expect(read).toEqual(written);
  });

  it('the same filters as the file: repeated outcomes, env, trigger, invocation; limit keeps the newest', async () => {
    await applySlsResources(admin(), slsResources(VALUES));
    await write([
      record(1),
      record(2, { outcome: 'failed' }),
      record(3, { outcome: 'skipped' }),
      record(4, { outcome: 'timeout', trigger: 'http' }),
      record(5),
    ]);

    const read = async (opts: Parameters<typeof parseFilters>[0], limit?: number) =>
      (
        await readSlsRecords(
          target(),
          parseFilters({ since: '1h', ...opts }),
          limit ? { limit } : {},
        )
      ).map((r) => r.invocationId);

    expect(await read({ outcome: ['failed', 'timeout'] })).toEqual(['inv-2', 'inv-4']);
    expect(await read({ env: ['we-5d39b8ba6786bd4b14950001'] })).toEqual([
      'inv-1',
      'inv-3',
      'inv-5',
    ]);
    expect(await read({ trigger: ['http'] })).toEqual(['inv-4']);
    expect(await read({ invocation: ['inv-3', 'inv-5'], outcome: ['aborted'] })).toEqual(['inv-5']);
    expect(await read({}, 2)).toEqual(['inv-4', 'inv-5']);
  });

  it('a slow success retried by the store is stored twice and read back once', async () => {
    await applySlsResources(admin(), slsResources(VALUES));
    standIn.setFailure({ kind: 'slow', every: 1, delayMs: 1500 });
    await write([record(1), record(2)]);
    standIn.setFailure({ kind: 'none' });
    expect(standIn.logs(PROJECT, LOGSTORE)).toHaveLength(4);

    const read = dedupeRecords(await readSlsRecords(target(), parseFilters({ since: '1h' })));

    expect(read.map((r) => r.invocationId)).toEqual(['inv-1', 'inv-2']);
  });

  it('--limit counts distinct records: duplicates are dropped before the limit, further pages read (red-team 11 F6)', async () => {
    await applySlsResources(admin(), slsResources(VALUES));
    // 150 records, each stored twice (a slow success retried): 300 logs, 3 pages.
    const many = Array.from({ length: 150 }, (_, i) =>
      record(1, {
        invocationId: `inv-${String(i).padStart(3, '0')}`,
        time: new Date(Date.now() - 300_000 + i * 1000).toISOString(),
      }),
    );
    standIn.setFailure({ kind: 'slow', every: 1, delayMs: 1500 });
    await write(many);
    standIn.setFailure({ kind: 'none' });
    expect(standIn.logs(PROJECT, LOGSTORE)).toHaveLength(300);
    const ids = async (limit: number, opts: Parameters<typeof parseFilters>[0] = {}) =>
      (await readSlsRecords(target(), parseFilters({ since: '1h', ...opts }), { limit })).map(
        (r) => r.invocationId,
      );

    // Before: the newest 3 logs were read, 2 distinct records after the dedupe.
    expect(await ids(3)).toEqual(['inv-147', 'inv-148', 'inv-149']);
    expect(await ids(120)).toEqual(many.slice(-120).map((r) => r.invocationId));
    expect(await ids(1000)).toEqual(many.map((r) => r.invocationId));
  });

  it('--limit counts records the query cannot filter (--platform webplus) only when they match', async () => {
    await applySlsResources(admin(), slsResources(VALUES));
    await write([
      record(1),
      record(2),
      record(3, { platform: 'sae' }),
      record(4, { platform: 'sae' }),
      record(5, { platform: 'edas' }),
    ]);

    const read = await readSlsRecords(
      target(),
      parseFilters({ since: '1h', platform: ['webplus'] }),
      {
        limit: 2,
      },
    );

    expect(read.map((r) => r.invocationId)).toEqual(['inv-1', 'inv-2']);
  });

  it('a filter before setup-sls fails with SLS’s answer, never an empty list', async () => {
    await write([record(1)]);
    await expect(readSlsRecords(target(), parseFilters({ outcome: ['aborted'] }))).rejects.toThrow(
      /IndexConfigNotExist: logstore outcomes has no index: run setup-sls/,
    );
  });

  it('pages past 100 logs', async () => {
    await applySlsResources(admin(), slsResources(VALUES));
    const many = Array.from({ length: 230 }, (_, i) =>
      record(1, {
        invocationId: `inv-${String(i).padStart(3, '0')}`,
        time: new Date(Date.now() - 300_000 + i * 1000).toISOString(),
      }),
    );
    await write(many);
    const read = await readSlsRecords(target(), parseFilters({ since: '1h' }));
    expect(read.map((r) => r.invocationId)).toEqual(many.map((r) => r.invocationId));
    const newest = await readSlsRecords(target(), parseFilters({ since: '1h' }), { limit: 150 });
    expect(newest.map((r) => r.invocationId)).toEqual(many.slice(-150).map((r) => r.invocationId));
  });
});
