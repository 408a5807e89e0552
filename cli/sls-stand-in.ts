/**
 * What the CLI says about an SLS stand-in it keeps running (`sandbox --sls`, `serve --sls`): the
 * exact environment that points `setup-sls`, `log --sls`, `doctor --sls-write` and the function
 * at it, and the keys it accepts. The stand-in's keys are the sandbox's published demo keys
 * (sandbox/scenarios/demo.json), never an account's.
 */
import type { Credentials } from '#shared/core/credentials.js';
import { DEMO_SLS_LOGSTORE, DEMO_SLS_PROJECT } from '../sandbox/sls/server.js';

/** `LOG_STORE=sls SLS_ENDPOINT=… SLS_PROJECT=… SLS_LOGSTORE=…` for the stand-in at `url`. */
export function slsStandInVariables(url: string): string {
  return `LOG_STORE=sls SLS_ENDPOINT=${url} SLS_PROJECT=${DEMO_SLS_PROJECT} SLS_LOGSTORE=${DEMO_SLS_LOGSTORE}`;
}

/**
 * The lines printed when a stand-in stays up: where it is, the keys it accepts, and the commands
 * (with their environment) that write to it and read it back. `keys` are the sandbox keys it was
 * started with; `scenario` is the scenario the write example uses.
 */
export function slsStandInUsage(url: string, keys: Credentials, scenario: string): string[] {
  const auth = `ALIBABA_CLOUD_ACCESS_KEY_ID=${keys.accessKeyId} ALIBABA_CLOUD_ACCESS_KEY_SECRET=${keys.accessKeySecret}`;
  return [
    `SLS stand-in at ${url}: project ${DEMO_SLS_PROJECT}, logstore ${DEMO_SLS_LOGSTORE}; it accepts the sandbox keys ${keys.accessKeyId} / ${keys.accessKeySecret} (demo keys, not an account's)`,
    'use it from another shell (it runs until Ctrl-C):',
    `  export ${slsStandInVariables(url)}`,
    `  npx webplus-abort sweep --scenario ${scenario}       # records go to the stand-in`,
    `  ${auth} npx webplus-abort setup-sls`,
    `  ${auth} npx webplus-abort log --sls --summary`,
  ];
}
