/**
 * The repository explains itself (see test/README.md):
 * - no tracked file points at the design notes, the reference notes or any other file that lived
 *   beside the repository instead of in it (the contracts live in docs/reference/);
 * - every relative link in a tracked markdown file resolves to a file of this repository (and,
 *   for `file.md#anchor`, to a heading of that file), and every repository path named in inline
 *   code exists.
 * The forbidden strings are assembled from pieces so that this file does not contain them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/** Tracked files plus new ones not ignored by .gitignore, relative to the repository root. */
function repoFiles(): string[] {
  const out = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '-z'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  return out
    .split('\0')
    .filter((f) => f !== '' && !f.startsWith('node_modules/') && !f.startsWith('dist/'))
    .filter((f) => existsSync(join(root, f)));
}

/** Markdown with fenced code blocks and inline code removed (links there are not links). */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Targets of inline links `[text](target)` and `[text](target "title")`. */
function linkTargets(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map(
    (m) => m[1]!,
  );
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsIn(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const m of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = anchorOf(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** The design notes' file name, which no file of the repository may name. */
const DESIGN_NOTES = ['DESIGN', 'md'].join('.');
/** The folder of reference notes beside the repository (the repository's own is docs/reference). */
const OUTSIDE_REFERENCE = ['shared', 'reference'].join('/');
/** A relative path naming a folder called `shared`, one or more `../` (or `./`) segments deep. */
const RELATIVE_SHARED = /(?<![\w./-])((?:\.\.?\/)+)shared((?:\/[\w.-]+)*)/g;

/** True when `path` (repository-relative) is a file or folder, or a `.js` import of a `.ts` file. */
function existsInRepo(path: string): boolean {
  return existsSync(join(root, path)) || existsSync(join(root, path.replace(/\.js$/, '.ts')));
}

/**
 * Every pointer of one file to something outside the repository, as `file:line: text (why)`:
 * the design notes by name, the outside reference folder, and any relative `…/shared…` path that,
 * resolved from the file's folder, leaves the repository or names nothing in it.
 */
function outsidePointers(file: string, text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    const at = `${file}:${i + 1}`;
    if (line.includes(DESIGN_NOTES)) found.push(`${at}: names ${DESIGN_NOTES}`);
    if (line.includes(OUTSIDE_REFERENCE)) found.push(`${at}: names ${OUTSIDE_REFERENCE}`);
    for (const m of line.matchAll(RELATIVE_SHARED)) {
      if (!m[1]!.includes('..')) continue;
      const target = relative(root, resolve(root, dirname(file), `${m[1]}shared${m[2]}`));
      if (target.startsWith('..')) found.push(`${at}: ${m[0]} (outside the repository)`);
      else if (!existsInRepo(target)) found.push(`${at}: ${m[0]} (no ${target} in the repository)`);
    }
  });
  return found;
}

const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/** Every broken relative link of one markdown file, as `file: target (why)`. */
function brokenLinks(file: string): string[] {
  const markdown = readFileSync(join(root, file), 'utf8');
  const broken: string[] = [];
  for (const target of linkTargets(markdown)) {
    if (EXTERNAL.test(target)) continue;
    const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
    const path = decodeURIComponent(pathPart);
    // A link starting with `/` is relative to the repository root (as GitHub renders it).
    const absolute =
      path === ''
        ? join(root, file)
        : path.startsWith('/')
          ? join(root, path)
          : resolve(root, dirname(file), path);
    const inRepo = relative(root, absolute);
    if (inRepo.startsWith('..')) {
      broken.push(`${file}: ${target} (points outside the repository)`);
      continue;
    }
    if (!existsSync(absolute)) {
      broken.push(`${file}: ${target} (no such file)`);
      continue;
    }
    if (anchor && statSync(absolute).isFile() && absolute.endsWith('.md')) {
      if (!anchorsIn(readFileSync(absolute, 'utf8')).has(anchor)) {
        broken.push(`${file}: ${target} (no heading #${anchor})`);
      }
    }
  }
  return broken;
}

/** Top-level folders whose paths docs name in backticks, e.g. `shared/webplus/client.ts`. */
const PATH_IN_CODE = /`((?:shared|cli|sandbox|functions|test|bench|docs|scripts|bin)\/[\w./-]+)`/g;

/** Repository paths named in inline code that do not exist (globs and placeholders skipped). */
function missingNamedPaths(file: string): string[] {
  const markdown = readFileSync(join(root, file), 'utf8').replace(/^(```|~~~)[\s\S]*?^\1/gm, '');
  return [...markdown.matchAll(PATH_IN_CODE)]
    .map((m) => m[1]!)
    .filter((path) => !existsSync(join(root, path)))
    .map((path) => `${file}: \`${path}\``);
}

describe('no file points outside the repository', () => {
  const files = repoFiles();

  it('no tracked file names the design notes, the outside reference notes or a path beside the repository', () => {
    const found = files.flatMap((file) => {
      const bytes = readFileSync(join(root, file));
      if (bytes.includes(0)) return []; // binary
      return outsidePointers(file, bytes.toString('utf8'));
    });
    expect(found).toEqual([]);
  });

  it('the checker catches each kind of pointer and leaves imports of this repository alone', () => {
    const up = '../';
    const lines = [
      `see ${DESIGN_NOTES}, "Time"`,
      `facts: ${up}${OUTSIDE_REFERENCE}/fc-triggers.md`,
      `fixtures in ${up}fixtures/events and ${up}${up}${up}shared/cases/README.md`,
      `import { x } from '${up}${up}shared/config/config.js';`,
      `docs link [client](${up}shared/webplus/client.ts)`,
    ].join('\n');
    expect(outsidePointers('test/docs/sample.ts', lines)).toEqual([
      `test/docs/sample.ts:1: names ${DESIGN_NOTES}`,
      `test/docs/sample.ts:2: names ${OUTSIDE_REFERENCE}`,
      `test/docs/sample.ts:2: ${up}${OUTSIDE_REFERENCE}/fc-triggers.md (no test/${OUTSIDE_REFERENCE}/fc-triggers.md in the repository)`,
      `test/docs/sample.ts:3: ${up}${up}${up}shared/cases/README.md (outside the repository)`,
      `test/docs/sample.ts:5: ${up}shared/webplus/client.ts (no test/shared/webplus/client.ts in the repository)`,
    ]);
    expect(outsidePointers('docs/sample.md', `[client](${up}shared/webplus/client.ts)`)).toEqual(
      [],
    );
  });
});

describe('docs link only to files of this repository', () => {
  const docs = repoFiles().filter((f) => f.endsWith('.md'));

  it('finds the docs to check (every tracked *.md: README.md, docs/**, test/README.md, ...)', () => {
    expect(docs).toContain('README.md');
    expect(docs).toContain('docs/reference/README.md');
    expect(docs).toContain('test/README.md');
    expect(docs.length).toBeGreaterThanOrEqual(12);
  });

  it('every relative link resolves to a file, and every #anchor to a heading', () => {
    expect(docs.flatMap(brokenLinks)).toEqual([]);
  });

  it('every repository path named in inline code exists', () => {
    expect(docs.flatMap(missingNamedPaths)).toEqual([]);
  });

  it('the checker itself catches a missing file, a missing anchor and a way out', () => {
    const sample = '[a](nope.md) [b](README.md#no-such-heading) [c](../../outside.md) `[d](x.md)`';
    expect(linkTargets(sample)).toEqual([
      'nope.md',
      'README.md#no-such-heading',
      '../../outside.md',
    ]);
    expect(anchorsIn('# Case tags C01 … C13\n## Run summary')).toEqual(
      new Set(['case-tags-c01--c13', 'run-summary']),
    );
  });
});

describe('test/README.md explains the case tags', () => {
  const readme = readFileSync(join(root, 'test/README.md'), 'utf8');
  const tagged = repoFiles().filter(
    (f) =>
      f.startsWith('test/') &&
      f.endsWith('.test.ts') &&
      /describe(?:\.\w+)?\(\s*['"`]C\d\d\b/.test(readFileSync(join(root, f), 'utf8')),
  );

  it('every test whose describe() title starts with a case tag is listed under that tag, by its folder', () => {
    expect(tagged.length).toBeGreaterThanOrEqual(13);
    const wrong = tagged.flatMap((file) => {
      const text = readFileSync(join(root, file), 'utf8');
      const tags = [...text.matchAll(/describe(?:\.\w+)?\(\s*['"`](C\d\d)\b/g)].map((m) => m[1]!);
      const name = file.slice('test/'.length);
      const row = readme.split('\n').find((line) => line.startsWith(`| ${tags[0]} `));
      return row?.includes(`\`${name}\``) ? [] : [`${file}: not listed under ${tags[0]}`];
    });
    expect(wrong).toEqual([]);
  });

  it('every case tag has at least one test file, and every file listed under a tag exists', () => {
    const rows = readme.split('\n').filter((line) => /^\| C\d\d \|/.test(line));
    expect(rows).toHaveLength(13);
    const listed = rows.flatMap((row) =>
      [...row.matchAll(/`([\w./-]+\.test\.ts)`/g)].map((m) => m[1]!),
    );
    expect(rows.filter((row) => !/`[\w./-]+\.test\.ts`/.test(row))).toEqual([]);
    expect(listed.filter((name) => !existsSync(join(root, 'test', name)))).toEqual([]);
  });

  it('every tag C01 … C13 is explained in the table of failure kinds', () => {
    const tags = Array.from({ length: 13 }, (_, i) => `C${String(i + 1).padStart(2, '0')}`);
    expect(tags.filter((tag) => !readme.includes(`| **${tag}** |`))).toEqual([]);
  });
});
