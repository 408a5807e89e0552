import { type Config, loadConfig } from '#shared/config/config.js';
import { createSlsAdmin, type SlsAdmin } from '#shared/sls/admin-client.js';
import { type CredentialOptions, describeResolved, resolveCredentials } from './credentials.js';
import { UsageError } from './errors.js';
import { stderrLine } from './setup.js';

/** The SLS project and logstore the commands read and set up, with a client for them. */
export interface SlsTarget {
  admin: SlsAdmin;
  project: string;
  logstore: string;
  region: string;
  endpoint: string;
}

/**
 * The SLS target of `setup-sls` and `log --sls`: `SLS_ENDPOINT` (default
 * `<region>.log.aliyuncs.com`), `SLS_PROJECT`, `SLS_LOGSTORE`, signed with the keys the CLI
 * resolves like the aliyun CLI (`--profile`, environment, ~/.aliyun/config.json, RAM role:
 * cli/credentials.ts); says on stderr which source and region it used, never the values.
 * @throws UsageError when the project, the logstore or the keys are missing (exit 2);
 *   ConfigError for an invalid variable; CredentialsError for a broken credential source.
 */
export async function slsTarget(
  options: CredentialOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<SlsTarget> {
  const config: Config = loadConfig(env);
  if (!config.slsProject || !config.slsLogstore) {
    throw new UsageError(
      `SLS needs SLS_PROJECT and SLS_LOGSTORE (and SLS_ENDPOINT for a loopback or another region); ${!config.slsProject ? 'SLS_PROJECT' : 'SLS_LOGSTORE'} is not set`,
    );
  }
  const resolved = await resolveCredentials(options, env);
  if (!resolved.credentials) {
    throw new UsageError(
      'no Alibaba Cloud credentials for SLS: pass --profile, or set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET',
    );
  }
  stderrLine(`webplus-abort: ${describeResolved(resolved)}`);
  const endpoint = env.SLS_ENDPOINT?.trim() || `${resolved.region}.log.aliyuncs.com`;
  return {
    admin: createSlsAdmin({
      endpoint,
      project: config.slsProject,
      credentials: resolved.credentials,
      region: resolved.region,
    }),
    project: config.slsProject,
    logstore: config.slsLogstore,
    region: resolved.region,
    endpoint,
  };
}
