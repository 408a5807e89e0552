import type { AppEnv } from '../webplus/types.js';

/** One listing item of an environment, and where it was read. */
export interface EnvSighting {
  /** The item as listed (its own AppId, whatever application it was listed under). */
  env: AppEnv;
  /** The AppId whose DescribeAppEnvs listed it. */
  under: string;
  /** The page (`PageNumber` asked for) it came on. */
  page: number;
}

/** At most this many sightings are spelled out in a record's detail. */
const MAX_NAMED = 6;

/**
 * The EnvIds listed more than once (in one page, across pages, under two applications), each
 * with all its sightings in listing order. An EnvId listed twice leaves its facts unknown
 * (docs/policy.md, "Fail closed"; docs/reference/webplus-api.md, "Required parameters"),
 * whether the items agree or not (red-team 12 H1, L1).
 */
export function duplicatedEnvIds(sightings: readonly EnvSighting[]): Map<string, EnvSighting[]> {
  const byId = new Map<string, EnvSighting[]>();
  for (const s of sightings) {
    const list = byId.get(s.env.envId) ?? [];
    list.push(s);
    byId.set(s.env.envId, list);
  }
  for (const [id, list] of byId) if (list.length < 2) byId.delete(id);
  return byId;
}

/** Words for one sighting: `under wa-… page 1 (AppId "wa-…", LatestChangeId "wc-…")`. */
function sightingWords(s: EnvSighting): string {
  const appId = s.env.appId;
  return `under ${s.under} page ${s.page} (AppId ${appId ? JSON.stringify(appId.slice(0, 64)) : 'unknown'}, LatestChangeId ${s.env.latestChangeId ? JSON.stringify(s.env.latestChangeId.slice(0, 64)) : 'none'}, ApplyingChange ${String(s.env.applyingChange ?? 'unknown')})`;
}

/**
 * The detail of the `skipped` record of an EnvId listed more than once: how many times, where
 * (application and page of each item, with its facts) and that nothing was aborted.
 * @param sightings two or more sightings of one EnvId
 */
export function duplicateDetail(
  envId: string,
  sightings: readonly EnvSighting[],
  regionId: string,
): string {
  // Listings are read in parallel: the words are in a fixed order (application, page).
  const ordered = [...sightings].sort((a, b) => a.under.localeCompare(b.under) || a.page - b.page);
  const named = ordered.slice(0, MAX_NAMED).map(sightingWords);
  const more = ordered.length > MAX_NAMED ? `, and ${ordered.length - MAX_NAMED} more` : '';
  const apps = [...new Set(ordered.map((s) => s.under))];
  return `EnvId ${envId} is listed ${sightings.length} times by DescribeAppEnvs in region ${regionId}${apps.length > 1 ? ` under ${apps.length} applications (${apps.join(', ')})` : ''}: ${named.join('; ')}${more}; which item's facts (AppId, LatestChangeId, flags) hold is unknown, so nothing was aborted through ${envId} (fail closed)`;
}
