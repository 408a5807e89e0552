/**
 * `webplus-abort log` reads the file store by bytes (red-team 11 F3, F7). Before: `log` read the
 * whole file into one string (past about 512 MB, V8's string limit, it failed: here a sparse
 * 600 MB file), and `--follow` decoded each read on its own (a CJK character split across two
 * reads became U+FFFD), took a file replaced by one of the same size for "nothing new", and a
 * file truncated and rewritten past its old size for appended data. Now lines are split on the
 * byte 0x0a and decoded whole, a file is identified by `dev`/`ino`, and the last bytes read are
 * checked again before reading on.
 */
import {
  appendFileSync,
  closeSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  renameSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import { followFile, parseRecordText, readFileRecords } from '../../cli/log/file-source.js';
import { LineSplitter } from '../../cli/log/line-reader.js';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'log-reader-')), 'outcomes.jsonl');

function rec(detail: string, extra: Partial<OutcomeRecord> = {}): OutcomeRecord {
  return {
    time: '2026-05-01T10:00:00.000Z',
    trigger: 'cli',
    invocationId: 'inv-1',
    outcome: 'aborted',
    detail,
    attempts: 1,
    latencyMs: 3,
    ...extra,
  };
}
const line = (r: OutcomeRecord) => `${JSON.stringify(r)}\n`;

describe('the file reader reads by chunks, in bounded memory (F7)', () => {
  it('property: any chunk size reads what the whole-text reader reads (records, CJK and emoji intact, torn lines and their numbers)', async () => {
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 30 }).map((d) => ({ kind: 'record' as const, d })),
      fc
        .constantFrom('变更卡住了', '部署环境 🚀', 'ü ß é')
        .map((d) => ({ kind: 'record' as const, d })),
      fc.constant({ kind: 'torn' as const, d: '{"time":"2026-05-01T10:00:00.000Z","outc' }),
      fc.constant({ kind: 'blank' as const, d: '' }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 12 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        async (pieces, chunkBytes, glue) => {
          const text = pieces
            .map((p, i) =>
              p.kind === 'record'
                ? line(rec(p.d, { invocationId: `inv-${i}` }))
                : p.kind === 'torn'
                  ? glue
                    ? p.d // the next record glued on (a writer without newline repair)
                    : `${p.d}\n`
                  : '\n',
            )
            .join('');
          const file = tempFile();
          writeFileSync(file, text);
          const read = await readFileRecords(file, { chunkBytes });
          const whole = parseRecordText(text);
          expect(read.records).toEqual(whole.records);
          expect(read.unreadable).toBe(whole.unreadable);
          expect(read.tornLines).toEqual(whole.tornLines);
          expect(read.size).toBe(Buffer.byteLength(text));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a 600 MB file (sparse: one 600 MB line of NUL bytes) is read: the line skipped as unreadable, the records around it kept', async () => {
    const file = tempFile();
    const fd = openSync(file, 'w');
    writeSync(fd, line(rec('before')));
    ftruncateSync(fd, 600 * 1024 * 1024); // a hole: no disk space, no time
    closeSync(fd);
    appendFileSync(file, `\n${line(rec('after'))}`);

    const read = await readFileRecords(file);

    expect(read.records.map((r) => r.detail)).toEqual(['before', 'after']);
    expect(read.unreadable).toBe(1);
    expect(read.tornLines).toEqual([2]);
  });

  it('accept keeps only what it returns true for; every whole record is counted in read', async () => {
    const file = tempFile();
    writeFileSync(file, [1, 2, 3, 4].map((n) => line(rec(`r${n}`))).join(''));
    const read = await readFileRecords(file, { accept: (r) => r.detail !== 'r2', chunkBytes: 5 });
    expect(read.records.map((r) => r.detail)).toEqual(['r1', 'r3', 'r4']);
    expect(read.read).toBe(4);
  });
});

describe('LineSplitter decodes by bytes (F3)', () => {
  it('a CJK character split across two chunks is decoded whole', () => {
    const bytes = Buffer.from(line(rec('变更卡住了')));
    const cut = bytes.indexOf(Buffer.from('卡')) + 1; // inside the 3-byte character
    const splitter = new LineSplitter();
    expect(splitter.push(bytes.subarray(0, cut))).toEqual([]);
    const lines = splitter.push(bytes.subarray(cut));
    expect(lines.map((l) => JSON.parse(l.text!).detail)).toEqual(['变更卡住了']);
    expect(splitter.hasPending()).toBe(false);
  });

  it('a line over the limit yields no text and the next line is read', () => {
    const splitter = new LineSplitter(10);
    const lines = [
      ...splitter.push(Buffer.from('0123456789abc')),
      ...splitter.push(Buffer.from('def\nok\n')),
    ];
    expect(lines).toEqual([
      { n: 1, text: undefined },
      { n: 2, text: 'ok' },
    ]);
  });
});

/** Follows `file` from where a read ended; `step`s run one after another, each when the records so far number `after`. */
async function follow(
  file: string,
  steps: { after: number; run: () => void }[],
  want: number,
): Promise<OutcomeRecord[]> {
  const start = await readFileRecords(file, { keepTail: true });
  const seen: OutcomeRecord[] = [];
  const controller = new AbortController();
  let polls = 0;
  let next = 0;
  let ranAt = 0;
  // Each step waits for a few polls after the one before, so that each is seen on its own.
  const ticker = setInterval(() => {
    polls++;
    const step = steps[next];
    if (step && seen.length >= step.after && polls - ranAt >= 5) {
      step.run();
      ranAt = polls;
      next++;
    }
    if ((next >= steps.length && seen.length >= want && polls - ranAt >= 5) || polls > 2000)
      controller.abort();
  }, 3);
  await followFile(file, start.follow, (rs) => seen.push(...rs), controller.signal, {
    intervalMs: 1,
    chunkBytes: 16,
  });
  clearInterval(ticker);
  return seen;
}

describe('log --follow: rotation, replacement, truncation, split characters (F3)', () => {
  it('a file replaced by a rename, of the same size: the new file is read from its start', async () => {
    const file = tempFile();
    writeFileSync(file, line(rec('old-1')));
    const seen = await follow(
      file,
      [
        {
          after: 0,
          run: () => {
            writeFileSync(`${file}.new`, line(rec('new-1'))); // same length as old-1's line
            renameSync(`${file}.new`, file);
          },
        },
      ],
      1,
    );
    expect(seen.map((r) => r.detail)).toEqual(['new-1']);
  });

  it('rotated away: what the old file still got, then the new file', async () => {
    const file = tempFile();
    writeFileSync(file, line(rec('old-1')));
    const seen = await follow(
      file,
      [
        {
          after: 0,
          run: () => {
            renameSync(file, `${file}.1`);
            appendFileSync(`${file}.1`, line(rec('old-late')));
            writeFileSync(file, line(rec('new-1')));
          },
        },
      ],
      2,
    );
    expect(seen.map((r) => r.detail)).toEqual(['old-late', 'new-1']);
  });

  it('truncated, then truncated and written past the old size between two polls: read from the start each time', async () => {
    const file = tempFile();
    writeFileSync(file, line(rec('a-1')) + line(rec('a-2')));
    const seen = await follow(
      file,
      [
        {
          after: 0,
          run: () => {
            truncateSync(file, 0);
            appendFileSync(file, line(rec('b-1')));
          },
        },
        {
          after: 1,
          run: () => {
            truncateSync(file, 0);
            appendFileSync(file, [1, 2, 3].map((n) => line(rec(`c-${n}`))).join(''));
          },
        },
      ],
      4,
    );
    expect(seen.map((r) => r.detail)).toEqual(['b-1', 'c-1', 'c-2', 'c-3']);
  });

  it('a record with CJK text written in two halves, cut inside a character: printed once, intact', async () => {
    const file = tempFile();
    writeFileSync(file, '');
    const bytes = Buffer.from(line(rec('环境部署卡住，已中止')));
    const cut = bytes.indexOf(Buffer.from('卡')) + 2;
    const seen = await follow(
      file,
      [
        { after: 0, run: () => appendFileSync(file, bytes.subarray(0, cut)) },
        { after: 0, run: () => appendFileSync(file, bytes.subarray(cut)) },
      ],
      1,
    );
    expect(seen.map((r) => r.detail)).toEqual(['环境部署卡住，已中止']);
  });

  it('a line being written when the read ended is completed by the follow, not reported torn', async () => {
    const file = tempFile();
    const bytes = Buffer.from(line(rec('半行')));
    writeFileSync(file, Buffer.concat([Buffer.from(line(rec('whole'))), bytes.subarray(0, 20)]));
    const start = await readFileRecords(file, { keepTail: true });
    expect(start.records.map((r) => r.detail)).toEqual(['whole']);
    expect(start.unreadable).toBe(0);
    const seen = await follow(
      file,
      [{ after: 0, run: () => appendFileSync(file, bytes.subarray(20)) }],
      1,
    );
    expect(seen.map((r) => r.detail)).toEqual(['半行']);
  });
});
