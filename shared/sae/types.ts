import type { ListedOrder } from '../platform/listing-facts.js';
import type { EpochMsOrUnknown } from '../platform/platform.js';

/**
 * Typed views of the SAE 2019-05-06 reply fields this project reads. A field that is absent or
 * of the wrong type is `undefined` (or `'unknown'` for times): never a default.
 * Source: docs/reference/sae-edas.md §2.4.
 */

/** One item of ListApplications `Data.Applications[]`. */
export interface SaeApplication {
  appId: string;
  appName?: string;
  /** e.g. `cn-beijing:demo` */
  namespaceId?: string;
  regionId?: string;
}

/** DescribeApplicationStatus `Data`. */
export interface SaeApplicationStatus {
  appId?: string;
  /** `RUNNING` / `STOPPED` / `UNKNOWN` */
  currentStatus?: string;
  /** The most recent change order; absent if none ran or its information expired. */
  lastChangeOrderId?: string;
  lastChangeOrderRunning?: boolean;
  /** `READY`, `RUNNING`, `SUCCESS`, `FAIL`, `ABORT`, `WAIT_BATCH_CONFIRM`, `AUTO_BATCH_WAIT`, ... */
  lastChangeOrderStatus?: string;
  /** `NORMAL` / `RUNNING_BUT_HAS_ERROR` (casing UNVERIFIED: `runningButHasError` also read) */
  subStatus?: string;
  requestId?: string;
  /**
   * What this reply says of `lastChangeOrderId`, for its read to agree with (red-team 25 G14);
   * absent when it names no order.
   */
  listed?: ListedOrder;
}

/** One item of ListChangeOrders `Data.ChangeOrderList[]`. */
export interface SaeChangeOrderSummary {
  changeOrderId: string;
  appId?: string;
  /** §2.5 status code; undefined when unreadable */
  status?: number;
  coTypeCode?: string;
  /** `"yyyy-MM-dd HH:mm:ss"`, time zone UNVERIFIED: kept as text, never parsed */
  createTime?: string;
  finishTime?: string;
}

/** One batch of DescribeChangeOrder `Data.Pipelines[]`. */
export interface SaePipeline {
  pipelineId?: string;
  pipelineName?: string;
  status?: number;
  /** epoch ms (a number on the wire) */
  startTime: EpochMsOrUnknown;
  /** epoch ms (a number on the wire) */
  updateTime: EpochMsOrUnknown;
}

/** DescribeChangeOrder `Data`. */
export interface SaeChangeOrder {
  changeOrderId: string;
  appId?: string;
  appName?: string;
  /** §2.5 status code; undefined when unreadable */
  status?: number;
  /** `0` normal, `1` abnormal (a batch failed; the order stays in progress) */
  subStatus?: number;
  coTypeCode?: string;
  description?: string;
  /** `"yyyy-MM-dd HH:mm:ss"`, time zone UNVERIFIED: kept as text, never parsed */
  createTime?: string;
  batchCount?: number;
  batchType?: string;
  currentPipelineId?: string;
  /** The batches; undefined when `Pipelines` is absent or not a list (or one object). */
  pipelines?: SaePipeline[];
  supportRollback?: boolean;
  requestId?: string;
  /**
   * Fields of the read that are unreadable or contradict the rest of it (red-team 24 F8,
   * shared/platform/parse.ts `orderReplyFaults`), each naming the field; empty: none.
   */
  faults: string[];
  /** `CreateTime` read as if UTC (parse.ts `wallTimeAsUtcMs`); undefined when absent or unreadable */
  createdWallMs?: number;
  /** The read's `AppId`, `Status`, `SubStatus` as they came (shared/platform/listing-facts.ts) */
  readFacts: Readonly<Record<string, unknown>>;
}

/** One page of a list call. */
export interface SaePage<T> {
  items: T[];
  /** `TotalSize` (in `Data`, else top level), when readable */
  totalSize?: number;
  requestId?: string;
}

/** AbortChangeOrder / AbortAndRollbackChangeOrder `Data`. */
export interface SaeAbortResult {
  changeOrderId: string;
  requestId?: string;
}
