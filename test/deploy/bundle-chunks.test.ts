/**
 * The function bundle's source chunks (scripts/bundle-options.mjs `SOURCE_CHUNKS`, issue 16):
 * `platforms.js` (the SAE/EDAS pipeline, clients and platforms) and `notify-targets.js` (the
 * notification messages, target formats and post) are files beside `index.js`, read only when
 * a request needs them, and they take every module they share with `index.js` from it, so an
 * error thrown in a chunk is an instance of `index.js`'s classes. A chunk that cannot be loaded
 * is a record (`ChunkLoadFailed`, `notify_failed`), never a lost invocation.
 *
 * Each case builds nothing: the folder is built once (the real options) into a temp folder, and
 * each run is a fresh plain `node` process that requires its `index.js`, as FC loads it, against
 * the Web+ sandbox and the SAE emulator on loopback.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SaeSandbox, startSaeSandbox } from '../../sandbox/sae/server.js';
import { startWebplusSandbox } from '../../sandbox/webplus/index.js';
import { buildFunctionFolder, SOURCE_CHUNKS } from '../../scripts/bundle-options.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHUNK_FILES = ['index.js', 'notify-targets.js', 'platforms.js', 'sls-sdk.js', 'yaml.js'];

/**
 * Runs in the child: requires index.js, runs initialize, then (with CHILD_EVENT) one timer
 * sweep; prints which chunk files node loaded after each step, the summary, and (CHILD_DIRECT)
 * what an error thrown by platforms.js's list reader is an instance of.
 */
const CHILD = `
const path = require('node:path');
const fs = require('node:fs');
const dir = process.cwd();
const files = ${JSON.stringify(CHUNK_FILES)};
const loaded = () => Object.keys(require.cache).map((f) => path.basename(f)).filter((f) => files.includes(f)).sort();
const context = {
  requestId: 'chunks-1',
  credentials: { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' },
  function: { name: 'abort-stuck-changes', handler: 'index.handler', memory: 256, timeout: 60 },
  region: 'cn-hangzhou',
  accountId: '1234567890123456',
};
(async () => {
  const index = require(path.join(dir, 'index.js'));
  await index.initialize(context);
  const out = { afterInitialize: loaded() };
  if (process.env.CHILD_EVENT) {
    out.summary = await index.handler(fs.readFileSync(process.env.CHILD_EVENT), context);
    out.afterEvent = loaded();
  }
  if (process.env.CHILD_RESTORE_FROM) {
    // The chunk files put back, then a second invocation of the same instance.
    for (const f of ['platforms.js', 'notify-targets.js']) fs.copyFileSync(path.join(process.env.CHILD_RESTORE_FROM, f), path.join(dir, f));
    out.second = await index.handler(fs.readFileSync(process.env.CHILD_EVENT), { ...context, requestId: 'chunks-2' });
    out.afterSecond = loaded();
  }
  if (process.env.CHILD_DIRECT) {
    const host = index.__chunkHost;
    const chunk = require(path.join(dir, 'platforms.js'));
    const error = await chunk
      .readAllPages('sae', 'ListApplications', async () => ({ items: [{ id: 'a' }], listed: 1, totalCount: -1 }), (x) => x.id, 10)
      .catch((e) => e);
    out.direct = {
      name: error && error.name,
      code: error && error.code,
      isWebplusAbortError: error instanceof host['shared/core/errors.ts'].WebplusAbortError,
      isPlatformError: error instanceof host['shared/platform/errors.ts'].PlatformError,
      isChunkClass: error instanceof chunk.EndlessListError,
    };
  }
  process.stdout.write('\\nCHILD-RESULT ' + JSON.stringify(out) + '\\n');
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;

interface ChildResult {
  afterInitialize: string[];
  afterEvent?: string[];
  afterSecond?: string[];
  summary?: { results?: { outcome: string; changeId?: string; errorCode?: string }[] };
  direct?: Record<string, unknown>;
}

/** Runs the child against a fresh Web+ sandbox of the demo scenario (its URL in `WEBPLUS_ENDPOINT`). */
async function runChild(dir: string, env: Record<string, string>): Promise<ChildResult> {
  const webplus = await startWebplusSandbox(
    JSON.parse(readFileSync(join(root, 'sandbox', 'scenarios', 'demo.json'), 'utf8')),
  );
  try {
    return await spawnChild(dir, { ...env, WEBPLUS_ENDPOINT: webplus.url });
  } finally {
    await webplus.close();
  }
}

function spawnChild(dir: string, env: Record<string, string>): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      process.execPath,
      ['-e', CHILD],
      { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('CHILD-RESULT '));
        if (error || !line) {
          reject(new Error(`child failed: ${error?.message ?? ''} ${stderr.slice(-800)}`));
          return;
        }
        resolvePromise(JSON.parse(line.slice('CHILD-RESULT '.length)) as ChildResult);
      },
    );
  });
}

/** One JSON line per record of the file store. */
function recordsIn(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('function bundle source chunks (platforms.js, notify-targets.js)', () => {
  let dir: string;
  let work: string;
  let sae: SaeSandbox;
  let saeFaulty: SaeSandbox;
  let receiver: Server;
  let receiverUrl: string;
  const posts: string[] = [];
  const timerFile = join(root, 'test', 'fixtures', 'timer-sweep.json');
  const policy = join(root, 'docs', 'examples', 'policy.json');
  const scenario = JSON.parse(
    readFileSync(join(root, 'sandbox', 'scenarios', 'demo-all-platforms.json'), 'utf8'),
  ) as Record<string, unknown>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bundle-chunks-'));
    work = mkdtempSync(join(tmpdir(), 'bundle-chunks-work-'));
    await buildFunctionFolder(build, root, dir);
    sae = await startSaeSandbox(scenario);
    saeFaulty = await startSaeSandbox({
      ...scenario,
      sae: {
        ...(scenario.sae as object),
        faults: [
          {
            action: 'ListApplications',
            responses: [{ status: 400, code: 'InvalidParameter', message: 'refused' }],
          },
        ],
      },
    });
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      req.on('end', () => {
        posts.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  }, 120_000);
  afterAll(async () => {
    await Promise.allSettled([sae?.close(), saeFaulty?.close()]);
    await new Promise((r) => receiver?.close(r));
    rmSync(dir, { recursive: true, force: true });
    if (!process.env.KEEP_WORK) rmSync(work, { recursive: true, force: true });
  });

  /** The environment of a run: JSON policy, records to `file`, one timer sweep. */
  const envOf = (file: string, vars: Record<string, string> = {}): Record<string, string> => {
    const env: Record<string, string> = {
      FC_REGION: 'cn-hangzhou',
      LOG_STORE: 'file',
      OUTCOME_LOG_FILE: file,
      POLICY_FILE: policy,
      CHILD_EVENT: timerFile,
      ...vars,
    };
    // An empty POLICY_FILE means none (the policy is POLICY's).
    if (env.POLICY_FILE === '') delete env.POLICY_FILE;
    return env;
  };

  it('builds each source chunk beside index.js', () => {
    // Arrange / Act
    const files = Object.values(SOURCE_CHUNKS).sort();
    // Assert: the chunks' code is not in index.js (a SAE action and a DingTalk field)
    expect(files).toEqual(['notify-targets.js', 'platforms.js']);
    const index = readFileSync(join(dir, 'index.js'), 'utf8');
    expect(index).not.toContain('AbortChangeOrder');
    expect(index).not.toContain('msgtype');
    expect(readFileSync(join(dir, 'platforms.js'), 'utf8')).toContain('AbortChangeOrder');
    expect(readFileSync(join(dir, 'notify-targets.js'), 'utf8')).toContain('msgtype');
  });

  it('a Web+-only cold start and sweep never load platforms.js or notify-targets.js', async () => {
    // Arrange
    const file = join(work, 'webplus.jsonl');
    // Act
    const out = await runChild(dir, envOf(file));
    // Assert
    expect(out.afterInitialize).toEqual(['index.js']);
    expect(out.afterEvent).toEqual(['index.js']);
    expect(out.summary?.results?.length).toBeGreaterThan(0);
    expect(recordsIn(file).length).toBe(out.summary?.results?.length);
  }, 60_000);

  it('an SAE sweep loads platforms.js at the sweep, not at initialize, and decides', async () => {
    // Arrange
    const file = join(work, 'sae.jsonl');
    // Act
    const out = await runChild(
      dir,
      envOf(file, { PLATFORMS: 'webplus,sae', SAE_ENDPOINT: sae.url, SAE_QPS: '100' }),
    );
    // Assert: the stuck change order of the scenario is decided
    expect(out.afterInitialize).toEqual(['index.js']);
    expect(out.afterEvent).toEqual(['index.js', 'platforms.js']);
    const saeRecords = recordsIn(file).filter((r) => r.platform === 'sae');
    const stuck = saeRecords.find((r) => r.changeId === 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5e0001');
    expect(stuck?.outcome).toMatch(/^(aborted|would_abort)$/);
  }, 60_000);

  it("an error thrown in platforms.js is an instance of index.js's classes", async () => {
    // Arrange
    const file = join(work, 'direct.jsonl');
    // Act: the SAE sweep loads the chunk, then its list reader throws (a total of -1)
    const out = await runChild(
      dir,
      envOf(file, {
        PLATFORMS: 'sae',
        SAE_ENDPOINT: sae.url,
        SAE_QPS: '100',
        CHILD_DIRECT: '1',
      }),
    );
    // Assert
    expect(out.direct).toEqual({
      name: 'EndlessListError',
      code: 'PagingUnreconciled',
      isWebplusAbortError: true,
      isPlatformError: true,
      isChunkClass: true,
    });
  }, 60_000);

  it("an SAE reply error read in platforms.js is classified with index.js's PlatformError", async () => {
    // Arrange
    const file = join(work, 'fault.jsonl');
    // Act
    await runChild(
      dir,
      envOf(file, {
        PLATFORMS: 'sae',
        SAE_ENDPOINT: saeFaulty.url,
        SAE_QPS: '100',
        RETRY_MAX_ATTEMPTS: '1',
      }),
    );
    // Assert: the record names the platform's code (settledFrom's `instanceof PlatformError`)
    const records = recordsIn(file).filter((r) => r.platform === 'sae');
    expect(records.length).toBeGreaterThan(0);
    expect(records.some((r) => r.errorCode === 'InvalidParameter')).toBe(true);
    expect(records.every((r) => r.outcome !== 'aborted' && r.outcome !== 'dry_run')).toBe(true);
  }, 60_000);

  it('a notification target loads notify-targets.js at the first message only', async () => {
    // Arrange
    const file = join(work, 'notify.jsonl');
    const notifyPolicy = JSON.stringify({
      defaults: { mode: 'dry-run' },
      notify: {
        targets: [{ kind: 'webhook', urlEnv: 'HOOK_URL' }],
        outcomes: ['would_abort', 'failed'],
        minSeverity: 'info',
      },
    });
    posts.length = 0;
    // Act
    const out = await runChild(dir, {
      ...envOf(file, { HOOK_URL: receiverUrl, POLICY: notifyPolicy, POLICY_FILE: '' }),
    });
    // Assert
    expect(out.afterInitialize).toEqual(['index.js']);
    expect(out.afterEvent).toEqual(['index.js', 'notify-targets.js']);
    const note = recordsIn(file).find((r) => r.kind === 'notification');
    expect(note?.outcome).toBe('notified');
    expect(posts.length).toBe(1);
  }, 60_000);

  it.each(['platforms.js', 'notify-targets.js'])(
    '%s refuses to load without a loaded index.js (never binds to a second copy)',
    (file) => {
      // Arrange: a process that requires the chunk first
      const script =
        `try { require(${JSON.stringify(join('CHUNK_DIR', 'FILE'))}); process.stdout.write('loaded'); } catch (e) { process.stdout.write(e.message); }`
          .replace('CHUNK_DIR', dir)
          .replace('FILE', file);
      // Act
      const out = execFileSync(process.execPath, ['-e', script], {
        env: { PATH: process.env.PATH ?? '' },
        encoding: 'utf8',
      });
      // Assert
      expect(out).toBe(
        `${file} is loaded only by the index.js beside it, once its pipeline is loaded, and ${join(dir, 'index.js')} is not`,
      );
    },
  );

  describe('a code folder without its chunk files', () => {
    let broken: string;
    beforeAll(() => {
      broken = mkdtempSync(join(tmpdir(), 'bundle-chunks-broken-'));
      cpSync(dir, broken, { recursive: true });
      rmSync(join(broken, 'platforms.js'));
      rmSync(join(broken, 'notify-targets.js'));
    });
    afterAll(() => rmSync(broken, { recursive: true, force: true }));

    it('records an SAE sweep as failed (ChunkLoadFailed), and the Web+ sweep still runs', async () => {
      // Arrange
      const file = join(work, 'broken-sae.jsonl');
      // Act
      const out = await runChild(
        broken,
        envOf(file, { PLATFORMS: 'webplus,sae', SAE_ENDPOINT: sae.url }),
      );
      // Assert
      const records = recordsIn(file);
      const saeRecords = records.filter((r) => r.platform === 'sae');
      expect(saeRecords).toHaveLength(1);
      expect(saeRecords[0]).toMatchObject({ outcome: 'failed', errorCode: 'ChunkLoadFailed' });
      expect(String(saeRecords[0]?.detail)).toContain(
        'the SAE/EDAS code (platforms.js) could not be loaded',
      );
      expect(records.some((r) => r.platform !== 'sae' && r.outcome === 'aborted')).toBe(true);
      expect(out.summary?.results?.length).toBe(records.length);
    }, 60_000);

    it('tries the load again at the next invocation of the instance', async () => {
      // Arrange: a folder of its own without the chunks; the child puts them back between
      const again = mkdtempSync(join(tmpdir(), 'bundle-chunks-again-'));
      cpSync(broken, again, { recursive: true });
      const file = join(work, 'again.jsonl');
      try {
        // Act
        const out = await runChild(
          again,
          envOf(file, {
            PLATFORMS: 'sae',
            SAE_ENDPOINT: sae.url,
            SAE_QPS: '100',
            CHILD_RESTORE_FROM: dir,
          }),
        );
        // Assert: the first invocation's SAE record is ChunkLoadFailed, the second reads SAE
        const records = recordsIn(file).filter((r) => r.platform === 'sae');
        const first = records.filter((r) => r.invocationId === 'chunks-1');
        const second = records.filter((r) => r.invocationId === 'chunks-2');
        expect(first.map((r) => r.errorCode)).toEqual(['ChunkLoadFailed']);
        expect(second.length).toBeGreaterThan(0);
        expect(second.some((r) => r.errorCode === 'ChunkLoadFailed')).toBe(false);
        expect(out.afterSecond).toEqual(['index.js', 'platforms.js']);
      } finally {
        rmSync(again, { recursive: true, force: true });
      }
    }, 60_000);

    it('records a notification it cannot send as notify_failed', async () => {
      // Arrange
      const file = join(work, 'broken-notify.jsonl');
      const notifyPolicy = JSON.stringify({
        defaults: { mode: 'dry-run' },
        notify: {
          targets: [{ kind: 'webhook', urlEnv: 'HOOK_URL' }],
          outcomes: ['would_abort', 'failed'],
          minSeverity: 'info',
        },
      });
      // Act
      await runChild(broken, {
        ...envOf(file, { HOOK_URL: receiverUrl, POLICY: notifyPolicy, POLICY_FILE: '' }),
      });
      // Assert
      const note = recordsIn(file).find((r) => r.kind === 'notification');
      expect(note).toMatchObject({ outcome: 'notify_failed', errorCode: 'NotifyFailed' });
      expect(String(note?.detail)).toContain(
        'the notification code (notify-targets.js) could not be loaded',
      );
    }, 60_000);
  });
});
