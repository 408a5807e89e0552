/**
 * Public surface of the Web+ sandbox (a loopback emulator of the Web+ API for tests, the demo,
 * benchmarks and users): `startWebplusSandbox` (start one from a scenario), `parseScenario` /
 * `loadScenarioFile` (validate one, `ScenarioError` naming the field), the signature helpers the
 * tests use as an independent oracle, and a raw client for hand-made requests.
 * Guide: docs/sandbox.md; format: docs/reference/scenario.md.
 *
 * @example
 * ```ts
 * import { loadScenarioFile, startWebplusSandbox } from './sandbox/webplus/index.js';
 * const sandbox = await startWebplusSandbox(await loadScenarioFile('sandbox/scenarios/demo.json'));
 * console.log(sandbox.url); // http://127.0.0.1:PORT
 * await sandbox.close();
 * ```
 */
export { API_VERSION, authenticate, MAX_CLOCK_SKEW_MS } from './auth.js';
export { ScenarioError, WebplusApiError } from './errors.js';
export type { JournalEntry } from './journal.js';
export { writeJournalFile } from './journal.js';
export type {
  WebplusAppEnv,
  WebplusApplication,
  WebplusChange,
  WebplusEnvChange,
  WebplusEnvStatus,
} from './model.js';
export type { RawRequestSpec, RawResponse } from './raw-client.js';
export { buildSignedHeaders, sendRawRequest } from './raw-client.js';
export { matchRoute, ROUTES } from './routes.js';
export type {
  ActionName,
  Fault,
  FaultResponse,
  RandomFaults,
  SandboxSettings,
  Scenario,
  ScenarioInput,
} from './scenario.js';
export { ACTIONS, loadScenarioFile, parseScenario, parseSettings } from './scenario.js';
export type { WebplusSandbox, WebplusSandboxOptions } from './server.js';
export { MAX_BODY_BYTES, SANDBOX_HOST_ID, startWebplusSandbox } from './server.js';
export {
  authorizationHeader,
  canonicalizedHeaders,
  canonicalizedResource,
  contentMd5,
  parseAuthorization,
  sign,
  stringToSign,
} from './signature.js';
export { DOCUMENTED_REQUIRED, strictRefusal } from './strict.js';
