/**
 * The exact requests the SAE and EDAS clients send, recorded off the wire by an independent
 * server and checked against the reference tables (docs/reference/sae-edas.md §2.2, §3.2, §4),
 * whose rows are copied here as data with their sources. The signature is recomputed here from
 * the recorded headers with node:crypto (no project code).
 */
import { createHash, createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { EDAS_ACTIONS } from '#shared/edas/actions.js';
import { EdasClient } from '#shared/edas/client.js';
import { SAE_ACTIONS } from '#shared/sae/actions.js';
import { SaeClient } from '#shared/sae/client.js';
import {
  type RecordedRequest,
  startWireRecorder,
  type WireRecorder,
} from '../helpers/wire-recorder.js';

const KEYS = { accessKeyId: 'wire-ak', accessKeySecret: 'wire-secret' };
const STS = { accessKeyId: 'STS.wire', accessKeySecret: 'sts-secret', securityToken: 'tok-1' };
const OPTS = { timeoutMs: 3000 };

/**
 * SAE 2019-05-06 rows. Sources: acs-sdk-php `data/sae/2019-05-06/api-docs.php` (method, path,
 * `in: query`), https://www.alibabacloud.com/help/en/sae/api-sae-2019-05-06-listapplications,
 * …-describeapplicationstatus, …-listchangeorders, …/developer-reference/api-describechangeorder,
 * …-abortchangeorder, https://help.aliyun.com/zh/sae/developer-reference/api-sae-2019-05-06-abortandrollbackchangeorder
 */
const SAE_TABLE = [
  {
    action: 'ListApplications',
    method: 'GET',
    path: '/pop/v1/sam/app/listApplications',
    query: ['CurrentPage', 'PageSize'],
    ram: 'sae:ListApplications',
  },
  {
    action: 'DescribeApplicationStatus',
    method: 'GET',
    path: '/pop/v1/sam/app/describeApplicationStatus',
    query: ['AppId'],
    ram: 'sae:DescribeApplicationStatus',
  },
  {
    action: 'ListChangeOrders',
    method: 'GET',
    path: '/pop/v1/sam/changeorder/ListChangeOrders',
    query: ['AppId', 'CoStatus', 'CurrentPage', 'PageSize'],
    ram: 'sae:ListChangeOrders',
  },
  {
    action: 'DescribeChangeOrder',
    method: 'GET',
    path: '/pop/v1/sam/changeorder/DescribeChangeOrder',
    query: ['ChangeOrderId'],
    ram: 'sae:DescribeChangeOrder',
  },
  {
    action: 'AbortChangeOrder',
    method: 'PUT',
    path: '/pop/v1/sam/changeorder/AbortChangeOrder',
    query: ['ChangeOrderId'],
    ram: 'sae:AbortChangeOrder',
  },
  {
    action: 'AbortAndRollbackChangeOrder',
    method: 'PUT',
    path: '/pop/v1/sam/changeorder/AbortAndRollbackChangeOrder',
    query: ['ChangeOrderId'],
    ram: 'sae:AbortAndRollbackChangeOrder',
  },
] as const;

/**
 * EDAS 2017-08-01 rows. Sources: acs-sdk-php `data/edas/2017-08-01/api-docs.php`,
 * https://help.aliyun.com/document_detail/149390.htm (ListApplication), /149393.htm
 * (ListRecentChangeOrder), /62072.htm (GetChangeOrderInfo), /423167.html (AbortChangeOrder),
 * https://help.aliyun.com/zh/edas/api-abortandrollbackchangeorder
 */
const EDAS_TABLE = [
  {
    action: 'ListApplication',
    method: 'POST',
    path: '/pop/v5/app/app_list',
    query: ['CurrentPage', 'PageSize'],
    ram: 'edas:ReadApplication',
  },
  {
    action: 'ListRecentChangeOrder',
    method: 'POST',
    path: '/pop/v5/changeorder/change_order_list',
    query: ['AppId'],
    ram: 'edas:ReadApplication',
  },
  {
    action: 'GetChangeOrderInfo',
    method: 'POST',
    path: '/pop/v5/changeorder/change_order_info',
    query: ['ChangeOrderId'],
    ram: 'edas:ReadApplication',
  },
  {
    action: 'AbortChangeOrder',
    method: 'PUT',
    path: '/pop/v5/changeorder/change_order_abort',
    query: ['ChangeOrderId'],
    ram: 'edas:ManageApplication',
  },
  {
    action: 'AbortAndRollbackChangeOrder',
    method: 'PUT',
    path: '/pop/v5/changeorder/change_order_abort_and_rollback',
    query: ['ChangeOrderId'],
    ram: 'edas:ManageApplication',
  },
] as const;

const SAE_OK = { RequestId: 'R-1', Code: '200', Success: true, Message: 'success' };
const EDAS_OK = { RequestId: 'R-2', Code: 200, Message: 'success' };

function saeAnswer(req: RecordedRequest): Record<string, unknown> {
  if (req.path.endsWith('listApplications'))
    return { ...SAE_OK, Data: { TotalSize: 0, Applications: [] } };
  if (req.path.endsWith('ListChangeOrders'))
    return { ...SAE_OK, Data: { TotalSize: 0, ChangeOrderList: [] } };
  if (req.path.endsWith('DescribeChangeOrder'))
    return {
      ...SAE_OK,
      Data: { ChangeOrderId: '817dd426-4ed7-a2f3-4215-66c10a217210', Status: 1, Pipelines: [] },
    };
  // An abort is accepted only on its documented body: Data is exactly {ChangeOrderId}.
  if (req.path.includes('Abort'))
    return { ...SAE_OK, Data: { ChangeOrderId: '817dd426-4ed7-a2f3-4215-66c10a217210' } };
  return {
    ...SAE_OK,
    Data: {
      AppId: '8d91d7c6-62e6-2b77-2ff8-483400d2a665',
      ChangeOrderId: '817dd426-4ed7-a2f3-4215-66c10a217210',
    },
  };
}

function edasAnswer(req: RecordedRequest): Record<string, unknown> {
  if (req.path.endsWith('app_list')) return { ...EDAS_OK, ApplicationList: { Application: [] } };
  if (req.path.endsWith('change_order_list'))
    return { ...EDAS_OK, ChangeOrderList: { ChangeOrder: [] } };
  if (req.path.endsWith('change_order_info'))
    return {
      ...EDAS_OK,
      changeOrderInfo: { ChangeOrderId: '2d118f7c-88ec-737b-1dbb-7e71874435e0', Status: 1 },
    };
  return { ...EDAS_OK, Data: { ChangeOrderId: '2d118f7c-88ec-737b-1dbb-7e71874435e0' } };
}

/** The ROA v1 signature, computed from the recorded request alone. */
function expectedSignature(req: RecordedRequest, secret: string): string {
  const h = (n: string) => String(req.headers[n] ?? '');
  const acs = Object.keys(req.headers)
    .filter((k) => k.startsWith('x-acs-'))
    .sort()
    .map((k) => `${k}:${h(k).trim()}\n`)
    .join('');
  const params = [...new URLSearchParams(req.rawQuery)]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const resource = params ? `${req.path}?${params}` : req.path;
  const toSign = `${req.method}\n${h('accept')}\n${h('content-md5')}\n${h('content-type')}\n${h('date')}\n${acs}${resource}`;
  return createHmac('sha1', secret).update(toSign, 'utf8').digest('base64');
}

function checkCommonHeaders(req: RecordedRequest, version: string, keys: typeof KEYS | typeof STS) {
  expect(req.headers['x-acs-version']).toBe(version);
  expect(req.headers.accept).toBe('application/json');
  expect(req.headers['x-acs-signature-method']).toBe('HMAC-SHA1');
  expect(req.headers['x-acs-signature-version']).toBe('1.0');
  expect(req.headers['x-acs-signature-nonce']).toMatch(/^[0-9a-f]{32}$/);
  expect(Math.abs(Date.parse(String(req.headers.date)) - Date.now())).toBeLessThan(60_000);
  // no body: empty content, its MD5, no content-type (§4 "SAE PUT with query only")
  expect(req.body).toBe('');
  expect(req.headers['content-length']).toBe('0');
  expect(req.headers['content-md5']).toBe(createHash('md5').update('').digest('base64'));
  expect(req.headers['content-md5']).toBe('1B2M2Y8AsgTpgAmY7PhCfg==');
  expect(req.headers['content-type']).toBeUndefined();
  // the host selects the region: no region header, no RegionId, no x-acs-action (§2.1, §4)
  expect(req.headers['x-acs-region-id']).toBeUndefined();
  expect(req.headers['x-acs-action']).toBeUndefined();
  expect(new URLSearchParams(req.rawQuery).has('RegionId')).toBe(false);
  expect(req.headers.authorization).toBe(
    `acs ${keys.accessKeyId}:${expectedSignature(req, keys.accessKeySecret)}`,
  );
  if ('securityToken' in keys) {
    expect(req.headers['x-acs-security-token']).toBe(keys.securityToken);
    expect(req.headers['x-acs-accesskey-id']).toBe(keys.accessKeyId);
  } else {
    expect(req.headers['x-acs-security-token']).toBeUndefined();
  }
}

let recorder: WireRecorder | undefined;
afterEach(async () => {
  await recorder?.close();
  recorder = undefined;
});

describe('SAE requests on the wire match the reference table', () => {
  it('the action table of the client is the reference table', () => {
    for (const row of SAE_TABLE) {
      expect(SAE_ACTIONS[row.action]).toEqual({ method: row.method, path: row.path, ram: row.ram });
    }
    expect(Object.keys(SAE_ACTIONS).sort()).toEqual(SAE_TABLE.map((r) => r.action).sort());
  });

  for (const keys of [KEYS, STS]) {
    it(`every action sends its method, exact path, query-only parameters and signed headers (${'securityToken' in keys ? 'STS' : 'AccessKey'})`, async () => {
      recorder = await startWireRecorder(saeAnswer);
      const sae = new SaeClient(recorder.url, keys);
      await sae.listApplications({ pageNumber: 2, pageSize: 50 }, OPTS);
      await sae.describeApplicationStatus('8d91d7c6-62e6-2b77-2ff8-483400d2a665', OPTS);
      await sae.listChangeOrders(
        '8d91d7c6-62e6-2b77-2ff8-483400d2a665',
        { pageNumber: 1, pageSize: 20, coStatus: 8 },
        OPTS,
      );
      await sae.describeChangeOrder('817dd426-4ed7-a2f3-4215-66c10a217210', OPTS);
      await sae.abortChangeOrder('817dd426-4ed7-a2f3-4215-66c10a217210', OPTS);
      await sae.abortAndRollbackChangeOrder('817dd426-4ed7-a2f3-4215-66c10a217210', OPTS);
      sae.close();

      const sent = recorder.requests;
      expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(
        SAE_TABLE.map((r) => `${r.method} ${r.path}`),
      );
      expect(sent.map((r) => [...new URLSearchParams(r.rawQuery).keys()].sort())).toEqual(
        SAE_TABLE.map((r) => [...r.query].sort()),
      );
      expect(sent.map((r) => r.rawQuery)).toEqual([
        'CurrentPage=2&PageSize=50',
        'AppId=8d91d7c6-62e6-2b77-2ff8-483400d2a665',
        'AppId=8d91d7c6-62e6-2b77-2ff8-483400d2a665&CurrentPage=1&PageSize=20&CoStatus=8',
        'ChangeOrderId=817dd426-4ed7-a2f3-4215-66c10a217210',
        'ChangeOrderId=817dd426-4ed7-a2f3-4215-66c10a217210',
        'ChangeOrderId=817dd426-4ed7-a2f3-4215-66c10a217210',
      ]);
      for (const req of sent) checkCommonHeaders(req, '2019-05-06', keys);
    });
  }

  it('an id with reserved characters is encoded in the URL and signed decoded', async () => {
    recorder = await startWireRecorder(saeAnswer);
    const sae = new SaeClient(recorder.url, KEYS);
    await expect(sae.describeChangeOrder('co 1/&=x', OPTS)).rejects.toThrow(
      /about 817dd426-4ed7-a2f3-4215-66c10a217210/,
    );
    sae.close();
    const [req] = recorder.requests;
    expect(req?.rawQuery).toBe('ChangeOrderId=co%201%2F%26%3Dx');
    checkCommonHeaders(req!, '2019-05-06', KEYS);
  });
});

describe('EDAS requests on the wire match the reference table', () => {
  it('the action table of the client is the reference table', () => {
    for (const row of EDAS_TABLE) {
      expect(EDAS_ACTIONS[row.action]).toEqual({
        method: row.method,
        path: row.path,
        ram: row.ram,
      });
    }
    expect(Object.keys(EDAS_ACTIONS).sort()).toEqual(EDAS_TABLE.map((r) => r.action).sort());
  });

  for (const keys of [KEYS, STS]) {
    it(`every action sends its method, exact path, query-only parameters and signed headers (${'securityToken' in keys ? 'STS' : 'AccessKey'})`, async () => {
      recorder = await startWireRecorder(edasAnswer);
      const edas = new EdasClient(recorder.url, keys);
      await edas.listApplication({ pageNumber: 3, pageSize: 100 }, OPTS);
      await edas.listRecentChangeOrder('7d65504d-fc7b-5c7f-92fe-2cb2b58660bd', OPTS);
      await edas.getChangeOrderInfo('2d118f7c-88ec-737b-1dbb-7e71874435e0', OPTS);
      await edas.abortChangeOrder('2d118f7c-88ec-737b-1dbb-7e71874435e0', OPTS);
      await edas.abortAndRollbackChangeOrder('2d118f7c-88ec-737b-1dbb-7e71874435e0', OPTS);
      edas.close();

      const sent = recorder.requests;
      expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(
        EDAS_TABLE.map((r) => `${r.method} ${r.path}`),
      );
      expect(sent.map((r) => [...new URLSearchParams(r.rawQuery).keys()].sort())).toEqual(
        EDAS_TABLE.map((r) => [...r.query].sort()),
      );
      expect(sent.map((r) => r.rawQuery)).toEqual([
        'CurrentPage=3&PageSize=100',
        'AppId=7d65504d-fc7b-5c7f-92fe-2cb2b58660bd',
        'ChangeOrderId=2d118f7c-88ec-737b-1dbb-7e71874435e0',
        'ChangeOrderId=2d118f7c-88ec-737b-1dbb-7e71874435e0',
        'ChangeOrderId=2d118f7c-88ec-737b-1dbb-7e71874435e0',
      ]);
      for (const req of sent) checkCommonHeaders(req, '2017-08-01', keys);
    });
  }
});
