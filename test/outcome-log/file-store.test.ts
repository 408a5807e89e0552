/**
 * The file store (embedded default) through the handler: JSON lines appended per invocation, the
 * folder created when missing, and an unwritable path falling back to stdout lines marked
 * logWriteFailed while the invocation still resolves.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileStore } from '#shared/outcome-log/file-store.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { change, changeId, scenario, summaryOf, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function world() {
  return scenario(
    [2],
    [
      change({ n: 1, env: 0, idleMin: 90, ageMin: 95 }),
      change({ n: 2, env: 1, idleMin: 2, ageMin: 5 }),
    ],
  );
}

describe('file store through the handler', () => {
  it('creates missing folders and appends one JSON line per record, invocation after invocation', async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'webplus-abort-fs-'));
    const path = join(dir, 'nested', 'deeper', 'outcomes.jsonl');
    h = await startHarness(world(), { env: { OUTCOME_LOG_FILE: path } });

    // Act
    await h.handler(timerEvent(), fakeContext({ requestId: 'inv-1' }));
    await h.handler(timerEvent(), fakeContext({ requestId: 'inv-2' }));

    // Assert
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    const all = lines.filter(Boolean).map((l) => JSON.parse(l));
    // The first sweep's abort wrote its intent record first (red-team 25 G15)
    expect(all.filter((r) => r.kind === 'intent').map((r) => [r.invocationId, r.changeId])).toEqual(
      [['inv-1', changeId(1)]],
    );
    const records = all.filter((r) => r.kind !== 'intent');
    expect(records).toHaveLength(4);
    expect(records.map((r) => r.invocationId)).toEqual(['inv-1', 'inv-1', 'inv-2', 'inv-2']);
    const second = records.filter((r) => r.invocationId === 'inv-2');
    expect(second.find((r) => r.changeId === changeId(1))?.outcome).toMatch(
      /^(already_aborting|already_finished)$/,
    );
    expect(h.sandbox.abortCalls(changeId(1))).toBe(1);
    expect(h.stdoutLines).toHaveLength(0);
  });

  it('an unwritable path: handler resolves, no AbortChange (its intent was not stored), records go to stdout marked logWriteFailed', async () => {
    // Arrange: the parent "folder" is a regular file
    const dir = mkdtempSync(join(tmpdir(), 'webplus-abort-fs-'));
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, 'x');
    h = await startHarness(world(), { store: createFileStore(join(blocker, 'outcomes.jsonl')) });

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    expect(s.results).toHaveLength(2);
    expect(h.sandbox.abortCalls()).toBe(0);
    expect(s.results.find((r) => r.changeId === changeId(1))).toMatchObject({
      outcome: 'failed',
      attempts: 0,
    });
    const lines = h.stdoutLines.map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line.logWriteFailed).toMatchObject({ store: 'file' });
      expect(line.logWriteFailed.reason).toContain('not-a-dir');
    }
    expect(lines.filter((l) => l.kind === 'intent').map((l) => l.changeId)).toEqual([changeId(1)]);
    expect(
      lines
        .filter((l) => l.kind !== 'intent')
        .map((l) => l.changeId)
        .sort(),
    ).toEqual([changeId(1), changeId(2)]);
  });
});
