/**
 * Every error class of the function and the CLI is a `WebplusAbortError` named after itself
 * (docs/ARCHITECTURE.md, "Errors"): read from the source text, so a new class that extends
 * `Error` directly, or forgets its `name`, fails here without anyone listing it. The sandbox,
 * an independent emulator, has its own errors and is not read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

interface ErrorClass {
  file: string;
  name: string;
  parent: string;
  body: string;
}

/** `class X extends Y {` … up to the next top-level `}` line. */
function classesIn(file: string): ErrorClass[] {
  const text = readFileSync(join(root, file), 'utf8');
  const found: ErrorClass[] = [];
  for (const m of text.matchAll(
    /^(?:export )?(?:abstract )?class (\w+)(?:<[^>]*>)? extends (\w+)/gm,
  )) {
    const start = m.index ?? 0;
    const end = text.indexOf('\n}', start);
    found.push({ file, name: m[1]!, parent: m[2]!, body: text.slice(start, end) });
  }
  return found;
}

const classes = ['shared', 'functions', 'cli'].flatMap(sources).flatMap(classesIn);
const byName = new Map(classes.map((c) => [c.name, c]));

/** The chain of parents up to a class not declared here (`Error`, `WebplusAbortError`'s parent). */
function chain(name: string): string[] {
  const out: string[] = [];
  let current = byName.get(name);
  while (current && !out.includes(current.parent)) {
    out.push(current.parent);
    current = byName.get(current.parent);
  }
  return out;
}

describe('error classes: one base, their own names', () => {
  const errors = classes.filter((c) => c.name.endsWith('Error') && c.name !== 'WebplusAbortError');

  it('finds the error classes it checks (the scan itself works)', () => {
    expect(errors.length).toBeGreaterThanOrEqual(20);
    expect(errors.map((c) => c.name)).toEqual(
      expect.arrayContaining(['ConfigError', 'PolicyError', 'WebplusError', 'PlatformError']),
    );
  });

  it('every one extends WebplusAbortError (directly or through another)', () => {
    const outside = errors
      .filter((c) => !chain(c.name).includes('WebplusAbortError'))
      .map((c) => `${c.file}: ${c.name} extends ${chain(c.name).join(' → ')}`);
    expect(outside).toEqual([]);
  });

  it('every one sets name to its own class name', () => {
    const misnamed = errors
      .filter((c) => !new RegExp(`readonly name(?::[^=]+)? = '${c.name}'`).test(c.body))
      .map((c) => `${c.file}: ${c.name}`);
    expect(misnamed).toEqual([]);
  });
});
