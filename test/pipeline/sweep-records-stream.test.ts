/**
 * Red-team 11 F7: a sweep's records stream. An environment whose change needs no abort (not
 * stuck, protected, unreadable) gets its record as soon as its read ends, not after the whole
 * read phase: a kill (or the deadline) during a long read phase loses at most the outcome log's
 * batch in flight (flushed every second). Here one DescribeChange hangs for 8 s while the
 * other 19 answer at once: the file store is read while the sweep still waits on that read, as
 * if FC killed the instance then, and it already holds every one of the 19.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { change, changeId, scenario, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const N = 20;
const HUNG = 7;

describe('a sweep killed mid-read', () => {
  it('already holds the record of every environment read', async () => {
    // Arrange: 20 in-flight changes: 18 running fine, one stuck (dry run: `would_abort`, which
    // waits for the reads, as aborts do: the global order), one whose read hangs
    const changes = Array.from({ length: N }, (_, i) =>
      change({ n: i, env: i, idleMin: i === 0 ? 90 : 2, ageMin: i === 0 ? 95 : 5 }),
    );
    const world = scenario([N], changes, {
      faults: [
        { action: 'DescribeChange', changeId: changeId(HUNG), responses: [{ delayMs: 8000 }] },
      ],
    });
    h = await startHarness(world, {
      env: { ATTEMPT_TIMEOUT_MS: '10000', RETRY_MAX_ATTEMPTS: '1', ABORT_DRY_RUN: 'true' },
    });
    const context = fakeContext({
      function: { name: 'f', handler: 'index.handler', memory: 256, timeout: 60 },
    });

    // Act: start the sweep; read the store while it still waits on the hung read
    let done = false;
    const run = h.handler(timerEvent(), context).finally(() => {
      done = true;
    });
    const quiet = Array.from({ length: N }, (_, i) => changeId(i)).filter(
      (id) => id !== changeId(HUNG) && id !== changeId(0),
    );
    const seen = (): string[] =>
      h!
        .records()
        .map((r) => r.changeId ?? '')
        .filter((id) => quiet.includes(id));
    for (let i = 0; i < 140 && !done && seen().length < quiet.length; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const snapshot = seen().sort();
    const stillReading = !done;
    await run;

    // Assert: the snapshot was taken mid-read and has every quiet environment once
    expect(stillReading).toBe(true);
    expect(snapshot).toEqual([...quiet].sort());
    // After the run: one record per change, the would-abort written after the reads
    const all = h.records().filter((r) => r.changeId);
    expect(all.map((r) => r.changeId).sort()).toEqual(
      Array.from({ length: N }, (_, i) => changeId(i)).sort(),
    );
    expect(all.find((r) => r.changeId === changeId(0))?.outcome).toBe('would_abort');
  }, 60_000);
});
