/**
 * The layering rule of docs/ARCHITECTURE.md, as a check over import specifiers.
 *
 * Every arrow points down: `functions`, `cli` → `shared/pipeline` → stages → `shared/model` →
 * platform clients → `shared/fc`, `shared/config` → `shared/core`. Stages never import one
 * another. `sandbox/` (the emulators) never imports `shared/`, and `shared/` never imports the
 * command line, the sandbox, tests or benchmarks. Run by `npm test` (test/architecture/layering.test.ts);
 * `npx tsx scripts/check-layers.ts` prints the violations of the working tree.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Layer names, from a repository-relative path. */
const LAYER_OF: Array<[prefix: string, layer: string]> = [
  ['shared/pipeline/', 'pipeline'],
  ['shared/intake/', 'stage:intake'],
  ['shared/targeting/', 'stage:targeting'],
  ['shared/policy/', 'stage:policy'],
  ['shared/executor/', 'stage:executor'],
  ['shared/outcome-log/', 'stage:outcome-log'],
  ['shared/notify/', 'stage:notify'],
  ['shared/model/', 'model'],
  ['shared/platform/', 'platform'],
  ['shared/webplus/', 'platform'],
  ['shared/sae/', 'platform'],
  ['shared/edas/', 'platform'],
  ['shared/sls/', 'platform'],
  ['shared/fc/', 'fc'],
  ['shared/config/', 'config'],
  ['shared/core/', 'core'],
  ['shared/', 'shared-root'],
  ['functions/', 'entry'],
  ['cli/', 'entry'],
  ['sandbox/', 'sandbox'],
];

const STAGE_BELOW = ['model', 'platform', 'fc', 'config', 'core', 'shared-root'];

/** What each layer may import besides itself. `stage:*` means any stage (pipeline only). */
const ALLOWED: Record<string, readonly string[]> = {
  entry: ['*'],
  pipeline: ['stage:*', ...STAGE_BELOW],
  stage: STAGE_BELOW,
  model: ['platform', 'core', 'shared-root'],
  platform: ['core', 'shared-root'],
  fc: ['core'],
  config: ['core', 'shared-root'],
  core: [],
  'shared-root': ['core'],
  sandbox: ['sandbox'],
};

/** The layer of a repository-relative path, or `undefined` outside the layered folders. */
export function layerOf(file: string): string | undefined {
  for (const [prefix, layer] of LAYER_OF) if (file.startsWith(prefix)) return layer;
  return undefined;
}

/** One import that breaks the rule. */
export interface LayerViolation {
  file: string;
  specifier: string;
  from: string;
  to: string;
}

/** True when a file of layer `from` may import a file of layer `to`. */
export function mayImport(from: string, to: string): boolean {
  if (from === to) return true;
  if (from.startsWith('stage:') && to.startsWith('stage:')) return false;
  const allowed = ALLOWED[from.startsWith('stage:') ? 'stage' : from] ?? ['*'];
  if (allowed.includes('*')) return true;
  if (to.startsWith('stage:')) return allowed.includes('stage:*');
  return allowed.includes(to);
}

const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]((?:\.{1,2}|#shared)\/[^'"]+)['"]|import\(\s*['"]((?:\.{1,2}|#shared)\/[^'"]+)['"]\s*\)/g;

/**
 * The violations in `files` (repository-relative paths) read through `read`.
 * Only relative specifiers count: packages are not layers.
 */
export function findViolations(
  files: readonly string[],
  read: (file: string) => string,
): LayerViolation[] {
  const out: LayerViolation[] = [];
  for (const file of files) {
    const from = layerOf(file);
    if (!from || !/\.(ts|mts|js|mjs)$/.test(file)) continue;
    for (const m of read(file).matchAll(SPECIFIER)) {
      const specifier = (m[1] ?? m[2]) as string;
      // `#shared/…` is the package.json `imports` alias of `./shared/…`.
      const target = specifier.startsWith('#shared/')
        ? specifier.slice(1)
        : path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
      const insideShared = file.startsWith('shared/');
      if (insideShared && !target.startsWith('shared/') && target !== 'package.json') {
        out.push({ file, specifier, from, to: 'outside shared/' });
        continue;
      }
      const to = layerOf(target);
      if (!to || (from === 'sandbox' && !target.startsWith('shared/'))) continue;
      if (!mayImport(from, to)) out.push({ file, specifier, from, to });
    }
  }
  return out;
}

/** The violations of the files git tracks (and untracked, not ignored) under `repoDir`. */
export function checkRepository(repoDir: string): LayerViolation[] {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: repoDir,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
  return findViolations(files, (f) => {
    try {
      return readFileSync(path.join(repoDir, f), 'utf8');
    } catch {
      return '';
    }
  });
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const violations = checkRepository(process.cwd());
  for (const v of violations) {
    console.log(`${v.file}: imports ${v.specifier} (${v.from} may not import ${v.to})`);
  }
  console.log(`${violations.length} layering violation(s)`);
  process.exitCode = violations.length ? 1 : 0;
}
