/**
 * The repository explains itself: every relative link in the docs resolves to a file of this
 * repository (and, for `file.md#anchor`, to a heading of that file). The contracts live in
 * docs/reference/ (see docs/reference/README.md).
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

const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/** Every broken relative link of one markdown file, as `file: target (why)`. */
function brokenLinks(file: string): string[] {
  const markdown = readFileSync(join(root, file), 'utf8');
  const broken: string[] = [];
  for (const target of linkTargets(markdown)) {
    if (EXTERNAL.test(target)) continue;
    const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
    const path = decodeURIComponent(pathPart);
    const absolute = path === '' ? join(root, file) : resolve(root, dirname(file), path);
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
