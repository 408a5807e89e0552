/**
 * A child process for the bounded-SLS-reply tests and soak: writes `count` records through the
 * real OutcomeLog over the real SLS store (@alicloud/log) to `url` (the stand-in, told by the
 * parent how to answer), with a fallback sink that keeps the lines, then prints one JSON line:
 * `{ "peakRssBytes", "fallback", "reason", "fallbackIds", "written" }`.
 * Usage: node --import tsx test/helpers/sls-reply-child.ts <url> <count>
 */

import type { OutcomeRecord } from '#shared/model/record.js';
import { OutcomeLog } from '#shared/outcome-log/outcome-log.js';
import { createSlsStore } from '#shared/outcome-log/sls-store.js';

const [url, countText] = process.argv.slice(2);
const count = Number(countText);
const lines: string[] = [];
const log = new OutcomeLog(
  createSlsStore({ endpoint: url!, project: 'ops-audit', logstore: 'webplus-abort' }),
  (line) => lines.push(line),
);
const records: OutcomeRecord[] = Array.from({ length: count }, (_, i) => ({
  recordId: `big-reply-${i}`,
  time: new Date().toISOString(),
  trigger: 'timer',
  invocationId: 'c0ffee00-1111-2222-3333-444455556666',
  outcome: 'skipped',
  detail: `record ${i}`,
  attempts: 0,
}));
const report = await log.write(records, {
  invocationId: 'c0ffee00-1111-2222-3333-444455556666',
  trigger: 'timer',
  functionName: 'abort-stuck-changes',
  region: 'cn-hangzhou',
  credentials: { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' },
  deadlineMs: Date.now() + 20_000,
});
process.stdout.write(
  `${JSON.stringify({
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    fallback: report.fallback !== undefined,
    reason: report.fallback?.reason ?? '',
    written: report.written,
    fallbackIds: lines.map((line) => (JSON.parse(line) as { recordId: string }).recordId),
  })}\n`,
);
