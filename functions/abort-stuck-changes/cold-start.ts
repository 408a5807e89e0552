/**
 * Cold start: read and validate configuration and policy once, build the instance runtime and
 * the handler. Loaded on first use by index.ts, so that loading the bundle itself costs only
 * parsing; an invalid value fails here with a message naming the variable or key.
 */
import { loadConfig } from '../../shared/config/config.js';
import { createRuntime } from '../../shared/pipeline/runtime.js';
import { loadPolicy } from '../../shared/policy/load.js';
import { VERSION } from '../../shared/version.js';
import { createHandler, type FcHandler } from './handler.js';

/**
 * Reads the configuration and the policy, builds the instance runtime and the FC handler.
 * @param env the environment to read (docs/reference/configuration.md). @default process.env
 * @returns the handler of {@link createHandler}, with records going to the store `LOG_STORE` names.
 * @throws ConfigError naming the first invalid variable; PolicyError naming the first invalid
 *   policy key (the policy comes from `POLICY_FILE` or `POLICY`, docs/policy.md).
 * @example
 * ```ts
 * const handler = buildHandler({ WEBPLUS_ENDPOINT: sandbox.url, ABORT_DRY_RUN: 'true' });
 * const summary = await handler(timerEventBuffer, context); // every result `would_abort` or `skipped`
 * ```
 */
export function buildHandler(env: NodeJS.ProcessEnv = process.env): FcHandler {
  const config = loadConfig(env);
  const policy = loadPolicy({ file: config.policyFile, inline: config.policyInline });
  return createHandler(createRuntime({ config, policy, version: VERSION }));
}
