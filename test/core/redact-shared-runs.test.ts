/**
 * Issue 16 (session 25, p16a): the run sets of a secret set are built once and shared by the
 * redactors of the same secrets (at most SHARED_RUN_SETS sets kept), and a text's identity map
 * is shared. What a redactor removes must not change: each removes its own secrets' runs, never
 * another set's, whatever was built before it, in whatever order, and after its set was dropped
 * from the cache and built again; texts of every length (short, long, past one window) come out
 * the same as from a redactor built alone.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED, SHARED_RUN_SETS } from '#shared/core/redact.js';

/** A 40-character secret unlike any other (hex of a hash). */
const secret = (n: number) => createHash('sha256').update(`secret ${n}`).digest('hex').slice(0, 40);
/** Texts holding a run of `s` in several dresses, and a text holding none. */
const textsWith = (s: string) => [
  `Message: key ${s} refused`,
  `piece ${s.slice(5, 17)} of it`,
  `reversed ${[...s].reverse().join('')}`,
  `base64 ${Buffer.from(`x${s}`).toString('base64')}`,
  `${'x'.repeat(20_000)} far ${s} in a long text ${'y'.repeat(300)}`,
];

describe('shared run sets of the redactor (issue 16)', () => {
  it('a redactor removes its own secrets and keeps another set’s, in either build order', () => {
    const a = secret(1);
    const b = secret(2);
    const ra = createRedactor([a]);
    for (const t of textsWith(a)) expect(ra.text(t)).toContain(REDACTED);
    const rb = createRedactor([b]);
    for (const t of textsWith(a)) expect(rb.text(t)).toBe(t);
    for (const t of textsWith(b)) expect(rb.text(t)).toContain(REDACTED);
    for (const t of textsWith(b)) expect(ra.text(t)).toBe(t);
  });

  it('the same secrets in another order (and repeated) share one set and redact alike', () => {
    const [a, b, c] = [secret(3), secret(4), secret(5)];
    const r1 = createRedactor([a, b, c]);
    const r2 = createRedactor([c, undefined, a, b, a, 'short']);
    for (const s of [a, b, c])
      for (const t of textsWith(s)) {
        expect(r2.text(t)).toBe(r1.text(t));
        expect(r1.text(t)).toContain(REDACTED);
      }
    // A subset is another set: the secret left out is kept.
    const r3 = createRedactor([a, b]);
    for (const t of textsWith(c)) expect(r3.text(t)).toBe(t);
  });

  it(`a set dropped after ${SHARED_RUN_SETS} others is built again and still removes its runs`, () => {
    const first = secret(10);
    const r = createRedactor([first]);
    const before = textsWith(first).map((t) => r.text(t));
    for (let n = 0; n <= SHARED_RUN_SETS + 1; n++)
      createRedactor([secret(11 + n)]).text('12345678');
    const again = createRedactor([first]);
    expect(textsWith(first).map((t) => again.text(t))).toEqual(before);
    // The redactor built before the drop keeps its own sets.
    expect(textsWith(first).map((t) => r.text(t))).toEqual(before);
  });

  it('texts of every length come out as they did before a longer text was read', () => {
    const s = secret(30);
    const r = createRedactor([s]);
    const short = `code=${s.slice(0, 10)}; SecurityToken=abcdefgh12345678 next`;
    const first = r.text(short);
    r.text(`${'z'.repeat(16_000)} ${s}`);
    expect(r.text(short)).toBe(first);
    expect(first).toBe(`code=${REDACTED}; SecurityToken=${REDACTED} next`);
  });
});
