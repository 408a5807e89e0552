/**
 * `log --follow` keeps no abort listener per poll (issue 15, trial difficulty 7: after ~5 s idle
 * Node warned `MaxListenersExceededWarning: 11 abort listeners added to [AbortSignal]`). The cause
 * was a listener added on every wait and never removed; now each wait's listener goes with it.
 * Counted with Node's own `getEventListeners`, over many polls of the real follow loop.
 */
import { getEventListeners } from 'node:events';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { followFile } from '../../cli/log/file-source.js';
import { sleepUnlessAborted } from '../../cli/log/sleep.js';

describe('no abort listener piles up while following', () => {
  it('sleepUnlessAborted leaves no listener behind, and returns at once when aborted', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 50; i++) await sleepUnlessAborted(0, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    const pending = sleepUnlessAborted(60_000, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    await pending;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('followFile polls 40 times with at most one listener on the signal', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'follow-')), 'outcomes.jsonl');
    writeFileSync(file, '');
    const controller = new AbortController();
    let polls = 0;
    let most = 0;
    const seen: string[] = [];
    const watcher = setInterval(() => {
      polls++;
      most = Math.max(most, getEventListeners(controller.signal, 'abort').length);
      if (polls === 20) {
        appendFileSync(
          file,
          `${JSON.stringify({ time: new Date().toISOString(), trigger: 'cli', invocationId: 'i', outcome: 'aborted', detail: 'd', attempts: 1 })}\n`,
        );
      }
      if (polls >= 40 && seen.length > 0) controller.abort();
    }, 2);
    await followFile(
      file,
      0,
      (records) => seen.push(...records.map((r) => r.outcome)),
      controller.signal,
      1,
    );
    clearInterval(watcher);
    expect(seen).toEqual(['aborted']);
    expect(most).toBeLessThanOrEqual(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
