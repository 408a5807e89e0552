/**
 * An independent reading of an output text for secret checks: written without looking at
 * shared/core/redact.ts and sharing no code with it. It undoes the disguises an echo can give a
 * secret (invisible characters, \\uXXXX and %XX escapes, full-width forms, case), so a test can
 * assert that `reveal(output)` does not hold `secret.toLowerCase()`.
 */

/** Characters that render as nothing (a hand-written list, not the redactor's class). */
export const INVISIBLES = [
  '\u200B', // zero-width space
  '\u200C', // zero-width non-joiner
  '\u200D', // zero-width joiner
  '\u2060', // word joiner
  '\uFEFF', // BOM
  '\u00AD', // soft hyphen
  '\u200E', // left-to-right mark
  '\u202E', // right-to-left override
  '\u0000',
  '\u0007',
  '\u001B',
  '\u007F',
  '\n',
  '\t',
  '\r',
  '\u034F', // combining grapheme joiner
  '\uFE0F', // variation selector 16
  '\u180E', // Mongolian vowel separator
];

/** The checker's own reading of a text: escapes decoded, invisibles dropped, case folded. */
export function reveal(text: string): string {
  let t = text;
  for (const inv of INVISIBLES) t = t.split(inv).join('');
  t = t.replace(/\\u([0-9a-fA-F]{4})/g, (_m, h: string) =>
    String.fromCharCode(Number.parseInt(h, 16)),
  );
  t = t.replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) =>
    String.fromCharCode(Number.parseInt(h, 16)),
  );
  t = t.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  return t.toLowerCase();
}
