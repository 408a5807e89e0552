/**
 * How records are cut into PutLogs batches (Log Service "Limits": at most 4096 logs and 10 MB
 * raw per LogGroup; docs/reference/sls.md).
 */
import { estimateLogBytes, type SlsLog } from './sls-values.js';

/** Most logs in one PutLogs (Log Service "Limits"). */
export const SLS_MAX_LOGS_PER_PUT = 4096;
/** Raw-size budget of one PutLogs body, bytes: well under the service's 10 MB. */
export const SLS_MAX_BATCH_BYTES = 4 * 1024 * 1024;

/**
 * Splits logs into PutLogs batches: at most {@link SLS_MAX_LOGS_PER_PUT} logs and about
 * {@link SLS_MAX_BATCH_BYTES} bytes each (a single larger log goes alone). Order is kept.
 */
export function splitIntoBatches(
  logs: readonly SlsLog[],
  maxLogs: number = SLS_MAX_LOGS_PER_PUT,
  maxBytes: number = SLS_MAX_BATCH_BYTES,
): SlsLog[][] {
  const batches: SlsLog[][] = [];
  let current: SlsLog[] = [];
  let bytes = 0;
  for (const log of logs) {
    const size = estimateLogBytes(log);
    if (current.length > 0 && (current.length >= maxLogs || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(log);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
