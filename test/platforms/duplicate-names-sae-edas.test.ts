/**
 * Red-team finding B5 of issue 12 on SAE and EDAS: an AbortChangeOrder reply whose JSON repeats
 * a name (`{"Code":"500","Code":"200",…}`, a second `ChangeOrderId`, a repeat inside `Data`) is
 * ambiguous, never read as the abort's success: the order is re-read and no record says
 * `aborted` from such a reply. Through the real handler, pop-core's ROA signing and the SAE /
 * EDAS sandboxes serving the exact bytes (the abort does not land: `applied` is false).
 * And the SAE / EDAS transports redact what their errors keep (message, code, raw body) with
 * the keys they sign with, before anything downstream sees it (independent test/helpers/leaks.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EdasClient } from '#shared/edas/client.js';
import { PlatformError } from '#shared/platform/errors.js';
import { SaeClient } from '#shared/sae/client.js';
import { type EdasSandbox, startEdasSandbox } from '../../sandbox/edas/server.js';
import { type SaeSandbox, startSaeSandbox } from '../../sandbox/sae/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { leaks } from '../helpers/leaks.js';
import { timerEvent } from '../helpers/world.js';

const SAE_APP = '7171a6ca-d1cd-4928-8642-7d5cfe69b001';
const SAE_ORDER = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5eb001';
const EDAS_APP = '6826ccd2-5c57-46c0-a2e5-6caca07cb001';
const EDAS_ORDER = '28ab8de8-22b9-430d-9952-00f67693b001';

let h: Harness | undefined;
let sae: SaeSandbox | undefined;
let edas: EdasSandbox | undefined;
afterEach(async () => {
  await h?.close();
  await sae?.close();
  await edas?.close();
  h = sae = edas = undefined;
});

/** Replies that say two things; each as SAE and as EDAS would word a success. */
const REPLIES: Array<[string, string, string]> = [
  [
    'Code said twice',
    `{"Code":"500","Code":"200","Success":true,"Data":{"ChangeOrderId":"${SAE_ORDER}"},"RequestId":"R1"}`,
    `{"Code":500,"Code":200,"Message":"success","ChangeOrderId":"${EDAS_ORDER}","RequestId":"R1"}`,
  ],
  [
    'ChangeOrderId said twice',
    `{"Code":"200","Success":true,"Data":{"ChangeOrderId":"other","ChangeOrderId":"${SAE_ORDER}"},"RequestId":"R2"}`,
    `{"Code":200,"Message":"success","ChangeOrderId":"other","ChangeOrderId":"${EDAS_ORDER}","RequestId":"R2"}`,
  ],
  [
    'Success said twice (escaped name)',
    `{"Code":"200","Success":false,"\\u0053uccess":true,"Data":{"ChangeOrderId":"${SAE_ORDER}"},"RequestId":"R3"}`,
    `{"Code":200,"Message":"failed","\\u004dessage":"success","ChangeOrderId":"${EDAS_ORDER}","RequestId":"R3"}`,
  ],
];

describe('SAE and EDAS: an abort reply that repeats a name is never read as success (B5)', () => {
  for (const [label, saeBody, edasBody] of REPLIES) {
    it(`${label}: no aborted record, the order re-read`, async () => {
      // Arrange: one stuck order on each platform; every abort reply repeats a name.
      const raw = (body: string) =>
        Array.from({ length: 6 }, () => ({ status: 200, contentType: 'application/json', body }));
      const world = {
        apps: [],
        envs: [],
        changes: [],
        sae: {
          apps: [{ AppId: SAE_APP, AppName: 'checkout' }],
          changeOrders: [
            {
              ChangeOrderId: SAE_ORDER,
              AppId: SAE_APP,
              Status: 1,
              startedMinutesAgo: 150,
              idleMinutes: 120,
            },
          ],
          faults: [{ action: 'AbortChangeOrder', responses: raw(saeBody) }],
        },
        edas: {
          apps: [{ AppId: EDAS_APP, Name: 'orders' }],
          changeOrders: [
            {
              ChangeOrderId: EDAS_ORDER,
              AppId: EDAS_APP,
              Status: 1,
              startedMinutesAgo: 150,
              idleMinutes: 120,
            },
          ],
          faults: [{ action: 'AbortChangeOrder', responses: raw(edasBody) }],
        },
      };
      sae = await startSaeSandbox(world);
      edas = await startEdasSandbox(world);
      h = await startHarness(
        { apps: [], envs: [], changes: [] },
        {
          env: {
            PLATFORMS: 'sae,edas',
            SAE_ENDPOINT: sae.url,
            EDAS_ENDPOINT: edas.url,
            SAE_QPS: '1000',
            EDAS_QPS: '1000',
          },
        },
      );

      // Act
      await h.handler(timerEvent({}), fakeContext());

      // Assert
      const records = h.records().filter((r) => r.changeId);
      expect(records.map((r) => r.changeId).sort()).toEqual([EDAS_ORDER, SAE_ORDER].sort());
      for (const r of records) {
        expect(r.outcome, JSON.stringify(r)).not.toBe('aborted');
        expect(JSON.stringify(r)).toContain('DuplicateKeyReply');
      }
      expect(sae.calls('AbortChangeOrder')).toBeGreaterThan(0);
      expect(edas.calls('AbortChangeOrder')).toBeGreaterThan(0);
      expect(sae.calls('DescribeChangeOrder')).toBeGreaterThan(1);
      expect(edas.calls('GetChangeOrderInfo')).toBeGreaterThan(1);
    });
  }
});

describe('SAE and EDAS clients redact what their errors keep, at the transport (not only downstream)', () => {
  const SECRET = 'Rk7pX2vQ9wLm4Tz8Nc3BsY6h';
  const TOKEN = 'CAIS3Hq8Zr5Kt2Wv7Lp9Mx4Nc6Bd1Fg0Sj8Ye2Ua';
  const echo = [
    'planted-echo',
    Buffer.from(`x${TOKEN}`).toString('base64'),
    TOKEN.slice(12, 30),
    `"${SECRET.slice(0, 11)}" + "${SECRET.slice(11)}"`,
    [...SECRET].reverse().join(''),
  ].join(' ');

  for (const status of [400, 200]) {
    it(`a ${status} error body quoting the keys: message, code and raw body of the PlatformError clean`, async () => {
      // Arrange: both list calls answer the echo (as an error message, or a raw body that is
      // no envelope at all).
      const credentials = {
        accessKeyId: 'STS.transport',
        accessKeySecret: SECRET,
        securityToken: TOKEN,
      };
      const response =
        status === 400
          ? { status, code: `Bad.${TOKEN}`, message: echo }
          : { status, contentType: 'text/html', body: `<html>${echo}</html>` };
      const world = {
        credentials: [credentials],
        apps: [],
        envs: [],
        changes: [],
        sae: { faults: [{ action: 'ListApplications', responses: [response] }] },
        edas: { faults: [{ action: 'ListApplication', responses: [response] }] },
      };
      sae = await startSaeSandbox(world);
      edas = await startEdasSandbox(world);
      const saeClient = new SaeClient(sae.url, credentials);
      const edasClient = new EdasClient(edas.url, credentials);

      // Act
      const errors = await Promise.all([
        saeClient
          .listApplications({ pageNumber: 1, pageSize: 10 }, { timeoutMs: 5000 })
          .catch((e: unknown) => e),
        edasClient
          .listApplication({ pageNumber: 1, pageSize: 10 }, { timeoutMs: 5000 })
          .catch((e: unknown) => e),
      ]);
      saeClient.close();
      edasClient.close();

      // Assert
      for (const err of errors) {
        expect(err).toBeInstanceOf(PlatformError);
        const e = err as PlatformError;
        const kept = `${e.message} ${e.code} ${e.rawBody ?? ''} ${e.requestId ?? ''}`;
        expect(kept).toContain('planted-echo');
        for (const s of [SECRET, TOKEN]) expect(leaks(kept, s), kept).toEqual([]);
      }
    });
  }
});
