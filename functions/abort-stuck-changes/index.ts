/**
 * FC 3.0 entry point (runtime nodejs20, handler `index.handler`, initializer `index.initialize`).
 * Configuration and policy are read and validated once per instance, in the initializer (or at
 * the first invocation if FC runs none). The pipeline is imported on first use: loading the
 * bundle does no work, so an instance starts as fast as bare Node.js.
 */
import type { FcContext } from '#shared/fc/context.js';
import type { FcHandler } from './handler.js';

let ready: Promise<FcHandler> | undefined;

function coldStart(): Promise<FcHandler> {
  ready ??= import('./cold-start.js').then((m) => m.buildHandler());
  // A failed cold start (invalid configuration) is reported, and tried again next time.
  ready.catch(() => {
    ready = undefined;
  });
  return ready;
}

/**
 * FC initializer (`index.initialize`, `instanceLifecycleConfig.initializer` in `s.yaml`): reads and
 * validates the configuration (environment variables, docs/reference/configuration.md) and the
 * policy (docs/policy.md) once per instance, and builds the instance runtime (pacer, outcome
 * store). Makes no Web+ call. A failed cold start is not cached: the next call tries again.
 *
 * @param _context FC's context (unused: the configuration comes from `process.env`).
 * @returns when the instance is ready.
 * @throws ConfigError naming the invalid variable (e.g. `invalid WEBPLUS_QPS: must be a whole
 *   number`), or PolicyError naming the invalid policy key; FC then reports the initializer as
 *   failed and does not run the handler on this instance.
 * Source of the initializer contract: docs/reference/fc-triggers.md, "Handler contract".
 *
 * @example
 * ```ts
 * import { initialize } from './functions/abort-stuck-changes/index.js';
 * process.env.POLICY = '{"defaults":{"mode":"dry-run"}}';
 * await initialize({ requestId: 'init-1', function: { name: 'abort-stuck-changes', timeout: 60 } });
 * // resolves, or throws ConfigError / PolicyError naming what is invalid
 * ```
 */
export const initialize = async (_context: FcContext): Promise<void> => {
  await coldStart();
};

/**
 * FC handler (`index.handler`): one invocation for every trigger. Classifies the raw event (timer,
 * HTTP request struct, CloudMonitor callback or rule push, EventBridge event or batch), finds the
 * candidate changes, decides by the policy, aborts through Web+ with paced, deadline-aware
 * retries, writes one outcome record per decision, and answers.
 *
 * @param event the raw payload as FC delivers it: always a `Buffer` (docs/reference/fc-triggers.md).
 * @param context FC's context: `requestId` (the records' `invocationId`), `credentials` (the
 *   function role's STS keys, used for this invocation only), `function.timeout` in **seconds**
 *   (the work deadline is start + timeout − `DEADLINE_MARGIN_MS`; 60 s when missing), `region`.
 * @returns for an HTTP event, the FC response struct `{statusCode, headers, body, isBase64Encoded:
 *   false}` (docs/reference/http-api.md); for every other trigger, the run summary
 *   `{invocationId, trigger, dryRun, capReached, results}` (docs/reference/record.md).
 *   A refused HTTP call (400/401/404/405/413) answers its error and writes no record; a failed
 *   log write falls back to stdout and never fails the invocation.
 * @throws ConfigError / PolicyError when the cold start fails (invalid configuration or policy:
 *   nothing is read from Web+). For non-HTTP triggers an unexpected bug is re-thrown so that FC
 *   reports the invocation failed; HTTP callers get a 500 JSON error without a stack instead.
 *
 * @example
 * ```ts
 * import { handler } from './functions/abort-stuck-changes/index.js';
 * const event = Buffer.from(JSON.stringify({ triggerTime: '2026-05-20T02:00:00Z', triggerName: 'sweep', payload: '' }));
 * const summary = await handler(event, {
 *   requestId: 'local-1',
 *   credentials: { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' },
 *   function: { name: 'abort-stuck-changes', handler: 'index.handler', memory: 256, timeout: 60 },
 *   region: 'cn-hangzhou',
 * });
 * // with WEBPLUS_ENDPOINT pointing at the sandbox: { trigger: 'timer', results: [{ outcome: 'aborted', ... }] }
 * ```
 */
export const handler = async (event: Buffer, context: FcContext) =>
  (await coldStart())(event, context);
