/**
 * Web+ objects exactly as the sandbox puts them on the wire (PascalCase, epoch-ms times).
 * Source: docs/reference/webplus-api.md ("The change object", "Environment status") and the
 * Web+ API reference for DescribeChange / DescribeAppEnvs / DescribeAppEnvStatus /
 * DescribeApplications (API version 2019-03-20).
 */

/** A change as DescribeChange / DescribeChanges show it. Times are epoch ms. */
export interface WebplusChange {
  ChangeId: string;
  EnvId: string;
  ChangeName: string;
  ActionName: string;
  ChangeDescription: string;
  ChangeMessage: string;
  ChangeFinished: boolean;
  ChangeSucceed: boolean;
  ChangeAborted: boolean;
  ChangePaused: boolean;
  ChangeTimedout: boolean;
  CreateTime: number;
  UpdateTime: number;
  /** set once ChangeFinished */
  FinishTime?: number;
  CreateUsername: string;
}

/** DescribeAppEnvStatus `EnvStatus` object. */
export interface WebplusEnvStatus {
  EnvId: string;
  EnvName: string;
  EnvStatus: string;
  LastEnvStatus: string;
  /** the latest change is running, paused or aborting */
  ApplyingChange: boolean;
  /** an abort of one of the env's changes is in progress */
  AbortingChange: boolean;
  /** the env's change with the newest CreateTime; absent when the env never had a change */
  LatestChangeId?: string;
  ChangeBanner: string;
}

/** A DescribeAppEnvs item. */
export interface WebplusAppEnv {
  EnvId: string;
  AppId: string;
  EnvName: string;
  EnvDescription: string;
  EnvStatus: string;
  LastEnvStatus: string;
  ApplyingChange: boolean;
  AbortingChange: boolean;
  LatestChangeId?: string;
}

/** A DescribeApplications item. */
export interface WebplusApplication {
  AppId: string;
  AppName: string;
  Description: string;
}

/** AbortChange success `EnvChange` object; StartTime is epoch ms (a number, as the docs' example). */
export interface WebplusEnvChange {
  ChangeId: string;
  EnvId: string;
  StartTime: number;
}
