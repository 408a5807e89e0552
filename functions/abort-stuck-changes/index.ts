/**
 * FC 3.0 entry point (runtime nodejs20, handler `index.handler`, initializer `index.initialize`).
 * Configuration and policy are read and validated once, at cold start; an invalid value fails
 * the instance with a message naming the variable or key.
 */
import { loadConfig } from '../../shared/config/config.js';
import type { FcContext } from '../../shared/fc/context.js';
import { createRuntime, type Runtime } from '../../shared/pipeline/runtime.js';
import { loadPolicy } from '../../shared/policy/load.js';
import { VERSION } from '../../shared/version.js';
import { createHandler, type FcHandler } from './handler.js';

let runtime: Runtime | undefined;
let fcHandler: FcHandler | undefined;

function coldStart(): FcHandler {
  if (!fcHandler) {
    const config = loadConfig(process.env);
    const policy = loadPolicy({ file: config.policyFile, inline: config.policyInline });
    runtime = createRuntime({ config, policy, version: VERSION });
    fcHandler = createHandler(runtime);
  }
  return fcHandler;
}

/** FC initializer: validates configuration and policy once per instance. */
export const initialize = async (_context: FcContext): Promise<void> => {
  coldStart();
};

/** FC handler: `event` is the raw payload Buffer for every trigger. */
export const handler = async (event: Buffer, context: FcContext) => coldStart()(event, context);
