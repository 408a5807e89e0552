/**
 * C05 (end to end): untrusted ids never reach the signer. The bad ids are rejected before any
 * Web+ call and named as invalid; the sandbox sees no request naming a rejected id. Since issue
 * 10 (fail closed) one bad id refuses the whole call, so the valid ids are not aborted either:
 * no Web+ call at all. Without the bad ids, the first is aborted and the second trimmed and
 * aborted, every signature valid.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { change, changeId, httpEvent, scenario, summaryOf } from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('C05: untrusted ids never reach the signer', () => {
  it('bad ones invalid, nothing reaches Web+; the good ids alone are aborted', async () => {
    // Arrange
    h = await startHarness(
      scenario(
        [2],
        [
          change({ n: 1, env: 0, idleMin: 3, ageMin: 5 }),
          change({ n: 2, env: 1, idleMin: 3, ageMin: 5 }),
        ],
      ),
    );
    const body = JSON.stringify({
      changeIds: [
        'wc-5d3a963d5802611c4ddc0001',
        ' wc-5d3a963d5802611c4ddc0002\n',
        'wc-x&ChangeId=wc-other',
        'we-5d39b8ba6786bd4b14950001',
        '',
      ],
    });

    // Act
    const result = await h.handler(httpEvent({ path: '/abort', body }), fakeContext());

    // Assert
    expect(result).toMatchObject({ statusCode: 200 });
    const s = summaryOf(result);
    expect(s.results.map((r) => r.outcome)).toEqual(['invalid', 'invalid', 'invalid']);
    const details = s.results.map((r) => r.detail).join('\n');
    expect(details).toContain('wc-x&ChangeId=wc-other');
    expect(details).toContain('we-5d39b8ba6786bd4b14950001');
    expect(h.sandbox.journal()).toHaveLength(0);
    expect(h.records()).toHaveLength(3);

    // The good ids alone (one padded) are trimmed and aborted, every signature valid.
    const good = JSON.stringify({
      changeIds: ['wc-5d3a963d5802611c4ddc0001', ' wc-5d3a963d5802611c4ddc0002\n'],
    });
    const again = summaryOf(
      await h.handler(httpEvent({ path: '/abort', body: good }), fakeContext()),
    );
    expect(again.results.map((r) => r.outcome)).toEqual(['aborted', 'aborted']);
    const journal = h.sandbox.journal();
    expect(journal.every((j) => j.signatureValid)).toBe(true);
    expect(
      journal
        .filter((j) => j.action === 'AbortChange')
        .map((j) => j.changeId)
        .sort(),
    ).toEqual([changeId(1), changeId(2)]);
    const wire = JSON.stringify(journal);
    expect(wire).not.toContain('wc-other');
    expect(wire).not.toContain('wc-x');
    expect(h.records()).toHaveLength(5);
  });
});
