/**
 * Red-team 25 G10, on SAE (the same shape as Web+'s): after an AbortChangeOrder whose answer is
 * ambiguous (a reset after sending), the order is re-read (DescribeChangeOrder) and a re-read
 * showing status 6 (aborted) was believed even when it described another order under the same
 * id: another `CoTypeCode`, another first batch start. Now
 * such a re-read proves nothing: `failed`, naming the field, never `aborted`, never re-sent.
 * Through the real handler (a timer sweep), pop-core's signing and the loopback SAE emulator
 * (a scripted raw re-read).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type SaeSandbox, startSaeSandbox } from '../../sandbox/sae/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { timerEvent } from '../helpers/world.js';

const APP = '7171a6ca-d1cd-4928-8642-7d5cfe69e001';
const ORDER = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5ee001';
const MIN = 60_000;

let h: Harness | undefined;
let sae: SaeSandbox | undefined;
afterEach(async () => {
  await h?.close();
  await sae?.close();
  h = sae = undefined;
});

/** A zone-less China time, as SAE writes CreateTime. */
function chinaTime(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** A DescribeChangeOrder reply showing the order aborted (status 6), with these changes. */
function abortedReread(edit: { coType?: string; startMs?: number; updateMs?: number }) {
  const start = edit.startMs ?? Date.now() - 90 * MIN;
  const update = edit.updateMs ?? Date.now();
  const coType = edit.coType ?? 'CoDeploy';
  const body = {
    RequestId: '9A8B7C6D-0000-4000-8000-00000000AB01',
    Message: 'success',
    TraceId: '0a98a02315955564772843261',
    Data: {
      ChangeOrderId: ORDER,
      AppId: APP,
      AppName: 'checkout',
      Status: 6,
      SubStatus: 0,
      CreateTime: chinaTime(start),
      CoType: coType,
      CoTypeCode: coType,
      Description: 'deploy',
      ErrorMessage: '',
      BatchCount: 1,
      BatchType: 'auto',
      Auto: true,
      BatchWaitTime: 0,
      CurrentPipelineId: `${ORDER}-batch-1`,
      Pipelines: [
        {
          PipelineId: `${ORDER}-batch-1`,
          PipelineName: 'Batch 1 Change',
          Status: 6,
          StartTime: start,
          UpdateTime: update,
          ParallelCount: 0,
          BatchType: 0,
        },
      ],
      SupportRollback: true,
      ApprovalId: '',
    },
    ErrorCode: '',
    Code: 200,
    Success: true,
  };
  return { status: 200, contentType: 'application/json;charset=utf-8', body: JSON.stringify(body) };
}

async function sweep(reread: Record<string, unknown>) {
  sae = await startSaeSandbox({
    apps: [],
    envs: [],
    changes: [],
    sae: {
      apps: [{ AppId: APP, AppName: 'checkout' }],
      changeOrders: [
        { ChangeOrderId: ORDER, AppId: APP, Status: 1, startedMinutesAgo: 90, idleMinutes: 80 },
      ],
      faults: [
        { action: 'AbortChangeOrder', responses: [{ reset: true }, 'ok'] },
        // The sweep's own read first, then the re-read is scripted.
        { action: 'DescribeChangeOrder', responses: ['ok', reread, reread] },
      ],
    },
  });
  h = await startHarness(
    { apps: [], envs: [], changes: [] },
    {
      env: {
        PLATFORMS: 'sae',
        SAE_ENDPOINT: sae.url,
        SAE_QPS: '1000',
        ABORT_DRY_RUN: 'false',
        RETRY_MAX_ATTEMPTS: '3',
        RETRY_BASE_MS: '10',
      },
    },
  );
  await h.handler(timerEvent(), fakeContext());
  return {
    record: h.records().find((r) => r.changeId === ORDER),
    sent: sae.journal().filter((j) => j.action === 'AbortChangeOrder').length,
  };
}

describe('SAE: a re-read after an ambiguous AbortChangeOrder that contradicts the first read', () => {
  it('status 6, but another CoTypeCode: failed naming it, one AbortChangeOrder', async () => {
    // Arrange / Act
    const { record, sent } = await sweep(abortedReread({ coType: 'CoRestartApplication' }));

    // Assert
    expect(record?.outcome).toBe('failed');
    expect(record?.detail).toContain('the re-read contradicts the first read');
    expect(record?.detail).toContain(
      'CoTypeCode "CoRestartApplication" differs from the first read\'s "CoDeploy"',
    );
    expect(sent).toBe(1);
  });

  it('status 6, but its first batch started 3 days earlier: failed naming the start', async () => {
    // Arrange / Act
    const { record, sent } = await sweep(
      abortedReread({ startMs: Date.now() - 3 * 24 * 60 * MIN }),
    );

    // Assert
    expect(record?.outcome).toBe('failed');
    expect(record?.detail).toContain("differs from the first read's start");
    expect(sent).toBe(1);
  });
});
