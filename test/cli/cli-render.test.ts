import { stripVTControlCharacters } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  nextStepHint,
  type OutcomeRow,
  outcomeTable,
  sortBySeverity,
  summaryLine,
  why,
} from '../../cli/render/outcomes.js';
import { countingPacer, progressText, startProgress } from '../../cli/render/progress.js';
import { paint, terminalColumns, useColor } from '../../cli/render/style.js';

const ROWS: OutcomeRow[] = [
  {
    changeId: 'wc-5d3a963d5802611c4ddc0003',
    envId: 'we-5d39b8ba6786bd4b14950003',
    envName: 'shop-canary',
    appName: 'shop',
    outcome: 'skipped',
    attempts: 0,
    detail: 'not stuck: idle 3 min (limit 30), running 10 min (limit 240)',
  },
  {
    changeId: 'wc-5d3a963d5802611c4ddc0001',
    envId: 'we-5d39b8ba6786bd4b14950001',
    envName: 'shop-prod',
    appName: 'shop',
    outcome: 'aborted',
    attempts: 1,
    detail: 'no progress for 90 min (more than the 30 min limit); Web+ accepted AbortChange',
  },
  {
    changeId: 'wc-5d3a963d5802611c4ddc0009',
    envId: 'we-5d39b8ba6786bd4b14950009',
    outcome: 'failed',
    attempts: 3,
    detail: 'retries spent',
    errorCode: 'ServiceUnavailable',
    errorMessage: 'The request has failed due to a temporary failure of the server.',
  },
];

/** Display width without escape codes (every character here is one column wide). */
const width = (line: string) => stripVTControlCharacters(line).length;

describe('outcome table at 80 and 120 columns', () => {
  it('80 columns: change and environment share a column, only WHY wraps, no line is wider', () => {
    const table = outcomeTable(ROWS, { width: 80 });

    expect(table).toBe(
      [
        'OUTCOME  CHANGE / ENV                 TRIES  WHY',
        'failed   wc-5d3a963d5802611c4ddc0009  3      retries spent; ServiceUnavailable;',
        '         we-5d39b8ba6786bd4b14950009         The request has failed due to a',
        '                                             temporary failure of the server.',
        'aborted  wc-5d3a963d5802611c4ddc0001  1      no progress for 90 min (more than',
        '         we-5d39b8ba6786bd4b14950001         the 30 min limit); Web+ accepted',
        '         shop/shop-prod                      AbortChange',
        'skipped  wc-5d3a963d5802611c4ddc0003  0      not stuck: idle 3 min (limit 30),',
        '         we-5d39b8ba6786bd4b14950003         running 10 min (limit 240)',
        '         shop/shop-canary',
      ].join('\n'),
    );
    for (const line of table.split('\n')) expect(width(line)).toBeLessThanOrEqual(80);
  });

  it('120 columns: separate CHANGE and ENVIRONMENT columns, names under the EnvId', () => {
    const table = outcomeTable(ROWS, { width: 120 });

    expect(table).toBe(
      [
        'OUTCOME  CHANGE                       ENVIRONMENT                  TRIES  WHY',
        'failed   wc-5d3a963d5802611c4ddc0009  we-5d39b8ba6786bd4b14950009  3      retries spent; ServiceUnavailable; The request',
        '                                                                          has failed due to a temporary failure of the',
        '                                                                          server.',
        'aborted  wc-5d3a963d5802611c4ddc0001  we-5d39b8ba6786bd4b14950001  1      no progress for 90 min (more than the 30 min',
        '                                      shop/shop-prod                      limit); Web+ accepted AbortChange',
        'skipped  wc-5d3a963d5802611c4ddc0003  we-5d39b8ba6786bd4b14950003  0      not stuck: idle 3 min (limit 30), running 10',
        '                                      shop/shop-canary                    min (limit 240)',
      ].join('\n'),
    );
    for (const line of table.split('\n')) expect(width(line)).toBeLessThanOrEqual(120);
  });

  it('--wide: one line per row, names beside the id, nothing wrapped', () => {
    const lines = outcomeTable(ROWS, {}).split('\n');

    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe(
      'aborted  wc-5d3a963d5802611c4ddc0001  we-5d39b8ba6786bd4b14950001 shop/shop-prod    1      no progress for 90 min (more than the 30 min limit); Web+ accepted AbortChange',
    );
  });

  it('the log table (withTime) keeps the order given and shows the time to the second', () => {
    const rows = ROWS.map((r, i) => ({ ...r, time: `2026-12-01T21:30:0${i}.123Z` }));

    const table = outcomeTable(rows, { width: 120, withTime: true });

    const times = [...table.matchAll(/2026-12-01T21:30:0(\d)Z/g)].map((m) => m[1]);
    expect(times).toEqual(['0', '1', '2']);
    expect(table.split('\n')[0]).toMatch(/^OUTCOME\s+TIME \/ CHANGE \/ ENV\s+TRIES\s+WHY$/);
  });

  it('colours the outcome only when asked, and the colour does not change the layout', () => {
    const plain = outcomeTable(ROWS, { width: 80 });
    const coloured = outcomeTable(ROWS, { width: 80, color: true });

    expect(plain).not.toContain('\u001b[');
    expect(coloured).toContain('\u001b[31mfailed\u001b[39m');
    expect(coloured).toContain('\u001b[32maborted\u001b[39m');
    expect(stripVTControlCharacters(coloured)).toBe(plain);
  });

  it('no rows: (no outcomes)', () => {
    expect(outcomeTable([], { width: 80 })).toBe('(no outcomes)');
  });
});

/** Words of a text, for the oracle: wrapping may only move line breaks. */
const words = (text: string) => text.split(/\s+/).filter(Boolean);

describe('outcome table, generated rows (fast-check)', () => {
  const id = (prefix: string) =>
    fc.stringMatching(/^[0-9a-f]{24}$/).map((hex) => `${prefix}-${hex}`);
  const row = fc.record(
    {
      changeId: id('wc'),
      envId: id('we'),
      envName: fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/),
      appName: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
      outcome: fc.constantFrom('aborted', 'skipped', 'failed', 'already_finished', 'not_found'),
      attempts: fc.integer({ min: 0, max: 5 }),
      detail: fc
        .array(fc.stringMatching(/^[A-Za-z0-9:;().=-]{1,50}$/), { maxLength: 30 })
        .map((ws) => ws.join(' ')),
    },
    { requiredKeys: ['changeId', 'outcome', 'attempts', 'detail'] },
  );

  it('fits every width from 80 to 200, keeps ids whole, and wraps WHY without losing a word', () => {
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 80, max: 200 }),
        (rows, cols) => {
          const table = outcomeTable(rows, { width: cols });
          const lines = table.split('\n');
          for (const line of lines) expect(width(line)).toBeLessThanOrEqual(cols);
          for (const r of rows) {
            expect(lines.some((l) => l.includes(r.changeId!))).toBe(true);
            if (r.envId) expect(lines.some((l) => l.includes(r.envId!))).toBe(true);
          }
          // Oracle: the WHY column starts at the heading's offset; its text, read row by row, is
          // every row's why() in severity order, word for word (long words may be broken).
          const at = lines[0]!.indexOf('WHY');
          const whyText = lines
            .slice(1)
            .map((l) => l.slice(at))
            .join(' ');
          const expected = sortBySeverity(rows)
            .map((r) => why(r) || '-')
            .join(' ');
          expect(words(whyText).join('')).toBe(words(expected).join(''));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('sorting, summary line, hint', () => {
  it('sorts by severity (failed first), then environment name, then ChangeId', () => {
    const sorted = sortBySeverity([
      { outcome: 'skipped', envName: 'a' },
      { outcome: 'aborted', envName: 'zeta', changeId: 'wc-2' },
      { outcome: 'aborted', envName: 'alpha' },
      { outcome: 'timeout', envId: 'we-1' },
      { outcome: 'aborted', envName: 'zeta', changeId: 'wc-1' },
      { outcome: 'failed', envId: 'we-9' },
    ]);

    expect(sorted.map((r) => `${r.outcome}:${r.envName ?? r.envId}:${r.changeId ?? ''}`)).toEqual([
      'failed:we-9:',
      'timeout:we-1:',
      'aborted:alpha:',
      'aborted:zeta:wc-1',
      'aborted:zeta:wc-2',
      'skipped:a:',
    ]);
  });

  it('summary line: "2 aborted, 3 skipped, 0 failed in 1.2 s"', () => {
    const rows = [
      { outcome: 'skipped' },
      { outcome: 'aborted' },
      { outcome: 'skipped' },
      { outcome: 'aborted' },
      { outcome: 'skipped' },
    ];

    expect(summaryLine(rows, 1234)).toBe('2 aborted, 3 skipped, 0 failed in 1.2 s');
    expect(summaryLine([], 40)).toBe('0 failed in 0.0 s');
    expect(summaryLine([{ outcome: 'timeout' }, { outcome: 'failed' }], 61_000)).toBe(
      '1 timeout, 1 failed in 61.0 s',
    );
  });

  it('hint: failures first, then a dry run with work, then aborts', () => {
    const ctx = { command: 'sweep', dryRun: true, enforceCommand: 'webplus-abort sweep' };

    expect(nextStepHint([{ outcome: 'failed' }, { outcome: 'would_abort' }], ctx)).toMatch(
      /log --outcome failed/,
    );
    expect(nextStepHint([{ outcome: 'would_abort' }], ctx)).toBe(
      'next: 1 change(s) would be aborted; run again without dry-run to abort them: `webplus-abort sweep`',
    );
    expect(nextStepHint([{ outcome: 'aborted' }], ctx)).toMatch(/aborts asynchronously/);
    expect(nextStepHint([{ outcome: 'skipped' }], ctx)).toBeUndefined();
    expect(nextStepHint([], ctx)).toMatch(/nothing is in flight/);
  });

  it('why: detail, then error code and message unless already said', () => {
    expect(why({ outcome: 'failed', detail: 'x (Throttling)', errorCode: 'Throttling' })).toBe(
      'x (Throttling)',
    );
    expect(why({ outcome: 'failed', errorCode: 'E', errorMessage: 'm' })).toBe('E; m');
  });
});

describe('terminal decisions', () => {
  it('colour only on a TTY, never with NO_COLOR or TERM=dumb', () => {
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({}, {})).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(useColor({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(paint('x', 'red', false)).toBe('x');
  });

  it('width: the terminal on a TTY, else COLUMNS, else 80', () => {
    expect(terminalColumns({ isTTY: true, columns: 132 }, { COLUMNS: '90' })).toBe(132);
    expect(terminalColumns({ isTTY: false }, { COLUMNS: '120' })).toBe(120);
    expect(terminalColumns({ isTTY: false }, { COLUMNS: 'wide' })).toBe(80);
    expect(terminalColumns({ isTTY: false }, {})).toBe(80);
  });
});

describe('progress line', () => {
  it('counts calls through the pacer, in flight and done', async () => {
    const counter = { done: 0, inFlight: 0 };
    const pacer = countingPacer(<T>(fn: () => Promise<T>) => fn(), counter);
    let seenInFlight = -1;

    await pacer(async () => {
      seenInFlight = counter.inFlight;
    });
    await expect(
      pacer(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');

    expect(seenInFlight).toBe(1);
    expect(counter).toEqual({ done: 2, inFlight: 0 });
  });

  it('text fits the width; nothing at all is written off a terminal', () => {
    expect(progressText('sweeping', { done: 42, inFlight: 3 }, 4100, 80)).toBe(
      'sweeping: 42 Web+ request(s) done, 3 in flight, 4.1 s',
    );
    expect(progressText('sweeping', { done: 1, inFlight: 0 }, 0, 20)).toHaveLength(19);
    const written: string[] = [];
    const stop = startProgress(
      { isTTY: false, write: (c) => written.push(c) > 0 },
      { label: 'x', counter: { done: 0, inFlight: 0 } },
    );
    stop();
    expect(written).toEqual([]);
  });

  it('on a terminal: one line rewritten in place, erased when stopped', () => {
    const written: string[] = [];
    let now = 1000;
    const stop = startProgress(
      { isTTY: true, columns: 100, write: (c) => written.push(c) > 0 },
      { label: 'sweeping', counter: { done: 5, inFlight: 1 }, now: () => now },
    );
    now = 2500;
    stop();
    stop();

    expect(written).toEqual([
      '\r\u001b[2Ksweeping: 5 Web+ request(s) done, 1 in flight, 0.0 s',
      '\r\u001b[2K',
    ]);
  });
});

describe('untrusted text in cells', () => {
  it('control characters from Web+ names and messages are escaped, never sent to the terminal', () => {
    const esc = String.fromCharCode(27);
    const csi8 = String.fromCharCode(0x9b);
    const table = outcomeTable(
      [
        {
          changeId: 'wc-5d3a963d5802611c4ddc0001',
          envId: 'we-5d39b8ba6786bd4b14950001',
          envName: `prod${esc}[2J${esc}]0;owned${String.fromCharCode(7)}`,
          outcome: 'failed',
          errorMessage: `boom${csi8}31m\r\nfake line`,
        },
      ],
      { width: 120, color: true },
    );

    const withoutOurColour = table.replaceAll(`${esc}[31m`, '').replaceAll(`${esc}[39m`, '');
    expect(withoutOurColour).not.toContain(esc);
    expect(table).not.toContain(csi8);
    expect(table).not.toContain('\r');
    expect(table).toContain('prod\\u001b[2J\\u001b]0;owned\\u0007');
    expect(table).toContain('boom\\u009b31m\\r\\nfake line');
  });

  it('wide (CJK) names count two columns each: lines still fit 80 columns', () => {
    // Oracle: width counted here by hand, CJK Unified Ideographs as two columns.
    const columnsOf = (line: string) =>
      [...stripVTControlCharacters(line)].reduce(
        (n, c) => n + (/[\u4e00-\u9fff]/.test(c) ? 2 : 1),
        0,
      );
    const table = outcomeTable(
      [
        {
          changeId: 'wc-5d3a963d5802611c4ddc0001',
          envId: 'we-5d39b8ba6786bd4b14950001',
          envName: '生产环境-华东',
          appName: '商城',
          outcome: 'aborted',
          detail:
            '变更卡住超过三十分钟 已经中止 no progress for 90 min (more than the 30 min limit)',
        },
      ],
      { width: 80 },
    );

    for (const line of table.split('\n')) expect(columnsOf(line)).toBeLessThanOrEqual(80);
    expect(table).toContain('商城/生产环境-华东');
  });
});
