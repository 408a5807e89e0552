import type { Candidate, CandidateSource } from '../model/candidate.js';
import { MAX_PAGE_SIZE } from '../webplus/actions.js';
import type { WebplusGateway } from '../webplus/gateway.js';
import type { AppEnv, Page } from '../webplus/types.js';
import { ListingTooLargeError } from './errors.js';
import { settledFromError } from './settle.js';

/**
 * Most pages one listing reads (10,000 items at 100 per page), whatever `TotalCount` says:
 * beyond it the listing is refused, never allocated (docs/operator-guide.md, account sizes).
 */
export const MAX_LIST_PAGES = 100;

/**
 * Reads every page of a Web+ list at the largest page size, page 1 first (for TotalCount),
 * then the rest concurrently (the pacer keeps the rate).
 * @throws CallFailedError, DeadlineReachedError, ListingTooLargeError (TotalCount implies more
 *   than {@link MAX_LIST_PAGES} pages)
 */
export async function readAllPages<T>(
  gateway: WebplusGateway,
  action: string,
  fetch: (page: { pageNumber: number; pageSize: number }, timeoutMs: number) => Promise<Page<T>>,
): Promise<T[]> {
  const first = await gateway.call(action, (o) =>
    fetch({ pageNumber: 1, pageSize: MAX_PAGE_SIZE }, o.timeoutMs),
  );
  const pageSize = Math.max(1, first.value.pageSize || MAX_PAGE_SIZE);
  const total = first.value.totalCount;
  const pages = Math.ceil(total / pageSize);
  if (!Number.isFinite(pages) || pages > MAX_LIST_PAGES) {
    throw new ListingTooLargeError(action, total, pageSize, MAX_LIST_PAGES);
  }
  const rest = await Promise.all(
    Array.from({ length: Math.max(0, pages - 1) }, (_, i) =>
      gateway.call(action, (o) => fetch({ pageNumber: i + 2, pageSize }, o.timeoutMs)),
    ),
  );
  return [first.value.items, ...rest.map((r) => r.value.items)].flat();
}

/** One environment by EnvId (DescribeAppEnvs filtered by EnvId: it carries the AppId). */
export async function readEnv(gateway: WebplusGateway, envId: string): Promise<AppEnv | undefined> {
  const { value } = await gateway.call('DescribeAppEnvs', (o) =>
    gateway.client.describeAppEnvs({ envId }, { pageNumber: 1, pageSize: 1 }, o),
  );
  return value.items.find((e) => e.envId === envId);
}

/**
 * The candidate for one change id: DescribeChange, settled as `not_found` / `failed` /
 * `timeout` when the read fails.
 */
export async function candidateForChange(
  gateway: WebplusGateway,
  changeId: string,
  base: {
    source: CandidateSource;
    reason?: string;
    note?: string;
    envId?: string;
    appId?: string;
    appIdUnknown?: string;
    envName?: string;
    appName?: string;
    envAborting?: boolean;
    envUnread?: string;
  },
): Promise<Candidate> {
  try {
    const { value } = await gateway.call('DescribeChange', (o) =>
      gateway.client.describeChange(changeId, o),
    );
    return {
      ...base,
      changeId,
      // The environment it was reached through wins; the policy checks it against the change's own.
      envId: base.envId ?? (value.change.envId || undefined),
      change: value.change,
      webplusRequestId: value.requestId,
    };
  } catch (err) {
    return { ...base, changeId, settled: settledFromError(err, 'DescribeChange') };
  }
}

/**
 * What a candidate learns from its environment's `AbortingChange`: the flag when it is a JSON
 * boolean, otherwise `envUnread` naming the field and what was read
 * (`DescribeAppEnvs: AbortingChange is not a JSON boolean (got "false")`), so the record says
 * which fact was unknown (docs/policy.md, "Fail closed").
 */
export function abortingFacts(env: AppEnv): { envAborting?: boolean; envUnread?: string } {
  if (env.abortingChange !== undefined) return { envAborting: env.abortingChange };
  return {
    envUnread: `DescribeAppEnvs: ${env.abortingUnread ?? 'AbortingChange is not a JSON boolean'} for ${env.envId}`,
  };
}
