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

export function buildHandler(env: NodeJS.ProcessEnv = process.env): FcHandler {
  const config = loadConfig(env);
  const policy = loadPolicy({ file: config.policyFile, inline: config.policyInline });
  return createHandler(createRuntime({ config, policy, version: VERSION }));
}
