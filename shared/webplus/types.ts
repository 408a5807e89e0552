/**
 * Plain typed views of Web+ (API version 2019-03-20) objects, as the client returns them.
 * Source: Web+ API reference (DescribeChange, DescribeAppEnvs, DescribeApplications);
 * see docs/reference/webplus-api.md. Times are epoch milliseconds.
 */
import type { EnvStatusReading } from './env-status.js';

export interface Change {
  changeId: string;
  envId: string;
  changeName?: string;
  actionName: string;
  changeDescription?: string;
  finished: boolean;
  /** `ChangeSucceed`; undefined when not a JSON boolean (display only) */
  succeed: boolean | undefined;
  aborted: boolean;
  paused: boolean;
  /** `ChangeTimedout`; undefined when not a JSON boolean (not read by any decision) */
  timedOut: boolean | undefined;
  /** epoch ms; undefined when Web+ sent no readable `CreateTime` (see `unreadable`) */
  createTime?: number;
  /** epoch ms of the last progress Web+ recorded; undefined when unreadable (never CreateTime) */
  updateTime?: number;
  /** epoch ms, set once finished */
  finishTime?: number;
  /**
   * The facts Web+ sent that could not be read, by field, with why: `CreateTime`, `UpdateTime`
   * (epoch-ms.ts), `ChangeFinished`, `ChangeAborted`, `ChangePaused` (not a boolean), `EnvId`
   * (not an EnvId). `ChangeFinished` also carries the fields that contradict it or are malformed
   * (`FinishTime` set while unfinished, `ChangeSucceed` true while unfinished or not a boolean,
   * `ChangeTimedout` true while unfinished or not a boolean: normalize.ts `toChange`, red-team
   * 24 F1, 25 G2). A decision that needs one of them fails closed (shared/policy/facts.ts).
   */
  unreadable: Partial<Record<ChangeFact, string>>;
}

/** The change fields a decision relies on that may arrive unreadable. */
export type ChangeFact =
  | 'CreateTime'
  | 'UpdateTime'
  | 'ChangeFinished'
  | 'ChangeAborted'
  | 'ChangePaused'
  | 'EnvId';

export interface AppEnv {
  envId: string;
  appId: string;
  envName: string;
  /** `EnvStatus` when it is a non-blank string (display); the decision reads `envStatusRead` */
  envStatus?: string;
  /**
   * `EnvStatus` read against the documented values (env-status.ts `readEnvStatus`): only a
   * documented live status lets the environment's change be judged (red-team 25 G1).
   */
  envStatusRead: EnvStatusReading;
  /**
   * a change is being applied (running, paused or aborting); `undefined` when the reply's
   * `ApplyingChange` is absent or not a JSON boolean (unknown: recorded, never acted on)
   */
  applyingChange: boolean | undefined;
  /** an abort is in progress; `undefined` when the reply's `AbortingChange` is absent or not a JSON boolean */
  abortingChange: boolean | undefined;
  /**
   * Why `abortingChange` is unknown, naming the field and what was read
   * (`AbortingChange is not a JSON boolean (got "false")`); absent when it was read.
   */
  abortingUnread?: string;
  latestChangeId?: string;
}

export interface Application {
  appId: string;
  appName: string;
}

/** One page of a Web+ list call. */
export interface Page<T> {
  items: T[];
  /** `PageNumber` as echoed (or asked) */
  pageNumber: number;
  /** `PageSize` as echoed (or asked): never trusted for paging (read.ts advances by items) */
  pageSize: number;
  /** `TotalCount` as Web+ sent it; undefined when the reply had none (never guessed). */
  totalCount?: number;
  requestId?: string;
}

/** Result of AbortChange: Web+ accepted the request (the abort itself is asynchronous). */
export interface AbortChangeResult {
  changeId: string;
  envId?: string;
  requestId?: string;
  /** epoch ms; Web+ documents String but sends a number: both are accepted */
  startTime?: number;
}
