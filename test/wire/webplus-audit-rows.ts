/**
 * Rows of the Web+ wire audit (docs/reference/webplus-api.md), copied as data with their public
 * sources, for the wire test. Deliberately written out by hand: nothing here is imported from
 * shared/ or sandbox/, so a wrong table in the code cannot make its own test pass.
 */

/** Where a parameter must travel. */
export type Place = 'query' | 'formData';

export interface ActionRow {
  action: string;
  method: 'GET' | 'POST';
  path: string;
  /** the parameters the docs mark required (是否必选: 是, or metadata `docRequired`/`required`) */
  required: { name: string; in: Place }[];
  /** optional parameters the metadata offers that the client may send, and where */
  optional: { name: string; in: Place }[];
  /** public sources of this row */
  sources: string[];
}

const DOCS = 'https://github.com/AlibabaCloudDocs/webx/blob/master/cn.zh-CN/API参考';
const METADATA =
  'https://github.com/dew-serverless/acs-sdk-php/blob/main/data/webplus/2019-03-20/api-docs.php';
const TEA = 'https://github.com/aliyun/alibabacloud-sdk/blob/master/webplus-20190320/main.tea';
const GO = 'https://github.com/aliyun/alibaba-cloud-sdk-go/tree/master/services/webplus';

/** Audit section B (method, path, parameters) with the `RegionId` query of every action (A3). */
export const ACTION_ROWS: ActionRow[] = [
  {
    action: 'AbortChange',
    method: 'POST',
    path: '/pop/v1/wam/change/abort',
    required: [{ name: 'ChangeId', in: 'formData' }],
    optional: [{ name: 'RegionId', in: 'query' }],
    sources: [`${DOCS}/变更/AbortChange.md`, METADATA, TEA, `${GO}/abort_change.go`],
  },
  {
    action: 'DescribeChange',
    method: 'GET',
    path: '/pop/v1/wam/changeInfo',
    required: [{ name: 'EnvId', in: 'query' }],
    optional: [
      { name: 'ChangeId', in: 'query' },
      { name: 'RegionId', in: 'query' },
    ],
    sources: [`${DOCS}/变更/DescribeChange.md`, METADATA, `${GO}/describe_change.go`],
  },
  {
    action: 'DescribeChanges',
    method: 'GET',
    path: '/pop/v1/wam/change',
    required: [{ name: 'EnvId', in: 'query' }],
    optional: [
      { name: 'ActionName', in: 'query' },
      { name: 'PageNumber', in: 'query' },
      { name: 'PageSize', in: 'query' },
      { name: 'RegionId', in: 'query' },
    ],
    sources: [`${DOCS}/变更/DescribeChanges.md`, METADATA, `${GO}/describe_changes.go`],
  },
  {
    action: 'DescribeAppEnvs',
    method: 'GET',
    path: '/pop/v1/wam/appEnv',
    required: [{ name: 'AppId', in: 'query' }],
    optional: [
      { name: 'EnvId', in: 'query' },
      { name: 'EnvName', in: 'query' },
      { name: 'IncludeTerminated', in: 'query' },
      { name: 'PageNumber', in: 'query' },
      { name: 'PageSize', in: 'query' },
      { name: 'RegionId', in: 'query' },
    ],
    sources: [`${DOCS}/部署环境/DescribeAppEnvs.md`, METADATA, `${GO}/describe_app_envs.go`],
  },
  {
    action: 'DescribeAppEnvStatus',
    method: 'GET',
    path: '/pop/v1/wam/appEnv/status',
    required: [{ name: 'EnvId', in: 'query' }],
    optional: [{ name: 'RegionId', in: 'query' }],
    sources: [`${DOCS}/部署环境/DescribeAppEnvStatus.md`, METADATA],
  },
  {
    action: 'DescribeApplications',
    method: 'GET',
    path: '/pop/v1/wam/application',
    required: [],
    optional: [
      { name: 'AppId', in: 'query' },
      { name: 'AppName', in: 'query' },
      { name: 'PageNumber', in: 'query' },
      { name: 'PageSize', in: 'query' },
      { name: 'RegionId', in: 'query' },
    ],
    sources: [`${DOCS}/应用/DescribeApplications.md`, METADATA, TEA],
  },
];

/**
 * Audit section E (ROA signing and headers) and the common request headers table: what every
 * request must carry. `value` is exact; `pattern` a shape.
 * Sources: `${DOCS}/公共请求和返回头.md`, `${DOCS}/签名机制.md`, and the [probe] of the audit
 * (pop-core 1.8.0 with STS keys).
 */
export const HEADER_ROWS: {
  name: string;
  value?: string;
  pattern?: RegExp;
  source: string;
}[] = [
  { name: 'accept', value: 'application/json', source: `${DOCS}/公共请求和返回头.md` },
  {
    name: 'date',
    pattern: /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
    source: `${DOCS}/公共请求和返回头.md`,
  },
  { name: 'x-acs-version', value: '2019-03-20', source: `${DOCS}/公共请求和返回头.md` },
  { name: 'x-acs-signature-method', value: 'HMAC-SHA1', source: `${DOCS}/签名机制.md` },
  { name: 'x-acs-signature-version', value: '1.0', source: `${DOCS}/签名机制.md` },
  { name: 'x-acs-signature-nonce', pattern: /^[0-9a-f]{32}$/, source: `${DOCS}/签名机制.md` },
  { name: 'content-md5', pattern: /^[A-Za-z0-9+/]{22}==$/, source: `${DOCS}/签名机制.md` },
  {
    name: 'authorization',
    pattern: /^acs [^:\s]+:[A-Za-z0-9+/]{27}=$/,
    source: `${DOCS}/签名机制.md`,
  },
  // the region: required by the common headers table (A3, E10)
  {
    name: 'x-acs-region-id',
    pattern: /^[a-z]+-[a-z0-9-]+$/,
    source: `${DOCS}/公共请求和返回头.md`,
  },
];

/** With STS keys both of these go on every request (audit E9; darabonba ROA clients do the same). */
export const STS_HEADER_NAMES = ['x-acs-accesskey-id', 'x-acs-security-token'];

/** base64 MD5 of the empty body (audit [probe], webplus-api.md). */
export const EMPTY_BODY_MD5 = '1B2M2Y8AsgTpgAmY7PhCfg==';

/**
 * Audit A2: the endpoint each region's calls go to, from the SDK endpoint maps (Go
 * `endpoint.go`, Java `Endpoint.java`, tea `@endpointMap`); cn-hangzhou by the Web+ docs
 * ("调用方式": webplus.cn-hangzhou.aliyuncs.com).
 */
export const ENDPOINT_ROWS: { regionId: string; host: string }[] = [
  { regionId: 'cn-hangzhou', host: 'webplus.cn-hangzhou.aliyuncs.com' },
  { regionId: 'cn-beijing', host: 'webplus.cn-hangzhou.aliyuncs.com' },
  { regionId: 'cn-zhangjiakou', host: 'webplus.cn-hangzhou.aliyuncs.com' },
  { regionId: 'cn-shanghai', host: 'webplus.cn-hangzhou.aliyuncs.com' },
  { regionId: 'cn-shenzhen', host: 'webplus.cn-hangzhou.aliyuncs.com' },
  { regionId: 'ap-southeast-1', host: 'webplus.aliyuncs.com' },
  { regionId: 'us-west-1', host: 'webplus.aliyuncs.com' },
  { regionId: 'eu-central-1', host: 'webplus.aliyuncs.com' },
  { regionId: 'cn-qingdao', host: 'webplus.aliyuncs.com' },
  { regionId: 'cn-hongkong', host: 'webplus-vpc.cn-hongkong.aliyuncs.com' },
];
