import { UnknownRegionError } from '../platform/errors.js';

/**
 * Regions with an SAE endpoint in the official endpoint map; each is `sae.<region>.aliyuncs.com`
 * (the product's rule is "regional"). No VPC endpoint is published (UNVERIFIED).
 * Source: docs/reference/sae-edas.md §2.1 (acs-sdk-php `data/sae/2019-05-06/api-docs.php`
 * `endpoints`; `sae-20190506/main.tea` `@endpointMap`; terraform-provider-alicloud
 * `connectivity/endpoint.go` `"sae": "sae.%s.aliyuncs.com"`).
 */
export const SAE_REGIONS: readonly string[] = [
  'cn-beijing',
  'cn-zhangjiakou',
  'cn-wulanchabu',
  'cn-hangzhou',
  'cn-shanghai',
  'cn-shenzhen',
  'cn-heyuan',
  'cn-guangzhou',
  'cn-chengdu',
  'cn-hongkong',
  'ap-northeast-1',
  'ap-southeast-1',
  'us-east-1',
  'us-west-1',
  'eu-central-1',
];

/**
 * The SAE endpoint of a region. The host selects the region: no region header or `RegionId`
 * parameter is sent (docs/reference/sae-edas.md §2.1, inference from the SDKs and devsapp/sae).
 * @param regionId e.g. `cn-hangzhou`
 * @returns e.g. `https://sae.cn-hangzhou.aliyuncs.com`
 * @throws UnknownRegionError for a region outside {@link SAE_REGIONS}
 */
export function saeEndpoint(regionId: string): string {
  if (!SAE_REGIONS.includes(regionId)) throw new UnknownRegionError('sae', regionId);
  return `https://sae.${regionId}.aliyuncs.com`;
}
