import { UnknownRegionError } from '../platform/errors.js';

/**
 * EDAS endpoints by region. Source: docs/reference/sae-edas.md §3.1
 * (https://alibabacloud.com/help/zh/edas/common-parameters-for-api-calls; acs-sdk-php
 * `data/edas/2017-08-01/api-docs.php` `endpoints`; `edas-20170801/main.tea` `@endpointMap`;
 * alibaba-cloud-sdk-go `services/edas/endpoint.go`).
 */
export const EDAS_PUBLIC_REGIONS: readonly string[] = [
  'cn-beijing',
  'cn-qingdao',
  'cn-shenzhen',
  'cn-hangzhou',
  'cn-shanghai',
  'cn-zhangjiakou',
  'cn-hongkong',
  'ap-southeast-1',
  'ap-northeast-1',
  'eu-central-1',
  'us-east-1',
  'cn-north-2-gov-1',
];

/** Regions with an `edas-vpc.<region>.aliyuncs.com` endpoint. */
export const EDAS_VPC_REGIONS: readonly string[] = [
  'cn-beijing',
  'cn-shenzhen',
  'cn-hangzhou',
  'cn-shanghai',
];

/** Regions the SDK endpoint maps route to `edas.aliyuncs.com`. */
export const EDAS_CENTRAL_REGIONS: readonly string[] = [
  'cn-chengdu',
  'cn-huhehaote',
  'cn-wuhan',
  'cn-fujian',
];

/** Regions the SDK endpoint maps route to `edas.ap-northeast-1.aliyuncs.com`. */
export const EDAS_TOKYO_ROUTED_REGIONS: readonly string[] = [
  'us-west-1',
  'eu-west-1',
  'ap-south-1',
  'ap-southeast-3',
  'ap-southeast-5',
  'me-east-1',
  'ap-northeast-2-pop',
  'rus-west-1-pop',
];

/**
 * The EDAS endpoint of a region.
 * @param regionId e.g. `cn-hangzhou`
 * @param network `public` (default) or `vpc`
 * @returns e.g. `https://edas.cn-hangzhou.aliyuncs.com`, `https://edas-vpc.cn-hangzhou.aliyuncs.com`
 * @throws UnknownRegionError for a region (or a VPC region) the tables do not list
 */
export function edasEndpoint(regionId: string, network: 'public' | 'vpc' = 'public'): string {
  if (network === 'vpc') {
    if (!EDAS_VPC_REGIONS.includes(regionId)) throw new UnknownRegionError('edas', regionId);
    return `https://edas-vpc.${regionId}.aliyuncs.com`;
  }
  if (EDAS_PUBLIC_REGIONS.includes(regionId)) return `https://edas.${regionId}.aliyuncs.com`;
  if (EDAS_CENTRAL_REGIONS.includes(regionId)) return 'https://edas.aliyuncs.com';
  if (EDAS_TOKYO_ROUTED_REGIONS.includes(regionId))
    return 'https://edas.ap-northeast-1.aliyuncs.com';
  throw new UnknownRegionError('edas', regionId);
}
