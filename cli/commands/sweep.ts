import { parseAppId, parseEnvId } from '#shared/core/ids.js';
import type { SweepRequest } from '#shared/model/request.js';
import { UsageError } from '../errors.js';
import type { ExitCode } from '../exit-codes.js';
import { enforceCommandLine, runLocal, validIds } from '../local-run.js';
import type { CloudOptions } from '../target.js';
import { cliPlatform, cliPlatformRequest } from './platform.js';

export interface SweepOptions extends CloudOptions {
  /** `webplus` (default), `sae` or `edas`: with sae/edas, `--app` takes their application ids */
  platform?: string;
  env?: string[];
  app?: string[];
  dryRun?: boolean;
  scenario?: string;
  json?: boolean;
  wide?: boolean;
}

/**
 * `webplus-abort sweep [--env ID ...] [--app ID ...] [--dry-run] [--scenario FILE] [--json]
 * [--wide] [--profile NAME] [--region ID]`: a sweep from the shell (trigger `cli`), limited to
 * the given environments / applications. An `--env` Web+ does not know ends with exit 1.
 * @throws UsageError for a malformed EnvId or AppId (exit 2).
 */
export async function sweepCommand(options: SweepOptions): Promise<ExitCode> {
  const platform = cliPlatform(options.platform);
  if (platform) {
    if (options.env?.length)
      throw new UsageError('--env names Web+ environments: not with --platform');
    return runLocal([cliPlatformRequest(platform, 'sweep', options)], options, {
      name: 'sweep',
      namedIds: [],
      ...(options.dryRun ? { enforceCommand: enforceCommandLine('sweep') } : {}),
    });
  }
  const envIds = validIds(options.env ?? [], parseEnvId, 'EnvId');
  const appIds = validIds(options.app ?? [], parseAppId, 'AppId');
  const request: SweepRequest = {
    kind: 'sweep',
    trigger: 'cli',
    triggerRef: 'webplus-abort sweep',
    invalid: [],
    ...(envIds.length > 0 ? { envIds } : {}),
    ...(appIds.length > 0 ? { appIds } : {}),
    ...(options.dryRun ? { dryRun: true } : {}),
  };
  return runLocal([request], options, {
    name: 'sweep',
    namedIds: envIds,
    ...(options.dryRun ? { enforceCommand: enforceCommandLine('sweep') } : {}),
  });
}
