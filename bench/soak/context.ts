/**
 * What every soak section shares: the scale, the secrets the run uses (scanned for at the end),
 * the outputs it saw, and the one-line reporters. A section is `{ name, title, run(ctx) }`
 * (bench/soak.ts runs them); it reports each figure with `figure()` (name, measured value,
 * target, ok/FAIL) or a pass/fail property with `check()`, and context lines with `info()`.
 */
import { randomBytes } from 'node:crypto';

export type Scale = 'ci' | 'full';

/** One line per figure: `ok  ` or `FAIL`, the name, the measured value and the target. */
export interface Reporter {
  /** A measured figure against its target. */
  figure(name: string, measured: string, target: string, ok: boolean): void;
  /** A property that holds or not (`detail`: what was measured). */
  check(name: string, ok: boolean, detail?: string): void;
  /** A context line (indented, not a figure). */
  info(line: string): void;
}

export interface SoakContext extends Reporter {
  scale: Scale;
  ci: boolean;
  /** Pick the value for this scale. */
  pick<T>(ci: T, full: T): T;
  /** Texts the run produced (answers, records, journals): scanned for secrets at the end. */
  outputs: string[];
}

export interface SoakSection {
  /** `--only` name: kebab-case. */
  name: string;
  /** The heading line. */
  title: string;
  run(ctx: SoakContext): Promise<void>;
}

/** The credentials every sandbox of the soak accepts (fresh random secrets per run). */
export const CREDENTIALS = {
  accessKeyId: 'soak-ak',
  accessKeySecret: `soak-secret-${randomBytes(12).toString('hex')}`,
  securityToken: `soak-sts-${randomBytes(24).toString('hex')}`,
};
export const HTTP_TOKEN = `soak-http-${randomBytes(16).toString('hex')}`;
export const WRONG_TOKEN = `soak-wrong-${randomBytes(16).toString('hex')}`;
/** Every secret of the run, by name: none may appear in any output. */
export const SECRETS: [string, string][] = [
  ['access key secret', CREDENTIALS.accessKeySecret],
  ['STS token', CREDENTIALS.securityToken],
  ['HTTP token', HTTP_TOKEN],
  ['wrong HTTP token', WRONG_TOKEN],
];

export const SEED = 20260529;
export const MAX_ATTEMPTS = 4;

/**
 * Settings of the fault sections (fast retries, an engine not held back by production pacing).
 * The figure sections use production-like settings of their own, named in their lines.
 */
export const BASE_ENV = {
  WEBPLUS_QPS: '10000',
  WEBPLUS_CONCURRENCY: '32',
  RETRY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
  RETRY_BASE_MS: '1',
  RETRY_MAX_DELAY_MS: '5',
  ATTEMPT_TIMEOUT_MS: '5000',
  HTTP_AUTH_TOKENS: HTTP_TOKEN,
};

/** Counts of the lines printed so far. */
export interface Tally {
  passed: number;
  failed: number;
  failures: string[];
}

/** A reporter printing to stdout and counting into `tally`. */
export function consoleReporter(tally: Tally): Reporter {
  const line = (ok: boolean, text: string) => {
    if (ok) tally.passed++;
    else {
      tally.failed++;
      tally.failures.push(text);
    }
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${text}`);
  };
  return {
    figure: (name, measured, target, ok) => line(ok, `${name}: ${measured} (target ${target})`),
    check: (name, ok, detail = '') => line(ok, `${name}${detail ? `: ${detail}` : ''}`),
    info: (text) => console.log(`     ${text}`),
  };
}

/** `ms` as seconds with one decimal. */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
