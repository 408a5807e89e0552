/**
 * The WHY column wraps at spaces only (issue 15, trial difficulty 9): an id or any word that fits
 * the column is never cut; a word longer than the whole column gets lines of its own. Checked on
 * generated texts against a plain oracle (words in, words out), and through the built CLI at 80
 * and 120 columns on the demo alarm, whose detail names `alarmRule_uuid_webplusabortdemo0001`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderTable, wrapAtSpaces } from '../../cli/render/table.js';
import { cliEnv, runCli } from '../helpers/cli-run.js';

const word = fc.oneof(
  fc.stringMatching(/^[a-z]{1,8}$/),
  fc.constantFrom(
    'alarmRule_uuid_webplusabortdemo0001',
    'wc-5d3a963d5802611c4ddc0001',
    'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5e0001',
    '/tmp/webplus-abort-home-AbCdEf/outcomes.jsonl',
  ),
);

describe('wrapAtSpaces', () => {
  it('every line fits; a word that fits a line is whole on one line; the words come back in order', () => {
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 12, max: 60 }),
        (words, width) => {
          const lines = wrapAtSpaces(words.join(' '), width);
          for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
          for (const w of words) {
            if (w.length <= width) expect(lines.some((l) => l.split(' ').includes(w))).toBe(true);
          }
          // oracle: only long words are cut, and only at line ends; rejoining gives the text back
          const longCut = lines
            .join(' ')
            .split(' ')
            .filter((p) => p.length > 0);
          expect(longCut.join('')).toBe(words.join(''));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a word longer than the column is on lines of its own', () => {
    expect(wrapAtSpaces('see /a/very/long/path/to/outcomes.jsonl now', 12)).toEqual([
      'see',
      '/a/very/long',
      '/path/to/out',
      'comes.jsonl',
      'now',
    ]);
  });

  it('the table wraps WHY with it', () => {
    const table = renderTable(
      [{ heading: 'A' }, { heading: 'WHY' }],
      [[['x'], ['alarm alarmRule_uuid_webplusabortdemo0001 is firing']]],
      { width: 40 },
    );
    expect(table.split('\n')).toEqual([
      'A  WHY',
      'x  alarm',
      '   alarmRule_uuid_webplusabortdemo0001',
      '   is firing',
    ]);
  });
});

describe.each([80, 120])('start at %i columns: the alarm rule id is never cut', (columns) => {
  it('the id appears whole, every line fits', async () => {
    const run = await runCli(['start'], cliEnv({ COLUMNS: String(columns) }));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('alarmRule_uuid_webplusabortdemo0001');
    for (const line of run.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(columns);
  });
});
