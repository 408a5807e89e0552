import type { OutcomeRecord } from '../model/record.js';
import type { LineSink } from './line-sink.js';
import { stdoutSink } from './line-sink.js';
import type { OutcomeStore } from './store.js';

/** Prefix of every outcome line on stdout, so they can be found in FC's function log. */
export const STDOUT_MARKER = 'webplus-abort.outcome';

/** One JSON line per record on stdout: `{"log":"webplus-abort.outcome", ...record}`. */
export function createStdoutStore(sink: LineSink = stdoutSink): OutcomeStore {
  return {
    name: 'stdout',
    target: 'stdout',
    async write(records: readonly OutcomeRecord[]): Promise<void> {
      for (const record of records) sink(JSON.stringify({ log: STDOUT_MARKER, ...record }));
    },
  };
}
