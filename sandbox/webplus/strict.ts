/**
 * The sandbox's strict mode (scenario `"strict": true`, the default of the test harness): refuses
 * exactly what the Web+ docs mark required but a request lacks, and checks the region.
 *
 * What the docs mark required (request tables "是否必选: 是", and the official API metadata's
 * `docRequired`/`required`), with where each parameter goes:
 * - AbortChange: `ChangeId` (form body)
 *   https://github.com/AlibabaCloudDocs/webx/blob/master/cn.zh-CN/API参考/变更/AbortChange.md
 * - DescribeChange: `EnvId` (query)
 *   https://github.com/AlibabaCloudDocs/webx/blob/master/cn.zh-CN/API参考/变更/DescribeChange.md
 * - DescribeChanges: `EnvId` (query)
 *   https://github.com/AlibabaCloudDocs/webx/blob/master/cn.zh-CN/API参考/变更/DescribeChanges.md
 * - DescribeAppEnvs: `AppId` (query)
 *   https://github.com/AlibabaCloudDocs/webx/blob/master/cn.zh-CN/API参考/部署环境/DescribeAppEnvs.md
 * - DescribeAppEnvStatus: `EnvId` (query)
 *   https://github.com/AlibabaCloudDocs/webx/blob/master/cn.zh-CN/API参考/部署环境/DescribeAppEnvStatus.md
 * - DescribeApplications: nothing
 *   https://github.com/AlibabaCloudDocs/webx/blob/master/cn.zh-CN/API参考/应用/DescribeApplications.md
 * - every action: the `x-acs-region-id` header ("公共请求和返回头", 是否必选: 是)
 *   https://github.com/AlibabaCloudDocs/webx/blob/master/cn.zh-CN/API参考/公共请求和返回头.md
 * - metadata (in/required/docRequired per parameter; `RegionId` is an optional query on every action):
 *   https://github.com/dew-serverless/acs-sdk-php/blob/main/data/webplus/2019-03-20/api-docs.php
 *
 * The codes the sandbox answers are its own choice (the real backend's answer to a missing
 * parameter is not documented): 400 `MissingParameter` for a missing parameter or region header,
 * 400 `InvalidRegionId` for a region the scenario does not hold or a `RegionId` query that
 * contradicts the header.
 */
import { WebplusApiError } from './errors.js';
import type { ActionName } from './scenario.js';

/** Where a parameter travels: the query string or the form-encoded body. */
export type ParameterPlace = 'query' | 'formData';

/** The parameters the docs mark required, per action (see the file comment for the sources). */
export const DOCUMENTED_REQUIRED: Readonly<
  Record<ActionName, readonly { name: string; in: ParameterPlace }[]>
> = {
  AbortChange: [{ name: 'ChangeId', in: 'formData' }],
  DescribeChange: [{ name: 'EnvId', in: 'query' }],
  DescribeChanges: [{ name: 'EnvId', in: 'query' }],
  DescribeAppEnvs: [{ name: 'AppId', in: 'query' }],
  DescribeAppEnvStatus: [{ name: 'EnvId', in: 'query' }],
  DescribeApplications: [],
};

export interface StrictInput {
  action: ActionName;
  /** `x-acs-region-id` as received, undefined when absent */
  regionHeader: string | undefined;
  query: Readonly<Record<string, string>>;
  form: Readonly<Record<string, string>>;
  /** the regions the scenario holds */
  regions: ReadonlySet<string>;
}

/**
 * The strict-mode refusal of one request, or null when it passes.
 * Order: region header present → region known → `RegionId` query (when sent) equals the header →
 * each documented-required parameter present, non-empty and in its documented place.
 */
export function strictRefusal(input: StrictInput): WebplusApiError | null {
  const region = input.regionHeader?.trim();
  if (!region)
    return new WebplusApiError(
      400,
      'MissingParameter',
      'x-acs-region-id is mandatory for this action (common request headers).',
    );
  if (!input.regions.has(region))
    return new WebplusApiError(
      400,
      'InvalidRegionId',
      `The specified region ${region} does not exist (this sandbox holds ${[...input.regions].join(', ')}).`,
    );
  const queryRegion = input.query.RegionId;
  if (queryRegion !== undefined && queryRegion !== region)
    return new WebplusApiError(
      400,
      'InvalidRegionId',
      `RegionId ${queryRegion} does not match x-acs-region-id ${region}.`,
    );
  for (const param of DOCUMENTED_REQUIRED[input.action]) {
    const where = param.in === 'query' ? input.query : input.form;
    const value = where[param.name];
    if (value === undefined || value.trim() === '')
      return new WebplusApiError(
        400,
        'MissingParameter',
        `${param.name} is mandatory for ${input.action} (in the ${param.in === 'query' ? 'query string' : 'form body'}).`,
      );
  }
  return null;
}
