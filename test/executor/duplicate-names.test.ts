/**
 * Red-team finding B5 of issue 12, as a kind: a platform reply whose JSON repeats a name at any
 * depth (`{"Code":"ChangeOnAborting","Code":"OK"}`, a second `ChangeId`, a repeat nested in
 * `EnvChange` or `Data`) was read last-key-wins and trusted. Now such a reply is unreadable: an
 * AbortChange reply so read is ambiguous (the change is re-read, never `aborted` from the reply),
 * a read reply's facts are unknown (no AbortChange from them).
 * - Property (fast-check, through the real handler, pop-core's signing and the strict sandbox
 *   serving the exact bytes): AbortChange replies with a generated duplicate, the abort not
 *   landed: never `aborted`, and the re-read is made.
 * - DescribeChange replies with a generated duplicate: zero AbortChange.
 * - The readers alone, over generated replies (the duplicates are built into the text by the
 *   generator, never found by the code under test): Web+, SAE and EDAS readers never return a
 *   body from a reply with a repeated name, and return every reply without one as JSON.parse does.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { PlatformError } from '#shared/platform/errors.js';
import { readRoaReply } from '#shared/platform/roa-reply.js';
import { SAE_ENVELOPE } from '#shared/sae/reply.js';
import { WebplusError } from '#shared/webplus/errors.js';
import { readReply } from '#shared/webplus/reply.js';
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

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const CID = changeId(1);
const EID = envId(0);

/** A JSON member list as text: `[name, valueText]` pairs, kept in order, repeats and all. */
type Members = Array<[string, string]>;
const obj = (members: Members): string =>
  `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;

/** Where the generator puts the repeat, and what it repeats. */
const duplicateArb = fc.record({
  where: fc.constantFrom('top', 'EnvChange', 'Data', 'deep'),
  name: fc.constantFrom('Code', 'ChangeId', 'EnvId', 'RequestId', 'Success', 'x'),
  first: fc.constantFrom('"ChangeOnAborting"', '"OK"', '""', 'null', 'true', '"wc-other"', '7'),
  escapeName: fc.boolean(),
  shuffle: fc.nat(5),
});

/** An AbortChange success body with one name said twice where `d` says. */
function abortReplyWith(d: DuplicateSpec): string {
  const repeatName = d.escapeName
    ? `\\u00${d.name.charCodeAt(0).toString(16)}${d.name.slice(1)}`
    : d.name;
  const dup = (members: Members): Members => {
    const at = d.shuffle % (members.length + 1);
    const copy = [...members];
    copy.splice(at, 0, [`@@${repeatName}`, d.first]);
    return [...copy, [d.name, '"OK"']];
  };
  const envChange: Members = [
    ['ChangeId', JSON.stringify(CID)],
    ['EnvId', JSON.stringify(EID)],
    ['StartTime', '1557911256210'],
  ];
  const inner = d.where === 'EnvChange' ? dup(envChange) : envChange;
  const deep = obj(d.where === 'deep' ? dup([['y', '1']]) : [['y', '1']]);
  const top: Members = [
    ['Code', '"OK"'],
    ['Message', '"success"'],
    ['RequestId', '"E1B2C3D4-0000-4000-8000-000000000001"'],
    ['EnvChange', obj(inner)],
    ['Data', d.where === 'Data' ? obj(dup([['ChangeId', JSON.stringify(CID)]])) : '{}'],
    ['Extra', `[${deep}]`],
  ];
  const text = obj(d.where === 'top' ? dup(top) : top);
  // The repeated name is written raw (or \u-escaped) so that it really is the same name.
  return text.replace(/"@@[^"]*"/g, (token) => `"${(JSON.parse(token) as string).slice(2)}"`);
}
type DuplicateSpec = {
  where: string;
  name: string;
  first: string;
  escapeName: boolean;
  shuffle: number;
};

describe('a reply that repeats a name is never trusted (B5, fast-check)', () => {
  it('AbortChange replies with a repeated name, abort not landed: never aborted, re-read made', async () => {
    await fc.assert(
      fc.asyncProperty(duplicateArb, async (d) => {
        // Arrange
        const body = abortReplyWith(d);
        expect(() => JSON.parse(body)).not.toThrow();
        h = await startHarness(
          scenario(
            [1],
            [change({ n: 1, env: 0, idleMin: 90, ageMin: 95, extra: { abortStepSeconds: null } })],
            {
              faults: [
                {
                  action: 'AbortChange',
                  changeId: CID,
                  responses: [{ status: 200, contentType: 'application/json', body }],
                },
              ],
            },
          ),
        );

        // Act
        const s = summaryOf(
          await h.handler(
            httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [CID] }) }),
            fakeContext(),
          ),
        );

        // Assert
        const journal = h.sandbox.journal();
        expect(s.results[0]?.outcome, body).toBe('failed');
        expect(s.results[0]?.detail).toContain('repeats the name');
        expect(s.results[0]?.detail).toContain('still running');
        expect(calls(journal, 'AbortChange')).toHaveLength(1);
        expect(calls(journal, 'DescribeChange')).toHaveLength(2);
        for (const r of h.records()) expect(r.outcome).not.toBe('aborted');
        await h.close();
        h = undefined;
      }),
      { numRuns: 12, seed: 5 },
    );
  });

  it('DescribeChange replies with a repeated name (ChangeAborted, ChangeFinished, UpdateTime): no AbortChange', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('ChangeFinished', 'ChangeAborted', 'UpdateTime', 'EnvId', 'Code'),
        async (name) => {
          // Arrange: the first copy makes the change look stuck, the last one (JSON.parse's) too.
          const now = Date.now();
          const fields: Members = [
            ['ChangeId', JSON.stringify(CID)],
            ['EnvId', JSON.stringify(EID)],
            ['ActionName', '"Apply"'],
            ['ChangeFinished', 'false'],
            ['ChangeSucceed', 'false'],
            ['ChangeAborted', 'false'],
            ['ChangePaused', 'false'],
            ['ChangeTimedout', 'false'],
            ['CreateTime', String(now - 95 * 60_000)],
            ['UpdateTime', String(now - 90 * 60_000)],
          ];
          const change1 =
            name === 'Code'
              ? obj(fields)
              : obj([...fields, [name, fields.find(([k]) => k === name)![1]]]);
          const top: Members = [
            ['Code', '"OK"'],
            ['RequestId', '"R-dup"'],
            ['Change', change1],
            ...(name === 'Code' ? ([['Code', '"OK"']] as Members) : []),
          ];
          h = await startHarness(
            scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })], {
              faults: [
                {
                  action: 'DescribeChange',
                  changeId: CID,
                  responses: [{ status: 200, contentType: 'application/json', body: obj(top) }],
                },
              ],
            }),
          );

          // Act
          const s = summaryOf(
            await h.handler(
              httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [CID] }) }),
              fakeContext(),
            ),
          );

          // Assert
          expect(calls(h.sandbox.journal(), 'AbortChange')).toHaveLength(0);
          expect(s.results[0]?.outcome).not.toBe('aborted');
          expect(s.results[0]?.detail).toContain('DescribeChange');
          expect(s.results[0]?.detail).toContain('repeats the name');
          await h.close();
          h = undefined;
        },
      ),
      { numRuns: 5 },
    );
  });
});

/** Any JSON object text, with one name repeated inside some object of it (built by hand). */
const repeatedTextArb = fc
  .tuple(
    fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
    fc.string({ maxLength: 6 }),
    fc.jsonValue({ maxDepth: 1 }),
    fc.jsonValue({ maxDepth: 1 }),
    fc.nat(3),
  )
  .map(([base, name, a, b, depth]) => {
    const pair = `${JSON.stringify(name)}:${JSON.stringify(a)},${JSON.stringify(name)}:${JSON.stringify(b)}`;
    let inner = `{${pair}}`;
    for (let i = 0; i < depth; i++) inner = i % 2 === 0 ? `[1,${inner}]` : `{"n${i}":${inner}}`;
    const rest = JSON.stringify({ Code: 'OK', ...base }).slice(1, -1);
    return `{${rest},"Nested":${inner}}`;
  });

describe('the readers never return a body from a reply with a repeated name (property)', () => {
  it('Web+ (every action) and SAE (read and mutating): 2,000 generated replies', () => {
    fc.assert(
      fc.property(
        repeatedTextArb,
        fc.constantFrom('AbortChange', 'DescribeChange', 'DescribeAppEnvs'),
        (body, action) => {
          // Arrange
          const reply = { status: 200, contentType: 'application/json', body };

          // Act / Assert: Web+
          let thrown: unknown;
          try {
            readReply(action, reply);
          } catch (err) {
            thrown = err;
          }
          expect(thrown).toBeInstanceOf(WebplusError);
          expect((thrown as WebplusError).code).toBe('DuplicateKeyReply');
          expect((thrown as WebplusError).ambiguous).toBe(action === 'AbortChange');

          // SAE: mutating → unconfirmed (re-read, never re-sent), read → permanent
          for (const mutating of [true, false]) {
            let platformThrown: unknown;
            try {
              readRoaReply(SAE_ENVELOPE, 'AbortChangeOrder', reply, mutating);
            } catch (err) {
              platformThrown = err;
            }
            expect(platformThrown).toBeInstanceOf(PlatformError);
            expect((platformThrown as PlatformError).code).toBe('DuplicateKeyReply');
            expect((platformThrown as PlatformError).kind).toBe(
              mutating ? 'unconfirmed' : 'permanent',
            );
          }
        },
      ),
      { numRuns: 2_000, seed: 77 },
    );
  });

  it('a reply without a repeated name reads as JSON.parse reads it: 2,000 generated replies', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
        (extra) => {
          // Arrange: JSON.stringify never repeats a name.
          const text = JSON.stringify({ ...extra, Code: 'OK' });

          // Act
          const body = readReply('DescribeChange', {
            status: 200,
            contentType: 'application/json',
            body: text,
          });

          // Assert
          expect(body).toEqual(JSON.parse(text));
        },
      ),
      { numRuns: 2_000, seed: 78 },
    );
  });
});
