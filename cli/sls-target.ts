import { type Config, loadConfig } from '../shared/config/config.js';
import type { Credentials } from '../shared/core/credentials.js';
import { createSlsAdmin, type SlsAdmin } from '../shared/sls/admin-client.js';
import { UsageError } from './errors.js';

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
 * `<region>.log.aliyuncs.com`), `SLS_PROJECT`, `SLS_LOGSTORE`, signed with the environment's
 * keys (`ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET`, optional `_SECURITY_TOKEN`).
 * @throws UsageError when the project, the logstore or the keys are missing (exit 2);
 *   ConfigError for an invalid variable.
 */
export function slsTarget(
  env: NodeJS.ProcessEnv = process.env,
  credentials?: Credentials,
): SlsTarget {
  const config: Config = loadConfig(env);
  if (!config.slsProject || !config.slsLogstore) {
    throw new UsageError(
      `SLS needs SLS_PROJECT and SLS_LOGSTORE (and SLS_ENDPOINT outside ${config.region}); ${!config.slsProject ? 'SLS_PROJECT' : 'SLS_LOGSTORE'} is not set`,
    );
  }
  const keys = credentials ?? config.envCredentials;
  if (!keys) {
    throw new UsageError(
      'no Alibaba Cloud credentials for SLS: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET',
    );
  }
  const endpoint = config.slsEndpoint ?? `${config.region}.log.aliyuncs.com`;
  return {
    admin: createSlsAdmin({
      endpoint,
      project: config.slsProject,
      credentials: keys,
      region: config.region,
    }),
    project: config.slsProject,
    logstore: config.slsLogstore,
    region: config.region,
    endpoint,
  };
}
