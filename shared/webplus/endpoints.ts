/**
 * Where Web+ (API 2019-03-20) is called for each region: a table copied from the official SDKs'
 * endpoint maps, never built from a pattern. Four regions share the cn-hangzhou host, so the
 * region itself travels in every request (`x-acs-region-id` header and `RegionId` query; see
 * `client.ts`).
 *
 * Sources (all read 2026-12-01):
 * - Go SDK `services/webplus/endpoint.go`:
 *   https://github.com/aliyun/alibaba-cloud-sdk-go/blob/master/services/webplus/endpoint.go
 * - Java SDK `aliyun-java-sdk-webplus/.../Endpoint.java`:
 *   https://github.com/aliyun/aliyun-openapi-java-sdk/blob/master/aliyun-java-sdk-webplus/src/main/java/com/aliyuncs/webplus/Endpoint.java
 * - tea SDK `webplus-20190320/main.tea` (`@endpointMap`; regions missing from the map use the
 *   `regional` rule, which gives `webplus.cn-hangzhou.aliyuncs.com` for cn-hangzhou):
 *   https://github.com/aliyun/alibabacloud-sdk/blob/master/webplus-20190320/main.tea
 * - Web+ docs "调用方式" (the API host is webplus.cn-hangzhou.aliyuncs.com) and "支持地域" (Web+
 *   runs in cn-beijing, cn-zhangjiakou, cn-hangzhou, cn-shanghai, cn-shenzhen):
 *   https://github.com/AlibabaCloudDocs/webx/tree/master/cn.zh-CN
 *
 * Where the maps disagree (cn-hongkong: Go `webplus.aliyuncs.com`, Java and tea
 * `webplus-vpc.cn-hongkong.aliyuncs.com`) the newer two win; docs/reference/webplus-api.md lists it.
 */
import { WebplusAbortError } from '../core/errors.js';

/** The Web+ API host of each region the SDK endpoint maps know (host only, no scheme). */
export const WEBPLUS_ENDPOINTS: Readonly<Record<string, string>> = {
  'cn-hangzhou': 'webplus.cn-hangzhou.aliyuncs.com',
  'cn-beijing': 'webplus.cn-hangzhou.aliyuncs.com',
  'cn-zhangjiakou': 'webplus.cn-hangzhou.aliyuncs.com',
  'cn-shanghai': 'webplus.cn-hangzhou.aliyuncs.com',
  'cn-shenzhen': 'webplus.cn-hangzhou.aliyuncs.com',
  'cn-qingdao': 'webplus.aliyuncs.com',
  'cn-huhehaote': 'webplus.aliyuncs.com',
  'cn-chengdu': 'webplus.aliyuncs.com',
  'cn-hongkong': 'webplus-vpc.cn-hongkong.aliyuncs.com',
  'ap-northeast-1': 'webplus.aliyuncs.com',
  'ap-south-1': 'webplus.aliyuncs.com',
  'ap-southeast-1': 'webplus.aliyuncs.com',
  'ap-southeast-2': 'webplus.aliyuncs.com',
  'ap-southeast-3': 'webplus.aliyuncs.com',
  'ap-southeast-5': 'webplus.aliyuncs.com',
  'eu-central-1': 'webplus.aliyuncs.com',
  'eu-west-1': 'webplus.aliyuncs.com',
  'me-east-1': 'webplus.aliyuncs.com',
  'us-east-1': 'webplus.aliyuncs.com',
  'us-west-1': 'webplus.aliyuncs.com',
  'cn-hangzhou-finance': 'webplus.aliyuncs.com',
  'cn-shanghai-finance-1': 'webplus.aliyuncs.com',
  'cn-shenzhen-finance-1': 'webplus.aliyuncs.com',
  'cn-north-2-gov-1': 'webplus.aliyuncs.com',
};

/** The regions Web+ itself documents as where it runs ("支持地域"). */
export const WEBPLUS_DOCUMENTED_REGIONS = [
  'cn-beijing',
  'cn-zhangjiakou',
  'cn-hangzhou',
  'cn-shanghai',
  'cn-shenzhen',
] as const;

/** One region this function works in, and where its Web+ calls go. */
export interface WebplusRegion {
  /** e.g. `cn-shanghai`: sent as `x-acs-region-id` and `RegionId` on every call. */
  regionId: string;
  /** Base URL without trailing slash, e.g. `https://webplus.cn-hangzhou.aliyuncs.com`. */
  endpoint: string;
  /** `table` (WEBPLUS_ENDPOINTS) or `WEBPLUS_ENDPOINT` (an explicit override, e.g. the sandbox). */
  endpointSource: 'table' | 'WEBPLUS_ENDPOINT';
}

/** A region id as Alibaba Cloud spells them: lower-case words joined by `-` (`cn-hangzhou`). */
export const REGION_ID_PATTERN = /^[a-z]{2,}(?:-[a-z0-9]+)+$/;

/** No Web+ endpoint is known for a region, and none was given (a configuration mistake). */
export class UnknownWebplusRegionError extends WebplusAbortError {
  override readonly name = 'UnknownWebplusRegionError';
  override readonly exitKind = 'usage';
  constructor(readonly regionId: string) {
    super(
      `no Web+ endpoint is known for region ${regionId} (the SDK endpoint maps list ${Object.keys(WEBPLUS_ENDPOINTS).join(', ')}); ` +
        'Web+ documents only cn-beijing, cn-zhangjiakou, cn-hangzhou, cn-shanghai and cn-shenzhen',
    );
  }
}

/**
 * The endpoint of one region: `override` when given (every region then goes there), else the
 * table's host over HTTPS.
 * @param regionId e.g. `cn-shanghai`
 * @param override a base URL such as `http://127.0.0.1:9100` (WEBPLUS_ENDPOINT), no trailing slash
 * @throws UnknownWebplusRegionError when the region is not in WEBPLUS_ENDPOINTS and no override is given
 */
export function resolveWebplusRegion(regionId: string, override?: string): WebplusRegion {
  if (override) {
    return { regionId, endpoint: override.replace(/\/+$/, ''), endpointSource: 'WEBPLUS_ENDPOINT' };
  }
  const host = Object.hasOwn(WEBPLUS_ENDPOINTS, regionId) ? WEBPLUS_ENDPOINTS[regionId] : undefined;
  if (!host) throw new UnknownWebplusRegionError(regionId);
  return { regionId, endpoint: `https://${host}`, endpointSource: 'table' };
}
