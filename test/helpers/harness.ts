import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig } from '#shared/config/config.js';
import type { OutcomeRecord } from '#shared/model/record.js';
import type { OutcomeStore } from '#shared/outcome-log/store.js';
import { createRuntime, type Runtime } from '#shared/pipeline/runtime.js';
import { parsePolicy } from '#shared/policy/load.js';
import { createHandler, type FcHandler } from '../../functions/abort-stuck-changes/handler.js';
import { startWebplusSandbox, type WebplusSandbox } from '../../sandbox/webplus/index.js';

export interface Harness {
  sandbox: WebplusSandbox;
  runtime: Runtime;
  handler: FcHandler;
  config: Config;
  outcomeFile: string;
  /**
   * Records in the file store so far, without the intent records (`kind: "intent"`, written
   * before each abort request: red-team 25 G15): one per decision, plus notification records.
   */
  records(): OutcomeRecord[];
  /** The intent records in the file store so far, in order. */
  intents(): OutcomeRecord[];
  /** Every record in the file store so far, intents included, in the order written. */
  allRecords(): OutcomeRecord[];
  /** Lines written to the stdout sink (stdout store and fallback). */
  stdoutLines: string[];
  warnings: string[];
  close(): Promise<void>;
}

/**
 * Tests write their policies briefly: one that states no `defaults.mode` runs in enforce here
 * (a policy file or POLICY without a mode is a cold-start error: test/policy/policy-mode.test.ts).
 */
export function withMode(policy: unknown): unknown {
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) return policy;
  const p = policy as { defaults?: unknown };
  if (p.defaults !== undefined && (typeof p.defaults !== 'object' || p.defaults === null))
    return policy;
  const defaults = (p.defaults ?? {}) as Record<string, unknown>;
  return 'mode' in defaults ? policy : { ...p, defaults: { mode: 'enforce', ...defaults } };
}

export interface HarnessOptions {
  env?: Record<string, string>;
  policy?: unknown;
  store?: OutcomeStore;
  random?: () => number;
}

/**
 * A sandbox on loopback plus a runtime and handler pointed at it, writing to a temp file store.
 * Fast defaults for tests: high QPS, short retry delays (override with `env`). The sandbox runs
 * in strict mode unless the scenario says `"strict": false`: every request must carry what the
 * Web+ docs mark required and the region (sandbox/webplus/strict.ts).
 */
export async function startHarness(
  scenario: unknown,
  options: HarnessOptions = {},
): Promise<Harness> {
  const sandbox = await startWebplusSandbox(strictByDefault(scenario));
  const dir = mkdtempSync(join(tmpdir(), 'webplus-abort-'));
  const outcomeFile = join(dir, 'outcomes.jsonl');
  const config = loadConfig({
    WEBPLUS_ENDPOINT: sandbox.url,
    LOG_STORE: 'file',
    OUTCOME_LOG_FILE: outcomeFile,
    WEBPLUS_QPS: '1000',
    WEBPLUS_CONCURRENCY: '8',
    RETRY_BASE_MS: '20',
    HTTP_AUTH_TOKENS: 'local-dev-token-0001',
    ...options.env,
  });
  const stdoutLines: string[] = [];
  const warnings: string[] = [];
  const runtime = createRuntime({
    config,
    policy: parsePolicy(withMode(options.policy ?? {})),
    version: 'test',
    store: options.store,
    sink: (line) => stdoutLines.push(line),
    warn: (line) => warnings.push(line),
    random: options.random,
    // Notify targets read their URL and secret variables from the same test environment.
    env: { ...options.env },
  });
  return {
    sandbox,
    runtime,
    handler: createHandler(runtime),
    config,
    outcomeFile,
    stdoutLines,
    warnings,
    records: () => fileRecords(outcomeFile).filter((r) => r.kind !== 'intent'),
    intents: () => fileRecords(outcomeFile).filter((r) => r.kind === 'intent'),
    allRecords: () => fileRecords(outcomeFile),
    close: () => sandbox.close(),
  };
}

/** Every record of a file store, in the order written. */
function fileRecords(outcomeFile: string): OutcomeRecord[] {
  return existsSync(outcomeFile)
    ? readFileSync(outcomeFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as OutcomeRecord)
    : [];
}

/** The scenario with `strict: true` unless it sets `strict` itself. */
export function strictByDefault(scenario: unknown): unknown {
  if (typeof scenario !== 'object' || scenario === null || Array.isArray(scenario)) return scenario;
  return 'strict' in scenario ? scenario : { strict: true, ...scenario };
}
