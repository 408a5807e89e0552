import { parseChangeId } from '#shared/core/ids.js';
import type { ManualAbortRequest } from '#shared/model/request.js';
import { UsageError } from '../errors.js';
import type { ExitCode } from '../exit-codes.js';
import { enforceCommandLine, runLocal, validIds } from '../local-run.js';
import type { CloudOptions } from '../target.js';
import { cliPlatform, cliPlatformRequest } from './platform.js';

export interface AbortOptions extends CloudOptions {
  /** `webplus` (default), `sae` or `edas` */
  platform?: string;
  /** SAE / EDAS application ids: each one's in-flight change order */
  app?: string[];
  dryRun?: boolean;
  note?: string;
  scenario?: string;
  json?: boolean;
  wide?: boolean;
}

/**
 * `webplus-abort abort CHANGE_ID ... [--dry-run] [--note TEXT] [--scenario FILE] [--json]
 * [--wide] [--profile NAME] [--region ID]`: a manual abort from the shell (trigger `cli`); skips
 * the stuck rules, keeps `protect`, `mode`, `actions` and the kill switch. `--region` names the
 * Web+ region the change is in (its `regionId`): without it every region of `WEBPLUS_REGIONS` is
 * asked and a change two regions answer for is `skipped`, region ambiguous. A ChangeId Web+ does
 * not know ends with a one-line message and exit 1.
 * @throws UsageError for a malformed ChangeId or none at all (exit 2).
 */
export async function abortCommand(changeIds: string[], options: AbortOptions): Promise<ExitCode> {
  const platform = cliPlatform(options.platform);
  if (platform) {
    const request = cliPlatformRequest(platform, 'manual', {
      ...options,
      changeOrderIds: changeIds,
    });
    return runLocal([request], options, {
      name: 'abort',
      namedIds: [...request.changeOrderIds, ...(request.appIds ?? [])],
      ...(options.dryRun ? { enforceCommand: enforceCommandLine('abort') } : {}),
    });
  }
  if (options.app?.length) throw new UsageError('--app needs --platform sae or edas');
  if (options.region !== undefined && !/^[a-z]{2,}(?:-[a-z0-9]+)+$/.test(options.region))
    throw new UsageError(
      `invalid --region ${JSON.stringify(options.region.slice(0, 40))}: expected a region id such as cn-hangzhou`,
    );
  const ids = validIds(changeIds, parseChangeId, 'ChangeId');
  if (ids.length === 0) throw new UsageError('abort needs at least one CHANGE_ID');
  const request: ManualAbortRequest = {
    kind: 'abort',
    trigger: 'cli',
    triggerRef: 'webplus-abort abort',
    invalid: [],
    changeIds: ids,
    envIds: [],
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(options.note ? { note: options.note } : {}),
    // `--region` names the Web+ region the change is in (and the credentials' region): the
    // request works there only (red-team 24 F4).
    ...(options.region ? { regionId: options.region } : {}),
  };
  return runLocal([request], options, {
    name: 'abort',
    namedIds: ids,
    ...(options.dryRun ? { enforceCommand: enforceCommandLine('abort') } : {}),
  });
}
