/**
 * A child process for the records-in-batches kill test (rt11 F1): a sandbox with 20 stuck
 * changes and a harness writing to a temp file store; prints `outcomes <path>` on stdout, then
 * runs one EventBridge batch of `items` alarms (naming the 20 changes by ChangeId over and over:
 * 20 aborts, the rest repeats decided without a Web+ call, as in rt11 F1) through the real handler. Its decision log is on stderr: `decided N`
 * (synchronously, fd 2) each time a record is handed to the invocation's RecordStream, before
 * any store sees it (intent records, written before each abort request, are not counted); the
 * store itself is not touched. Prints `done` when the handler returned.
 * Usage: node --import tsx test/helpers/eventbridge-burst-child.ts <items>
 */
import { writeSync } from 'node:fs';
import type { OutcomeRecord } from '#shared/model/record.js';
import { RecordStream } from '#shared/outcome-log/record-stream.js';
import { fakeContext } from './fc-context.js';
import { startHarness } from './harness.js';
import { change, changeId, eventBridgeEvent, scenario } from './world.js';

const items = Number(process.argv[2] ?? 3000);
const ENVS = 20;
let decided = 0;
const emit = RecordStream.prototype.emit;
RecordStream.prototype.emit = function (
  this: RecordStream,
  record: OutcomeRecord,
  options?: { now?: boolean; track?: boolean },
) {
  const out = emit.call(this, record, options);
  // An abort's intent record (red-team 25 G15) is not a decision.
  if (record.kind === 'intent') return out;
  decided++;
  writeSync(2, `decided ${decided}\n`);
  return out;
};

const h = await startHarness(
  scenario(
    [ENVS],
    Array.from({ length: ENVS }, (_, n) => change({ n, env: n, idleMin: 45 })),
  ),
);
process.stdout.write(`outcomes ${h.outcomeFile}\n`);
const batch = Array.from({ length: items }, (_, k) =>
  JSON.parse(
    eventBridgeEvent(
      `ev-${k}`,
      `{userId=1234567890123456, changeId=${changeId(k % ENVS)}}`,
    ).toString(),
  ),
);
await h.handler(
  Buffer.from(JSON.stringify(batch)),
  fakeContext({ function: { name: 'f', handler: 'index.handler', memory: 512, timeout: 60 } }),
);
process.stdout.write('done\n');
await h.close();
