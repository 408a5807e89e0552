/**
 * bresend (field cases C06(d), C07, C09): a property over sequences of AbortChange answers and
 * re-read states, through the real handler, pop-core's signing over real HTTP and the loopback
 * Web+ sandbox. Each generated case scripts up to RETRY_MAX_ATTEMPTS answers to AbortChange (OK,
 * Throttling.User, ChangeFinished, a 503 JSON, an HTML 502, a reset after sending, a 200 with a
 * cut body, a 200 carrying Throttling.User), whether an ambiguous one was applied, and whether the re-read after it is readable
 * (DescribeChange answers 200 or 500). The oracle below is written from the rule in
 * docs/reference/webplus-api.md ("AbortChange") and shares no code with shared/:
 * - AbortChange is sent again only after a throttling code, or right after a re-read
 *   (DescribeChange 200, then DescribeAppEnvStatus 200) that proved the change still running;
 * - never more than RETRY_MAX_ATTEMPTS sends; the record's attempts is the number sent;
 * - the outcome is `aborted` only when an OK reply or a re-read showed it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../sandbox/webplus/index.js';
import { fakeContext } from '../helpers/fc-context.js';
import { startHarness } from '../helpers/harness.js';
import { calls, change, changeId, scenario, summaryOf, timerEvent } from '../helpers/world.js';

const MAX_ATTEMPTS = 4;
const JSON_CT = 'application/json;charset=utf-8';

type Kind =
  | 'ok'
  | 'throttle'
  | 'throttle200'
  | 'finished'
  | 'json503'
  | 'html502'
  | 'reset'
  | 'cut200';

interface Answer {
  kind: Kind;
  /** An ambiguous answer came after the abort was applied. */
  applied: boolean;
  /** The re-read after an ambiguous answer is readable (DescribeChange 200). */
  readable: boolean;
}

/**
 * Answers that leave the abort unknown; `FAULT` ones may be re-sent (a 2xx is not a fault: a cut
 * body, or a throttling code under HTTP 200, which contradicts itself).
 */
const AMBIGUOUS: ReadonlySet<Kind> = new Set([
  'json503',
  'html502',
  'reset',
  'cut200',
  'throttle200',
]);
const FAULT: ReadonlySet<Kind> = new Set(['json503', 'html502', 'reset']);

function scripted(a: Answer): unknown {
  switch (a.kind) {
    case 'ok':
      return 'ok';
    case 'throttle':
      return { status: 400, code: 'Throttling.User', message: 'user flow control' };
    case 'finished':
      return { status: 400, code: 'ChangeFinished', message: 'The change has finished.' };
    case 'json503':
      return {
        status: 503,
        contentType: JSON_CT,
        body: '{"Code":"ServiceUnavailable","Message":"busy","RequestId":"R-P"}',
        applied: a.applied,
      };
    case 'html502':
      return {
        status: 502,
        contentType: 'text/html',
        body: '<html>502 Bad Gateway</html>',
        applied: a.applied,
      };
    case 'reset':
      return { reset: true, applied: a.applied };
    case 'throttle200':
      return {
        status: 200,
        contentType: JSON_CT,
        body: '{"Code":"Throttling.User","Message":"flow control","RequestId":"R-T"}',
        applied: a.applied,
      };
    case 'cut200':
      return { status: 200, contentType: JSON_CT, body: '{"Code":"OK","Req', applied: a.applied };
  }
}

interface Expected {
  sends: number;
  outcome: 'aborted' | 'already_finished' | 'failed';
}

/** The rule, on its own: what a correct executor does with these answers. */
function oracle(answers: Answer[]): Expected {
  let sends = 0;
  for (const a of answers) {
    sends += 1;
    if (a.kind === 'ok') return { sends, outcome: 'aborted' };
    if (a.kind === 'finished') return { sends, outcome: 'already_finished' };
    if (AMBIGUOUS.has(a.kind)) {
      if (!a.readable) return { sends, outcome: 'failed' };
      if (a.applied) return { sends, outcome: 'aborted' };
      if (!FAULT.has(a.kind)) return { sends, outcome: 'failed' };
    }
    if (sends === MAX_ATTEMPTS) return { sends, outcome: 'failed' };
  }
  return { sends, outcome: 'failed' };
}

const answer = fc.record({
  kind: fc.constantFrom<Kind>(
    'ok',
    'throttle',
    'finished',
    'json503',
    'json503',
    'html502',
    'reset',
    'cut200',
    'throttle200',
  ),
  applied: fc.boolean(),
  readable: fc.boolean(),
});

/** What came back to each AbortChange, and the Web+ calls between it and the next one. */
function between(journal: JournalEntry[]): { status: number; after: JournalEntry[] }[] {
  const out: { status: number; after: JournalEntry[] }[] = [];
  for (const e of journal) {
    if (e.action === 'AbortChange') out.push({ status: e.status, after: [] });
    else out.at(-1)?.after.push(e);
  }
  return out;
}

describe('AbortChange re-send rule, over sequences of answers and re-read states', () => {
  it('re-sent only after a throttle or a re-read that proved it running; ≤ RETRY_MAX_ATTEMPTS; aborted only when shown', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(answer, { minLength: MAX_ATTEMPTS, maxLength: MAX_ATTEMPTS }),
        async (answers) => {
          // Arrange: the sweep's own DescribeChange first, then one answer per re-read in order
          const rereads = answers
            .filter((a) => AMBIGUOUS.has(a.kind))
            .map((a) => (a.readable ? 'ok' : { status: 500, code: 'InternalError' }));
          const h = await startHarness(
            scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })], {
              faults: [
                { action: 'AbortChange', changeId: changeId(1), responses: answers.map(scripted) },
                { action: 'DescribeChange', changeId: changeId(1), responses: ['ok', ...rereads] },
              ],
            }),
            {
              env: {
                RETRY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
                RETRY_BASE_MS: '2',
                ATTEMPT_TIMEOUT_MS: '500',
              },
            },
          );
          try {
            // Act
            const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

            // Assert
            const want = oracle(answers);
            const journal = h.sandbox.journal();
            const sent = calls(journal, 'AbortChange');
            const result = s.results[0];
            expect(sent.length).toBeLessThanOrEqual(MAX_ATTEMPTS);
            expect(sent.length).toBe(want.sends);
            expect(result).toMatchObject({ outcome: want.outcome, attempts: want.sends });
            // Every re-send follows a throttle or a readable re-read of a still-running change
            const steps = between(journal);
            steps.slice(0, -1).forEach((step, i) => {
              const a = answers[i]!;
              if (a.kind === 'throttle') return;
              expect(FAULT.has(a.kind) && a.readable && !a.applied, `re-send after ${a.kind}`).toBe(
                true,
              );
              expect(step.after.map((e) => [e.action, e.status])).toEqual([
                ['DescribeChange', 200],
                ['DescribeAppEnvStatus', 200],
              ]);
            });
            // `aborted` only from an OK reply or a re-read that showed it
            if (result?.outcome === 'aborted') {
              const last = answers[sent.length - 1]!;
              expect(last.kind === 'ok' || (AMBIGUOUS.has(last.kind) && last.applied)).toBe(true);
            }
          } finally {
            await h.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
