import type { ListedOrder } from '../platform/listing-facts.js';
import type { EpochMsOrUnknown } from '../platform/platform.js';

/**
 * Typed views of the EDAS 2017-08-01 reply fields this project reads. A field that is absent or
 * of the wrong type is `undefined` (or `'unknown'` for times): never a default.
 * Source: docs/reference/sae-edas.md §3.4.
 */

/** One item of ListApplication `ApplicationList.Application[]`. */
export interface EdasApplication {
  appId: string;
  name?: string;
  /** a logical region (namespace) such as `cn-beijing:test`, not a region */
  regionId?: string;
  /** 2 ECS, 3 EDAS K8s, 5 ACK */
  clusterType?: number;
  /** `RUNNING` / `STOPPED` / `DEPLOYING` / `DELETING` */
  state?: string;
}

/** One item of ListRecentChangeOrder `ChangeOrderList.ChangeOrder[]`. */
export interface EdasChangeOrderSummary {
  changeOrderId: string;
  appId?: string;
  /** §3.5 status code; undefined when unreadable */
  status?: number;
  coTypeCode?: string;
  /** `"yyyy-MM-dd HH:mm:ss"`, time zone UNVERIFIED: kept as text, never parsed */
  createTime?: string;
  /** What this item says of its order, for its read to agree with (red-team 25 G14) */
  listed: ListedOrder;
}

/** One batch of GetChangeOrderInfo `changeOrderInfo.PipelineInfoList.PipelineInfo[]`. */
export interface EdasPipeline {
  pipelineId?: string;
  pipelineName?: string;
  pipelineStatus?: number;
  /** epoch ms (a string on the wire) */
  startTime: EpochMsOrUnknown;
  /** epoch ms (a string on the wire) */
  updateTime: EpochMsOrUnknown;
}

/** GetChangeOrderInfo `changeOrderInfo` (lower-case c). */
export interface EdasChangeOrder {
  changeOrderId: string;
  /** §3.5 status code; undefined when unreadable */
  status?: number;
  coType?: string;
  coTypeCode?: string;
  description?: string;
  /** `"yyyy-MM-dd HH:mm:ss"`, time zone UNVERIFIED: kept as text, never parsed */
  createTime?: string;
  batchType?: string;
  batchCount?: number;
  supportRollback?: boolean;
  /** The batches; undefined when `PipelineInfoList` is absent or unreadable. */
  pipelines?: EdasPipeline[];
  requestId?: string;
  /**
   * `AppId`, when the reply carries one (the documented body has none, §3.4): compared with the
   * application the order was found under (shared/targeting/platform.ts, "ambiguous application").
   */
  appId?: string;
  /**
   * Fields of the read that are unreadable or contradict the rest of it (red-team 24 F8,
   * shared/platform/parse.ts `orderReplyFaults`), each naming the field; empty: none.
   */
  faults: string[];
  /** `CreateTime` read as if UTC (parse.ts `wallTimeAsUtcMs`); undefined when absent or unreadable */
  createdWallMs?: number;
  /** The fields ListRecentChangeOrder also gives, as they came (shared/platform/listing-facts.ts) */
  readFacts: Readonly<Record<string, unknown>>;
}

/** AbortChangeOrder / AbortAndRollbackChangeOrder `Data`. */
export interface EdasAbortResult {
  changeOrderId: string;
  requestId?: string;
}
