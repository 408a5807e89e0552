/**
 * Cold start: read and validate configuration and policy once, build the instance runtime and
 * the handler. Loaded on first use by index.ts, so that loading the bundle itself costs only
 * parsing; an invalid value fails here with a message naming the variable or key.
 */
import { type Config, loadConfig } from '#shared/config/config.js';
import { createRuntime } from '#shared/pipeline/runtime.js';
import { loadPolicy } from '#shared/policy/load.js';
import { VERSION } from '#shared/version.js';
import { createHandler, type FcHandler } from './handler.js';

/**
 * What the deployed function should warn about at cold start: no HTTP token means every HTTP
 * route but `GET /health` answers 401, so CloudMonitor callbacks and manual aborts are refused
 * without anyone noticing (the pre-deploy check, scripts/check-deploy.ts, refuses such a deploy;
 * this catches a token removed in the console later).
 */
export function coldStartWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.httpAuthTokens.length === 0) {
    warnings.push(
      'HTTP_AUTH_TOKENS is not set: every HTTP route but /health answers 401, so CloudMonitor callbacks and manual aborts are refused; set it (docs/operator-guide.md, "Deploy")',
    );
  }
  return warnings;
}

/**
 * Reads the configuration and the policy, builds the instance runtime and the FC handler.
 * @param env the environment to read (docs/reference/configuration.md). @default process.env
 * @returns the handler of {@link createHandler}, with records going to the store `LOG_STORE` names.
 * Each cold-start warning is printed to stderr (the function log) at once, as one JSON line, and
 * written as a record (`skipped`, reason `cold-start`) by the instance's first invocation.
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
  const startupWarnings = coldStartWarnings(config);
  for (const warning of startupWarnings) {
    process.stderr.write(`${JSON.stringify({ log: 'webplus-abort.warning', warning })}\n`);
  }
  return createHandler(createRuntime({ config, policy, version: VERSION, startupWarnings }));
}
