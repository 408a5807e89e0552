/**
 * The repository's published texts, and whether an HTTP token comes from them: `check-deploy`
 * refuses a token that anyone who read the docs could know. A token is from the docs when it
 * appears anywhere in them (case-insensitive), or when it contains a sample token the docs
 * show (after `Bearer `, `X-Abort-Token: `, `HTTP_AUTH_TOKENS=`, `token=`) with its trailing
 * digits dropped (`local-dev-token-0002xyz` contains the sample `local-dev-token-0001`'s stem
 * `local-dev-token`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** One published text: its path relative to the repository root, and its content. */
export interface DocText {
  path: string;
  text: string;
}

/** Files read, relative to the root: README, CHANGELOG, every Markdown file under docs/, docs/examples/*, the s.yaml files (their comments included), the scenarios. */
function docPaths(root: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
    );
  const docs = walk('docs').filter((p) => /\.(md|ya?ml|json)$/.test(p));
  const scenarios = walk(join('sandbox', 'scenarios'));
  return ['README.md', 'CHANGELOG.md', 's.yaml', 's-prod.yaml', ...docs, ...scenarios];
}

/**
 * Reads the published texts of the repository at `root`.
 * @throws Error (with the file) when one cannot be read: the check then cannot be made
 */
export function readDocTexts(root: string): DocText[] {
  return docPaths(root).map((path) => ({
    path: relative(root, join(root, path)),
    text: readFileSync(join(root, path), 'utf8'),
  }));
}

/** Tokens the texts show as samples, lower case (placeholders such as `<token>` or `$TOKEN` are not tokens). */
export function sampleTokens(texts: readonly DocText[]): string[] {
  const found = new Set<string>();
  const shape = /(?:bearer\s+|x-abort-token:\s*|http_auth_tokens=|[?&]token=)([a-z0-9._~,-]+)/gi;
  for (const { text } of texts) {
    for (const m of text.matchAll(shape)) {
      for (const t of m[1]!.split(',')) if (t.length >= 8) found.add(t.toLowerCase());
    }
  }
  return [...found];
}

/**
 * Where `token` comes from in the texts: the file it appears in, or the sample whose stem it
 * contains; `undefined` when it appears nowhere. `extraSamples` are samples named in code
 * (tests' tokens) treated like the docs' own.
 */
export function docSourceOf(
  token: string,
  texts: readonly DocText[],
  extraSamples: readonly string[] = [],
): string | undefined {
  const t = token.toLowerCase();
  for (const { path, text } of texts) if (text.toLowerCase().includes(t)) return path;
  for (const sample of [...sampleTokens(texts), ...extraSamples.map((s) => s.toLowerCase())]) {
    const stem = sample.replace(/[-_.~]?\d+$/, '');
    if (stem.length >= 8 && t.includes(stem)) return `the sample token ${sample}`;
  }
  return undefined;
}
