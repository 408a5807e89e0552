/**
 * Red-team finding (issue 12): an AbortChange answering 200 whose `EnvChange.ChangeId` named
 * another change, or whose EnvChange was null / absent / not an object, was recorded `aborted`.
 * As a kind: every 2xx AbortChange reply that does not affirm the abort the way the documented
 * success body does (`Code` the string "OK", a RequestId, no `Success: false`, an EnvChange
 * object naming the change asked for, and its environment) is ambiguous: it is never retried
 * and never trusted; the change is re-read and the record follows what Web+ then says
 * (aborting/aborted → `aborted`, finished → `already_finished`, still running → `failed`
 * naming what the reply said). Through the real handler, pop-core's signing and the strict
 * sandbox (raw replies, `applied: true` when the abort really landed).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  calls,
  change,
  changeId,
  envId,
  httpEvent,
  scenario,
  summaryOf,
} from '../helpers/world.js';

/**
 * The affirmation's StartTime: now (the docs' example, 1557911256210, is years before the
 * changes these tests create, which no affirmation of them can echo: red-team 25 G12).
 */
const AFFIRMED_AT = Date.now();

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const CID = changeId(1);
const EID = envId(0);
const OTHER = changeId(99);

/** A raw 200 JSON reply to AbortChange (the sandbox serves exactly these bytes). */
const raw = (body: unknown, applied = false) => ({
  status: 200,
  contentType: 'application/json;charset=utf-8',
  body: typeof body === 'string' ? body : JSON.stringify(body),
  ...(applied ? { applied: true } : {}),
});
const good = { ChangeId: CID, EnvId: EID, StartTime: AFFIRMED_AT };
const ok = (extra: Record<string, unknown>) => ({
  Code: 'OK',
  Message: 'success',
  RequestId: 'E1B2C3D4-0000-4000-8000-000000000001',
  ...extra,
});

/** One manual abort of a running change whose AbortChange answers `response` first. */
async function abortWith(response: unknown, moreFaults: unknown[] = []) {
  h = await startHarness(
    scenario(
      [1],
      [change({ n: 1, env: 0, idleMin: 90, ageMin: 95, extra: { abortStepSeconds: null } })],
      {
        faults: [{ action: 'AbortChange', changeId: CID, responses: [response] }, ...moreFaults],
      },
    ),
  );
  const s = summaryOf(
    await h.handler(
      httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [CID] }) }),
      fakeContext(),
    ),
  );
  const journal = h.sandbox.journal();
  return {
    result: s.results[0],
    results: s.results,
    aborts: calls(journal, 'AbortChange').length,
    reads: calls(journal, 'DescribeChange').length,
  };
}

/** Replies that do not affirm the abort, and the words the record must carry for each. */
const AMBIGUOUS: [string, unknown, string][] = [
  [
    'EnvChange names another change',
    ok({ EnvChange: { ...good, ChangeId: OTHER } }),
    `AbortChange reply named change ${OTHER}`,
  ],
  ['EnvChange is null', ok({ EnvChange: null }), 'EnvChange is null'],
  ['EnvChange is absent', ok({}), 'EnvChange is absent'],
  ['EnvChange is a string', ok({ EnvChange: CID }), 'EnvChange is the string'],
  ['EnvChange is an array', ok({ EnvChange: [good] }), 'EnvChange is an array'],
  ['EnvChange has no ChangeId', ok({ EnvChange: { EnvId: EID } }), 'named no change'],
  [
    'EnvChange names another environment',
    ok({ EnvChange: { ...good, EnvId: envId(7) } }),
    `named environment the string "${envId(7)}"`,
  ],
  ['no RequestId', { Code: 'OK', EnvChange: good }, 'carried no RequestId'],
  // rt12 L1: a blank RequestId is no RequestId (it names no request Web+ could look up).
  ['RequestId is " "', ok({ RequestId: ' ', EnvChange: good }), 'carried no RequestId'],
  ['RequestId is "\\t\\n"', ok({ RequestId: '\t\n', EnvChange: good }), 'carried no RequestId'],
  ['Code is the number 200', ok({ Code: 200, EnvChange: good }), 'Code is the number 200'],
  ['Code is the string "200"', ok({ Code: '200', EnvChange: good }), 'Code is the string "200"'],
  ['Code is absent', { RequestId: 'R-1', EnvChange: good }, 'Code is absent'],
  ['Success is false beside Code "OK"', ok({ Success: false, EnvChange: good }), 'Success: false'],
  [
    'errorCode beside Code "OK" (red-team B5)',
    ok({ errorCode: 'ChangeNotAbortable', errorMessage: 'abort refused', EnvChange: good }),
    'carried errorCode',
  ],
  ['Success is null beside Code "OK"', ok({ Success: null, EnvChange: good }), 'carried Success'],
  ['success is false (lower case)', ok({ success: false, EnvChange: good }), 'carried success'],
  [
    'Success is "false" beside Code 200',
    { Code: 200, Success: 'false', RequestId: 'R-1' },
    'Success: false',
  ],
];

describe('an AbortChange 2xx that does not affirm the abort is never recorded aborted on trust', () => {
  for (const [label, body, words] of AMBIGUOUS) {
    it(`${label}, abort did not land: failed after one AbortChange and a re-read`, async () => {
      // Arrange / Act
      const { result, aborts, reads } = await abortWith(raw(body));

      // Assert
      expect(result?.outcome).toBe('failed');
      expect(result?.detail).toContain(words);
      expect(result?.detail).toContain('still running');
      expect(aborts).toBe(1);
      expect(reads).toBe(2);
    });

    it(`${label}, abort did land: aborted, confirmed by the re-read`, async () => {
      // Arrange / Act
      const { result, aborts } = await abortWith(raw(body, true));

      // Assert
      expect(result?.outcome).toBe('aborted');
      expect(result?.detail).toContain(words);
      expect(result?.detail).toContain('DescribeChange shows the abort took effect');
      expect(aborts).toBe(1);
    });
  }

  it('the change finished meanwhile: already_finished, from the re-read', async () => {
    // Arrange: the second DescribeChange (the re-read) shows the change finished.
    const now = Date.now();
    const finished = {
      Code: 'OK',
      RequestId: 'R-2',
      Change: {
        ChangeId: CID,
        EnvId: EID,
        ActionName: 'Apply',
        ChangeFinished: true,
        ChangeSucceed: true,
        ChangeAborted: false,
        ChangePaused: false,
        ChangeTimedout: false,
        CreateTime: now - 95 * 60_000,
        UpdateTime: now - 1_000,
        FinishTime: now - 1_000,
      },
    };

    // Act
    const { result, aborts } = await abortWith(
      raw(ok({ EnvChange: { ...good, ChangeId: OTHER } })),
      [{ action: 'DescribeChange', changeId: CID, responses: ['ok', raw(finished)] }],
    );

    // Assert
    expect(result?.outcome).toBe('already_finished');
    expect(result?.detail).toContain(`AbortChange reply named change ${OTHER}`);
    expect(aborts).toBe(1);
  });

  it('the re-read fails: failed, saying whether the abort landed is unknown', async () => {
    // Act
    const { result, aborts } = await abortWith(raw(ok({ EnvChange: null })), [
      { action: 'DescribeChange', changeId: CID, responses: ['ok', { status: 503 }] },
    ]);

    // Assert
    expect(result?.outcome).toBe('failed');
    expect(result?.detail).toContain('could not be re-read');
    expect(aborts).toBe(1);
  });

  it('the documented success body is still aborted at once, without a re-read', async () => {
    // Act
    const { result, aborts, reads } = await abortWith(raw(ok({ EnvChange: good }), true));

    // Assert
    expect(result).toMatchObject({ outcome: 'aborted', attempts: 1 });
    expect(result?.detail).toContain('Web+ accepted AbortChange');
    expect(aborts).toBe(1);
    expect(reads).toBe(1);
  });
});
