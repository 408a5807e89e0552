/**
 * Red-team 25 G8, at the redactor: a signature given to `Redactor.add` is searched like a secret,
 * in every disguise of test/helpers/disguise.ts `signatureDisguiseArb` (the secrets' disguises
 * plus its HMAC bytes in hex, upper hex, base64url, unpadded, twice percent-encoded, spaced,
 * split across two JSON fields), for each of the last MAX_ADDED_SECRETS added, after many more
 * were added and evicted (the index is updated in place, never rebuilt), including windows two
 * signatures share. Checked by the independent test/helpers/leaks.ts `signatureLeaks`.
 */
import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor, MAX_ADDED_SECRETS, REDACTED } from '#shared/core/redact.js';
import { SIGNATURE_DISGUISES, signatureDisguiseArb } from '../helpers/disguise.js';
import { signatureLeaks } from '../helpers/leaks.js';

/** base64 of an HMAC-SHA1 (`acs` / `LOG`, 28 characters) or HMAC-SHA256 (DingTalk, 44). */
const signatureArb = fc
  .tuple(fc.uint8Array({ minLength: 4, maxLength: 16 }), fc.boolean())
  .map(([data, sha256]) =>
    createHmac(sha256 ? 'sha256' : 'sha1', 'key')
      .update(Buffer.from(data))
      .digest('base64'),
  );

const ORDINARY =
  'DescribeChange: the request was refused by the gateway; retry later (RequestId 5D3A963D-5802-611C). ';

describe('added signatures are searched like secrets (red-team 25 G8, fast-check)', () => {
  it('every disguise of any live signature, after 3x the bound were added (evictions, growth), is removed', () => {
    // Arrange: one redactor, many signatures, as a sweep's Web+ client gets them.
    const redactor = createRedactor(['sEcReT0123abcXYZqrstuvwxyz0123']);
    const all = Array.from({ length: 3 * MAX_ADDED_SECRETS }, (_, n) =>
      createHmac(n % 2 ? 'sha1' : 'sha256', 'k')
        .update(`request ${n}`)
        .digest('base64'),
    );
    for (const s of all) redactor.add(s);
    const live = all.slice(-MAX_ADDED_SECRETS);

    fc.assert(
      fc.property(
        fc
          .constantFrom(...live)
          .chain((s) =>
            fc.tuple(fc.constant(s), signatureDisguiseArb(s), fc.string({ maxLength: 20 })),
          ),
        ([signature, disguised, filler]) => {
          // Act
          const out = redactor.text(`${ORDINARY}${filler} ${disguised.text} ${filler}`);

          // Assert
          expect(
            signatureLeaks(out, signature),
            `${disguised.how}: ${disguised.text} -> ${out}`,
          ).toEqual([]);
        },
      ),
      { numRuns: 600, seed: 2581 },
    );
    // Ordinary text keeps every word while 256 signatures are searched.
    expect(redactor.text(ORDINARY.repeat(20))).toBe(ORDINARY.repeat(20));
  });

  for (const how of SIGNATURE_DISGUISES) {
    it(`${how}: a fresh redactor given one random signature removes it`, () => {
      fc.assert(
        fc.property(
          signatureArb.chain((s) => fc.tuple(fc.constant(s), signatureDisguiseArb(s, [how]))),
          ([signature, disguised]) => {
            const redactor = createRedactor([]);
            redactor.add(signature);
            const out = redactor.text(`echo: ${disguised.text}.`);
            expect(signatureLeaks(out, signature), `${disguised.text} -> ${out}`).toEqual([]);
            expect(out).toContain(REDACTED);
          },
        ),
        { numRuns: 60, seed: 2582 + how.length },
      );
    });
  }

  it('the checker sees each disguise when nothing is redacted (or the tests would prove nothing)', () => {
    for (const how of SIGNATURE_DISGUISES) {
      const signature = createHmac('sha1', 'k').update(how).digest('base64');
      const [d] = fc.sample(signatureDisguiseArb(signature, [how]), { numRuns: 1, seed: 5 });
      expect(signatureLeaks(`echo: ${d!.text}.`, signature), how).not.toEqual([]);
    }
  });

  it('a window two signatures share stays removed after the first is evicted', () => {
    // Arrange: two signatures with a 20-character run in common, then enough others to evict the first.
    const shared = 'Zq8sharedRunOf20Ch9x';
    const first = `Kd7Pw2Lm9Qr4Ts1V${shared}Hj3Nb6Fc`;
    const second = `Yg5Rt8Ue2Wo4Ip6A${shared}Mz1Xc7Vb`;
    const redactor = createRedactor([]);
    redactor.add(first);
    redactor.add(second);
    for (let n = 0; n < MAX_ADDED_SECRETS - 1; n++)
      redactor.add(randomBytes(20).toString('base64'));

    // Act + Assert: the first is gone, the second (and the run it shares) still removed
    expect(redactor.text(`x ${first} y`)).toBe(`x Kd7Pw2Lm9Qr4Ts1V${REDACTED}Hj3Nb6Fc y`);
    expect(redactor.text(`x ${second} y`)).toBe(`x ${REDACTED} y`);
    expect(redactor.text(`x ${shared} y`)).toBe(`x ${REDACTED} y`);
    expect(redactor.text(`x ${Buffer.from(shared).toString('hex')} y`)).toBe(`x ${REDACTED} y`);
  });
});
