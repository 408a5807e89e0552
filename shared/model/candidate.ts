import type { PlatformChange, PlatformName } from '../platform/platform.js';
import type { Change } from '../webplus/types.js';
import type { Outcome } from './record.js';

/** Where a candidate came from: the stuck rules apply to `sweep` only. */
export type CandidateSource = 'sweep' | 'manual' | 'alarm';

/** An outcome decided before the policy ran (not found, nothing in flight, a failed read). */
export interface Settled {
  outcome: Outcome;
  detail: string;
  errorCode?: string;
  errorMessage?: string;
  webplusRequestId?: string;
  /** True when the read that settled it was never sent (the deadline came while it queued). */
  unsent?: boolean;
}

/**
 * A change (or an environment, or an alarm) the policy must judge. When `settled` is set the
 * outcome is already known and the policy only records it.
 */
export interface Candidate {
  source: CandidateSource;
  /** The Web+ region the candidate was read in (every call for it goes there). */
  regionId?: string;
  changeId?: string;
  envId?: string;
  appId?: string;
  /** Why the AppId could not be learned (an empty page, a listing naming another app, ...). */
  appIdUnknown?: string;
  /** The environment's name, when a read this invocation made anyway gave it (display only). */
  envName?: string;
  /** The application's name, likewise (DescribeApplications of a sweep over every app). */
  appName?: string;
  /** Manual: `manual`; alarm: `alarm:<ruleId|alertName>`; sweep: set by the stuck rules. */
  reason?: string;
  note?: string;
  /** The change as Web+ reported it. */
  change?: Change;
  /**
   * When the DescribeChange reply that gave `change` arrived, epoch ms on the function's clock:
   * a re-read after an ambiguous AbortChange must not say the change finished before it
   * (red-team 25 G10, shared/executor/abort.ts).
   */
  changeReadAtMs?: number;
  /**
   * The environment shows `AbortingChange: true` / `false`; undefined when its environment was
   * not read (see `envUnread`): then whether an abort is in progress is unknown.
   */
  envAborting?: boolean;
  /**
   * The LatestChangeId of the environment this change was found through, when that environment
   * read `ApplyingChange: true` in this invocation (it says that change is being applied);
   * undefined when it did not, or was not read.
   */
  envApplying?: string;
  /**
   * The mirror of `envApplying`: the LatestChangeId of that environment when it read
   * `ApplyingChange: false` (it says nothing is being applied); undefined otherwise. A change
   * that DescribeChange shows running beside it is a contradiction (red-team s24 F3).
   */
  envQuiet?: string;
  /**
   * Set when the listing's `ApplyingChange` of this change's environment was absent or not a
   * JSON boolean (red-team 26 H1): the fact it names is unknown, so a running change beside it
   * is `skipped` naming `ApplyingChange` (shared/policy/decide.ts), on every path that listed.
   */
  envApplyingUnread?: string;
  /** Why the change's environment could not be read (an empty page). */
  envUnread?: string;
  /** Web+ RequestId of the read that found this change. */
  webplusRequestId?: string;
  settled?: Settled;
  /** The platform of an SAE / EDAS candidate (absent: Web+). */
  platform?: PlatformName;
  /** The SAE / EDAS change order as the platform reported it (`change` is Web+ only). */
  platformChange?: PlatformChange;
}
