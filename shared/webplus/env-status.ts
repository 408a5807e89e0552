/**
 * Web+'s `EnvStatus` values (DescribeAppEnvStatus, DescribeAppEnvs items), as the reference
 * documents them: `RUNNING`, `INITIALIZING`, `TERMINATED`, `ABNORMAL` (the DescribeAppEnvStatus
 * table, "…" after them) and `TERMINATING` (the DescribeAppEnvs example's `LastEnvStatus`)
 * (docs/reference/webplus-api.md, "Environment status"; S4, S5). The list is not said to be
 * complete; any other value is unknown (red-team 25 G1).
 */

/** Every `EnvStatus` value the reference shows. */
export const DOCUMENTED_ENV_STATUSES = [
  'RUNNING',
  'INITIALIZING',
  'TERMINATING',
  'TERMINATED',
  'ABNORMAL',
] as const;

/**
 * The documented statuses in which an environment's change is judged live: `RUNNING`, and
 * `INITIALIZING` (the environment's creating change is being applied; the DescribeAppEnvStatus
 * example shows it as the status before `RUNNING`). `TERMINATING`, `TERMINATED` and `ABNORMAL`
 * are not: the environment is going or gone, or in a state whose changes the policy does not judge.
 */
export const LIVE_ENV_STATUSES: ReadonlySet<string> = new Set(['RUNNING', 'INITIALIZING']);

/** How an environment's `EnvStatus` reads. */
export type EnvStatusReading =
  /** a documented live status: its change may be judged */
  | { kind: 'live' }
  /** `TERMINATED`: nothing is in flight there (the caller's own rule) */
  | { kind: 'terminated' }
  /** documented, but not a state in which a change is judged live */
  | { kind: 'not-live'; why: string }
  /** absent, not a string, blank or not documented: unknown */
  | { kind: 'unknown'; why: string };

/**
 * Reads an environment's `EnvStatus` exactly: a string equal to one of
 * {@link DOCUMENTED_ENV_STATUSES} (no trimming, no case folding).
 * @param status the value as the reply carried it (`undefined`: absent)
 * @returns the reading; `why` starts with `EnvStatus` and says what was read
 */
export function readEnvStatus(status: unknown): EnvStatusReading {
  if (status === undefined)
    return { kind: 'unknown', why: 'EnvStatus is absent: unknown environment status' };
  if (typeof status !== 'string')
    return {
      kind: 'unknown',
      why: `EnvStatus ${shown(status)} is not a string: unknown environment status`,
    };
  if (status.trim() === '')
    return {
      kind: 'unknown',
      why: `EnvStatus ${shown(status)} is blank: unknown environment status`,
    };
  if (status === 'TERMINATED') return { kind: 'terminated' };
  if (LIVE_ENV_STATUSES.has(status)) return { kind: 'live' };
  if ((DOCUMENTED_ENV_STATUSES as readonly string[]).includes(status))
    return {
      kind: 'not-live',
      why: `EnvStatus ${shown(status)}: the environment is not in a state in which a change is judged live (only ${[...LIVE_ENV_STATUSES].join(' and ')} are)`,
    };
  return {
    kind: 'unknown',
    why: `EnvStatus ${shown(status)} is not one of the documented values (${DOCUMENTED_ENV_STATUSES.join(', ')}): unknown environment status`,
  };
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
