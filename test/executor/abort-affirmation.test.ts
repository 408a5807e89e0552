/**
 * Red-team findings B1, B2 and B6 of issue 12 (the reply-misreading pass), as one rule: an
 * AbortChange is `aborted` only on the exact affirmation the docs define
 * (docs/reference/webplus-api.md, "AbortChange"); every other 2xx (unreadable, an unknown code,
 * a missing or malformed affirmation, a failure field beside success, another status or content
 * type) is ambiguous: never sent again as a fresh abort, the change is re-read, and the outcome
 * comes from the re-read. A read reply that is not exactly a success makes its facts unknown.
 * Through the real handler, pop-core's signing and the strict sandbox (raw replies, `applied`
 * when the abort really landed), plus a fast-check property whose oracle is written here and
 * shares no code with shared/.
 */
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
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
const JSON_CT = 'application/json;charset=utf-8';
const GOOD = JSON.stringify({
  Code: 'OK',
  Message: 'success',
  RequestId: 'E1B2C3D4-0000-4000-8000-000000000001',
  EnvChange: { ChangeId: CID, EnvId: EID, StartTime: AFFIRMED_AT },
});

const running = () =>
  change({ n: 1, env: 0, idleMin: 90, ageMin: 95, extra: { abortStepSeconds: null } });

interface Raw {
  status: number;
  contentType: string;
  body: string;
}

/** One manual abort of a running change whose AbortChange answers `reply` (every attempt). */
async function abortWith(reply: Raw, applied: boolean, moreFaults: unknown[] = []) {
  h = await startHarness(
    scenario([1], [running()], {
      faults: [
        {
          action: 'AbortChange',
          changeId: CID,
          responses: [{ ...reply, ...(applied ? { applied: true } : {}) }, reply, reply, reply],
        },
        ...moreFaults,
      ],
    }),
    { env: { RETRY_BASE_MS: '10' } },
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
    aborts: calls(journal, 'AbortChange').length,
    reads: calls(journal, 'DescribeChange').length,
  };
}

/** B1: 2xx replies that do not parse as exactly one JSON object. */
const UNREADABLE: [string, Raw][] = [
  ['a BOM before the JSON', { status: 200, contentType: JSON_CT, body: `\uFEFF${GOOD}` }],
  ['JSON cut short', { status: 200, contentType: JSON_CT, body: GOOD.slice(0, -7) }],
  ['two JSON documents', { status: 200, contentType: JSON_CT, body: `${GOOD}${GOOD}` }],
  ['a trailing comma', { status: 200, contentType: JSON_CT, body: GOOD.replace(/}$/, ',}') }],
  ['NaN', { status: 200, contentType: JSON_CT, body: GOOD.replace(/}$/, ',"X":NaN}') }],
  ['an empty 200', { status: 200, contentType: JSON_CT, body: '' }],
  // Red-team 12b F1: valid JSON too deep to walk (JSON.stringify of it overflows the stack).
  [
    'the documented body plus a 5,000-deep array',
    {
      status: 200,
      contentType: JSON_CT,
      body: GOOD.replace(/}$/, `,"X":${'['.repeat(5000)}${']'.repeat(5000)}}`),
    },
  ],
  ['a 204', { status: 204, contentType: JSON_CT, body: '' }],
  ['text/html <html>OK</html>', { status: 200, contentType: 'text/html', body: '<html>OK</html>' }],
  ['a bare OK', { status: 200, contentType: 'text/plain', body: 'OK' }],
];

/** B2: 2xx replies whose Code is neither "OK" nor a known Web+ error code. */
const UNKNOWN_CODES: [string, Raw][] = ['OK ', 'ok', 'OK\u200b', 'Accepted'].map((code) => [
  `Code ${JSON.stringify(code)}`,
  {
    status: 200,
    contentType: JSON_CT,
    body: GOOD.replace('"Code":"OK"', `"Code":${JSON.stringify(code)}`),
  },
]);

/** B6 (AbortChange side): the rest of the documented body is there, one thing is not. */
const with_ = (extra: Record<string, unknown>) =>
  JSON.stringify({ ...(JSON.parse(GOOD) as Record<string, unknown>), ...extra });
const NOT_EXACT: [string, Raw, string][] = [
  // Red-team 12b F6: a failure marker inside EnvChange.
  [
    'EnvChange carrying Aborted false and an Error',
    {
      status: 200,
      contentType: JSON_CT,
      body: with_({
        EnvChange: { ChangeId: CID, EnvId: EID, Aborted: false, Error: 'ChangeFinished' },
      }),
    },
    'carried EnvChange.Aborted the boolean false',
  ],
  [
    'a failure Message beside OK',
    { status: 200, contentType: JSON_CT, body: with_({ Message: 'abort failed' }) },
    'Message is the string "abort failed"',
  ],
  [
    'text/html content type on an OK body',
    { status: 200, contentType: 'text/html', body: GOOD },
    'not application/json',
  ],
  ['status 202', { status: 202, contentType: JSON_CT, body: GOOD }, 'HTTP 202, not 200'],
  ['status 206', { status: 206, contentType: JSON_CT, body: GOOD }, 'HTTP 206, not 200'],
  [
    'HttpStatusCode 500 in the body',
    { status: 200, contentType: JSON_CT, body: with_({ HttpStatusCode: 500 }) },
    'carried HttpStatusCode 500',
  ],
  [
    'a nested Error object',
    { status: 200, contentType: JSON_CT, body: with_({ Error: { Code: 'InternalError' } }) },
    'carried Error',
  ],
  [
    'Data.Success false',
    { status: 200, contentType: JSON_CT, body: with_({ Data: { Success: false } }) },
    'Data.Success false',
  ],
  [
    'Success "False" (a string)',
    { status: 200, contentType: JSON_CT, body: with_({ Success: 'False' }) },
    'carried Success "False"',
  ],
  [
    'Success true (not in the documented body)',
    { status: 200, contentType: JSON_CT, body: with_({ Success: true }) },
    'not in the documented body',
  ],
  [
    'a case-variant duplicate EnvChange / envchange',
    {
      status: 200,
      contentType: JSON_CT,
      body: GOOD.replace(/}$/, `,"envchange":{"ChangeId":"${CID}"}}`),
    },
    'repeats the name',
  ],
  // Red-team 24 F9: a StartTime that is no plausible time (the judgment of every other time).
  [
    'EnvChange.StartTime a year in the future',
    {
      status: 200,
      contentType: JSON_CT,
      body: with_({
        EnvChange: { ChangeId: CID, EnvId: EID, StartTime: Date.now() + 365 * 86_400_000 },
      }),
    },
    's in the future (slack 60 s',
  ],
  [
    'EnvChange.StartTime 1',
    {
      status: 200,
      contentType: JSON_CT,
      body: with_({ EnvChange: { ChangeId: CID, EnvId: EID, StartTime: 1 } }),
    },
    'EnvChange.StartTime 1 is before 2001-09-09',
  ],
  [
    'EnvChange.StartTime "1557911256" (seconds, as digits)',
    {
      status: 200,
      contentType: JSON_CT,
      body: with_({ EnvChange: { ChangeId: CID, EnvId: EID, StartTime: '1557911256' } }),
    },
    'EnvChange.StartTime "1557911256" is before 2001-09-09',
  ],
  [
    '500 with the documented success body',
    { status: 500, contentType: JSON_CT, body: GOOD },
    'the status and the body disagree',
  ],
];

describe('B1, B2, B6: an AbortChange reply that is not exactly the affirmation is re-read, never re-sent', () => {
  for (const [label, reply] of [...UNREADABLE, ...UNKNOWN_CODES]) {
    it(`${label}, abort landed: aborted from the re-read, one AbortChange`, async () => {
      // Act
      const { result, aborts } = await abortWith(reply, true);

      // Assert
      expect(result?.outcome).toBe('aborted');
      expect(result?.detail).toContain('DescribeChange shows the abort took effect');
      expect(aborts).toBe(1);
    });

    it(`${label}, abort did not land: failed, one AbortChange, still running`, async () => {
      // Act
      const { result, aborts, reads } = await abortWith(reply, false);

      // Assert
      expect(result?.outcome).toBe('failed');
      expect(result?.detail).toContain('still running');
      expect(aborts).toBe(1);
      expect(reads).toBe(2);
    });
  }

  for (const [label, reply, words] of NOT_EXACT) {
    it(`${label}: aborted only when the re-read shows it, the detail naming the reply`, async () => {
      // Act
      const landed = await abortWith(reply, true);
      await h?.close();
      h = undefined;
      const lost = await abortWith(reply, false);

      // Assert
      expect(landed.result?.outcome).toBe('aborted');
      expect(landed.result?.detail).toContain(words);
      expect(landed.aborts).toBe(1);
      expect(lost.result?.outcome).toBe('failed');
      expect(lost.result?.detail).toContain(words);
      expect(lost.aborts).toBe(1);
    });
  }

  it('the exact documented body is aborted at once, without a re-read', async () => {
    // Act
    const { result, aborts, reads } = await abortWith(
      { status: 200, contentType: JSON_CT, body: GOOD },
      true,
    );

    // Assert
    expect(result).toMatchObject({ outcome: 'aborted', attempts: 1 });
    expect(result?.detail).toContain('Web+ accepted AbortChange');
    expect(aborts).toBe(1);
    expect(reads).toBe(1);
  });
});

describe('B6: a read reply with a failure beside Code OK makes its facts unknown (no abort)', () => {
  const describeChangeBody = (extra: Record<string, unknown>, raw?: (t: string) => string) => {
    const now = Date.now();
    const text = JSON.stringify({
      Code: 'OK',
      Message: 'success',
      RequestId: 'R-READ-1',
      Change: {
        ChangeId: CID,
        EnvId: EID,
        ActionName: 'Apply',
        ChangeFinished: false,
        ChangeSucceed: false,
        ChangeAborted: false,
        ChangePaused: false,
        ChangeTimedout: false,
        CreateTime: now - 95 * 60_000,
        UpdateTime: now - 90 * 60_000,
      },
      ...extra,
    });
    return raw ? raw(text) : text;
  };
  const cases: [string, string, string][] = [
    ['Success "False"', describeChangeBody({ Success: 'False' }), 'carried Success "False"'],
    ['Success false', describeChangeBody({ Success: false }), 'says Success: false'],
    ['an errorCode', describeChangeBody({ errorCode: 'ChangeNotExists' }), 'carried errorCode'],
    // Red-team 12b F2: the markers in another case.
    ['SUCCESS false (upper case)', describeChangeBody({ SUCCESS: false }), 'carried SUCCESS false'],
    [
      'ERRORCODE (upper case)',
      describeChangeBody({ ERRORCODE: 'Forbidden.RAM' }),
      'carried ERRORCODE',
    ],
    [
      'HTTPSTATUSCODE 500 (upper case)',
      describeChangeBody({ HTTPSTATUSCODE: 500 }),
      'carried HTTPSTATUSCODE 500',
    ],
    [
      'Data.success false (lower case)',
      describeChangeBody({ Data: { success: false } }),
      'carried Data.success false',
    ],
    [
      'Change and change (case-variant duplicate)',
      describeChangeBody({}, (t) => t.replace(/}$/, ',"change":{"ChangeFinished":true}}')),
      'repeats the name',
    ],
  ];
  for (const [label, body, words] of cases) {
    it(`DescribeChange with ${label}: no AbortChange, the record names the reply`, async () => {
      // Arrange
      h = await startHarness(
        scenario([1], [running()], {
          faults: [
            {
              action: 'DescribeChange',
              changeId: CID,
              responses: Array(4).fill({ status: 200, contentType: JSON_CT, body }),
            },
          ],
        }),
        { env: { RETRY_BASE_MS: '10' } },
      );

      // Act
      const s = summaryOf(
        await h.handler(
          httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [CID] }) }),
          fakeContext(),
        ),
      );

      // Assert
      expect(s.results[0]?.outcome).not.toBe('aborted');
      expect(`${s.results[0]?.detail} ${s.results[0]?.errorMessage ?? ''}`).toContain(words);
      expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
    });
  }
});

/**
 * The independent check: generated AbortChange replies, and an oracle written from the docs
 * alone (the documented success body, S1) that says which of them are exactly the affirmation.
 * `aborted` may be recorded only for those, or when the abort really landed (`applied`: the
 * re-read then shows it aborting). Every other 2xx is sent once and never again.
 */
describe('property: aborted only on the exact affirmation or a re-read showing the abort', () => {
  interface Spec {
    status: number;
    contentType: string;
    code: unknown;
    message: unknown;
    requestId: unknown;
    envChange: unknown;
    extra: Record<string, unknown>;
    corruption: string;
    applied: boolean;
  }
  const ABSENT = Symbol('absent');
  const good = { ChangeId: CID, EnvId: EID, StartTime: 1557911256210 };
  const specArb: fc.Arbitrary<Spec> = fc.record({
    status: fc.constantFrom(200, 200, 200, 200, 202, 206, 500),
    contentType: fc.constantFrom(JSON_CT, JSON_CT, 'application/json', 'text/html', 'text/plain'),
    code: fc.constantFrom(
      'OK',
      'OK',
      'OK',
      'OK ',
      'ok',
      'OK\u200b',
      '200',
      200,
      ABSENT,
      'ChangeFinished',
    ),
    message: fc.constantFrom('success', 'success', ABSENT, 'failed', 'Success'),
    requestId: fc.constantFrom('R-1', 'R-1', ABSENT, '', 7),
    envChange: fc.constantFrom<unknown>(
      good,
      good,
      good,
      { ...good, ChangeId: changeId(9) },
      { ...good, EnvId: envId(9) },
      { ...good, EnvId: 5 },
      { ...good, StartTime: 'soon' },
      { ...good, StartTime: 1 },
      { ...good, StartTime: Date.now() + 365 * 86_400_000 },
      { ...good, StartTime: Date.now() },
      null,
      ABSENT,
      [good],
    ),
    extra: fc.constantFrom<Record<string, unknown>>(
      {},
      {},
      {},
      { Success: true },
      { Success: false },
      { Success: 'False' },
      { HttpStatusCode: 500 },
      { HttpStatusCode: 200 },
      { Error: { Code: 'X' } },
      { Data: { Success: false } },
      { errorCode: 'X' },
    ),
    corruption: fc.constantFrom(
      'none',
      'none',
      'none',
      'none',
      'bom',
      'truncate',
      'twoDocs',
      'trailingComma',
      'empty',
      'bareOK',
      'html',
      'caseDup',
    ),
    applied: fc.boolean(),
  });

  /** The reply's text, built from the spec (a missing value is left out). */
  function text(s: Spec): string {
    const body: Record<string, unknown> = {};
    if (s.code !== ABSENT) body.Code = s.code;
    if (s.message !== ABSENT) body.Message = s.message;
    if (s.requestId !== ABSENT) body.RequestId = s.requestId;
    if (s.envChange !== ABSENT) body.EnvChange = s.envChange;
    Object.assign(body, s.extra);
    const t = JSON.stringify(body);
    switch (s.corruption) {
      case 'bom':
        return `\uFEFF${t}`;
      case 'truncate':
        return t.slice(0, Math.max(1, t.length - 6));
      case 'twoDocs':
        return `${t}${t}`;
      case 'trailingComma':
        return t.replace(/}$/, ',}');
      case 'empty':
        return '';
      case 'bareOK':
        return 'OK';
      case 'html':
        return '<html>OK</html>';
      case 'caseDup':
        return t.replace(/}$/, ',"code":"OK"}').replace('{,', '{');
      default:
        return t;
    }
  }

  /** The oracle: is this reply exactly the documented AbortChange success body (S1)? */
  function isExactAffirmation(s: Spec): boolean {
    const ec = s.envChange as Record<string, unknown> | null;
    return (
      s.status === 200 &&
      s.contentType.toLowerCase().startsWith('application/json') &&
      s.corruption === 'none' &&
      s.code === 'OK' &&
      (s.message === ABSENT || s.message === 'success') &&
      typeof s.requestId === 'string' &&
      s.requestId.length > 0 &&
      Object.keys(s.extra).length === 0 &&
      typeof ec === 'object' &&
      ec !== null &&
      !Array.isArray(ec) &&
      ec.ChangeId === CID &&
      (ec.EnvId === undefined || ec.EnvId === EID) &&
      // A plausible time: not before 2001-09-09, not beyond the 60 s slack (red-team 24 F9).
      (ec.StartTime === undefined ||
        (typeof ec.StartTime === 'number' &&
          ec.StartTime >= 1e12 &&
          ec.StartTime <= Date.now() + 60_000))
    );
  }

  /**
   * A documented refusal (a known code) under an error status: never aborted, whatever else the
   * reply says. Under a 2xx the status and the code contradict each other: ambiguous like every
   * other 2xx that does not affirm (red-team 12 F3), decided by the re-read.
   */
  const isRefusal = (s: Spec) =>
    s.code === 'ChangeFinished' && s.corruption === 'none' && !(s.status >= 200 && s.status < 300);

  const harnesses: Harness[] = [];
  afterAll(async () => {
    for (const x of harnesses) await x.close();
  });

  it('120 generated replies through the handler and the sandbox', async () => {
    const one = await startHarness(scenario([1], [running()]), { env: { RETRY_BASE_MS: '10' } });
    harnesses.push(one);
    await fc.assert(
      fc.asyncProperty(specArb, async (s) => {
        // Arrange: a fresh world, the AbortChange answering this reply (every attempt)
        const reply = { status: s.status, contentType: s.contentType, body: text(s) };
        one.sandbox.reseed(
          scenario([1], [running()], {
            faults: [
              {
                action: 'AbortChange',
                changeId: CID,
                responses: [
                  { ...reply, ...(s.applied ? { applied: true } : {}) },
                  reply,
                  reply,
                  reply,
                ],
              },
            ],
          }),
        );

        // Act
        const out = summaryOf(
          await one.handler(
            httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [CID] }) }),
            fakeContext(),
          ),
        );

        // Assert
        const outcome = out.results[0]?.outcome;
        const aborts = calls(one.sandbox.journal(), 'AbortChange').length;
        const exact = isExactAffirmation(s);
        const label = JSON.stringify({ ...s, body: reply.body });
        if (outcome === 'aborted') expect(exact || s.applied, label).toBe(true);
        if (exact) expect(outcome, label).toBe('aborted');
        if (isRefusal(s)) expect(outcome, label).not.toBe('aborted');
        if (!exact && s.status >= 200 && s.status < 300) {
          // ambiguous or a refusal: sent once, never again as a fresh abort
          expect(aborts, label).toBe(1);
          if (!isRefusal(s)) expect(outcome, label).toBe(s.applied ? 'aborted' : 'failed');
        }
      }),
      { numRuns: 120, seed: 1212 },
    );
  });
});
