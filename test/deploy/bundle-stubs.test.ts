/**
 * The function bundle's stubs (scripts/bundle-options.mjs) change no behaviour: a bundle built
 * with the real options to a temporary folder refuses a table of bad configurations and policies
 * with exactly the messages the source gives (zod's English messages survive the locale stub), and
 * accepts a good one, and its silent `debug` logs nothing of a signed request under `DEBUG=*`.
 * The bundle runs in its own `node` process, as FC loads it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/config.js';
import { loadPolicy } from '#shared/policy/load.js';
import { buildFunctionFolder } from '../../scripts/bundle-options.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Inputs and the variables they set (on top of LOG_STORE=stdout). */
const CASES: Record<string, string>[] = [
  { WEBPLUS_QPS: 'abc' },
  { WEBPLUS_QPS: '0' },
  { WEBPLUS_CONCURRENCY: '100000' },
  { WEBPLUS_ENDPOINT: 'not a url' },
  { LOG_STORE: 'kafka' },
  { ABORT_DRY_RUN: 'maybe' },
  { POLICY: '{"defaults":{"maxIdleMinute":30}}' },
  { POLICY: '{"defaults":{"maxIdleMinutes":"x"}}' },
  { POLICY: '{"defaults":{"maxIdleMinutes":-5}}' },
  { POLICY: '{"defaults":{"mode":"nope"}}' },
  { POLICY: 'defaults: [' },
  { POLICY: '{"protect":{"envIds":"we-1"}}' },
  { POLICY_FILE: join(root, 'docs', 'examples', 'policy-rollout.yaml') },
  { POLICY_FILE: join(root, 'docs', 'examples', 'policy.json') },
  {},
];

/** What the source answers for one case: `ok` or the error's message. */
function sourceAnswer(vars: Record<string, string>): string {
  try {
    const config = loadConfig({ LOG_STORE: 'stdout', ...vars });
    loadPolicy({ file: config.policyFile, inline: config.policyInline });
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  }
}

describe('function bundle with stubs (zod locales, xml2js, json-bigint, debug)', () => {
  let dir: string;
  let bundle: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bundle-stubs-'));
    bundle = join(dir, 'index.js');
    await buildFunctionFolder(build, root, dir);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves zod locales other than English out of the bundle', () => {
    // Arrange
    const text = readFileSync(bundle, 'utf8');
    // Act
    const size = statSync(bundle).size;
    // Assert: a German message of zod's "de" locale, and the English one it stands for
    expect(text).not.toContain('Ungültige Eingabe');
    expect(text).toContain('Invalid input');
    // The locales cost ~256 KiB (771 -> 515 KiB when they were left out); the code has grown
    // since (SAE/EDAS, regions, the normalising redactor), and yaml and @alicloud/log moved to
    // files of their own (632 -> 432 KiB), so 480 KiB still catches the locales or either chunk.
    expect(size).toBeLessThan(480 * 1024);
  });

  it('loads yaml.js only for a YAML policy and sls-sdk.js only when writing to SLS', () => {
    // Arrange: which of the chunk files a cold start required, per policy
    const script = `
const b = require(${JSON.stringify(bundle)});
const path = require('node:path');
b.initialize({}).then(() => {
  const loaded = Object.keys(require.cache).map((f) => path.basename(f)).sort();
  process.stdout.write(JSON.stringify(loaded));
});`;
    const run = (vars: Record<string, string>): string[] =>
      JSON.parse(
        execFileSync(process.execPath, ['-e', script], {
          cwd: dir,
          env: { PATH: process.env.PATH, LOG_STORE: 'stdout', ...vars },
          encoding: 'utf8',
        }),
      ) as string[];
    // Act
    const json = run({ POLICY_FILE: join(root, 'docs', 'examples', 'policy.json') });
    const yaml = run({ POLICY_FILE: join(root, 'docs', 'examples', 'policy-rollout.yaml') });
    // Assert
    expect(json).toEqual(['index.js']);
    expect(yaml).toEqual(['index.js', 'yaml.js']);
  }, 60_000);

  it("yaml.js (yaml's parse from its ES-module build) reads texts as the yaml package does", () => {
    // Arrange: texts with values, errors, a warning and a YAML 1.1 !!binary (Buffer under Node)
    const texts = [
      readFileSync(join(root, 'docs', 'examples', 'policy-rollout.yaml'), 'utf8'),
      readFileSync(join(root, 'docs', 'examples', 'policy-alarms.yaml'), 'utf8'),
      'a: 1\na: 2',
      'defaults: [',
      'x: !foo 1',
      '%YAML 1.1\n---\nb: !!binary aGVsbG8=\nc: yes\nd: 0o17\ne: 010',
      'k: &a [1, *a]',
      '? [a]\n: b',
      '- 0x1F\n- .inf\n- ~\n- 1e3\n- "q\\u00e9"',
    ];
    const script = `
const texts = ${JSON.stringify(texts)};
const warned = [];
process.emitWarning = (w) => warned.push(String(w && w.name) + ': ' + String(w && w.message).split('\\n')[0]);
const read = (yaml) => texts.map((t) => {
  try {
    return JSON.stringify(yaml.parse(t), function (k, v) {
      const raw = this[k];
      return Buffer.isBuffer(raw) ? 'Buffer ' + raw.toString('hex') : raw instanceof Uint8Array ? 'Uint8Array' : v;
    });
  } catch (e) {
    return e.name + ' ' + e.code + ' ' + e.message;
  }
});
const chunk = read(require(process.argv[1]));
const chunkWarnings = warned.splice(0);
const pkg = read(require('yaml'));
process.stdout.write(JSON.stringify({ chunk, pkg, chunkWarnings, pkgWarnings: warned }));`;
    // Act
    const out = JSON.parse(
      execFileSync(process.execPath, ['-e', script, join(dir, 'yaml.js')], {
        cwd: root,
        env: { PATH: process.env.PATH },
        encoding: 'utf8',
      }),
    ) as { chunk: string[]; pkg: string[]; chunkWarnings: string[]; pkgWarnings: string[] };
    // Assert
    expect(out.chunk).toEqual(out.pkg);
    expect(out.chunk[5]).toContain('"b":"Buffer 68656c6c6f"');
    expect(out.chunk[2]).toContain('DUPLICATE_KEY');
    expect(out.chunkWarnings).toEqual(out.pkgWarnings);
    expect(out.chunkWarnings[0]).toContain('YAMLWarning: Unresolved tag: !foo');
  }, 60_000);

  it('initialize with the stdout store loads neither node:stream/web (middy) nor node:fs/promises (file store)', () => {
    // Arrange: the built-in modules a cold start loaded, with the store and policy of s-prod's kind
    const script = `
const b = require(${JSON.stringify(bundle)});
b.initialize({}).then(() => {
  const stub = require(${JSON.stringify(join(root, 'scripts', 'stubs', 'middy-stream-web.cjs'))});
  const loaded = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13));
  process.stdout.write(JSON.stringify({ loaded, same: stub.ReadableStream === require('node:stream/web').ReadableStream }));
});`;
    // Act
    const out = JSON.parse(
      execFileSync(process.execPath, ['-e', script], {
        cwd: dir,
        env: {
          PATH: process.env.PATH,
          LOG_STORE: 'stdout',
          POLICY_FILE: join(root, 'docs', 'examples', 'policy.json'),
        },
        encoding: 'utf8',
      }),
    ) as { loaded: string[]; same: boolean };
    // Assert
    expect(out.loaded).toContain('crypto');
    expect(out.loaded).not.toContain('stream/web');
    expect(out.loaded).not.toContain('fs/promises');
    expect(out.same).toBe(true);
  }, 60_000);

  it('refuses and accepts exactly what the source does, with the same messages', () => {
    // Arrange: one process runs initialize once per case, with that case's environment
    const script = `
const b = require(${JSON.stringify(bundle)});
const cases = ${JSON.stringify(CASES)};
(async () => {
  const out = [];
  for (const vars of cases) {
    for (const k of Object.keys(process.env)) if (k !== 'PATH') delete process.env[k];
    Object.assign(process.env, { LOG_STORE: 'stdout' }, vars);
    try { await b.initialize({}); out.push('ok'); } catch (e) { out.push(e.message); }
  }
  process.stdout.write(JSON.stringify(out));
})();`;
    // Act
    const bundled = JSON.parse(
      execFileSync(process.execPath, ['-e', script], {
        cwd: dir,
        env: { PATH: process.env.PATH },
        encoding: 'utf8',
      }),
    ) as string[];
    // Assert
    const expected = CASES.map(sourceAnswer);
    expect(bundled).toEqual(expected);
    expect(expected.filter((a) => a === 'ok')).toHaveLength(3);
    expect(expected[1]).toContain('WEBPLUS_QPS');
  }, 60_000);

  it('writes no debug line under DEBUG=*: no signed header, token or body reaches stderr', async () => {
    // Arrange: a stand-in endpoint that keeps each request's headers and answers an error; the
    // bundle runs one timer sweep with DEBUG=* (with the real `debug` package, httpx would print
    // every request header, `Authorization` and the STS token among them, to stderr)
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"Code":"InvalidParameter","Message":"stand-in","RequestId":"r-1"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const token = 'sts-token-that-must-not-be-logged';
    const context = {
      requestId: 'debug-stub',
      credentials: {
        accessKeyId: 'AKID-debug',
        accessKeySecret: 'secret-debug',
        securityToken: token,
      },
      function: { name: 'abort-stuck-changes', handler: 'index.handler', memory: 128, timeout: 30 },
      service: { logProject: 'p', logStore: 's' },
      region: 'cn-hangzhou',
      accountId: '1234567890123456',
    };
    const script = `
const b = require(${JSON.stringify(bundle)});
const ctx = ${JSON.stringify(context)};
const event = Buffer.from(JSON.stringify({ triggerTime: '2026-05-20T02:00:00Z', triggerName: 'sweep-stuck-changes', payload: '' }));
b.initialize(ctx).then(() => b.handler(event, ctx)).then(() => process.stdout.write('done'));`;
    // Act
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>(
      (resolvePromise, reject) =>
        execFile(
          process.execPath,
          ['-e', script],
          {
            cwd: dir,
            env: {
              PATH: process.env.PATH,
              DEBUG: '*',
              DEBUG_COLORS: 'no',
              LOG_STORE: 'stdout',
              WEBPLUS_ENDPOINT: url,
              POLICY: '{"defaults":{"mode":"enforce"}}',
            },
            encoding: 'utf8',
          },
          (err, out, errOut) =>
            err ? reject(err) : resolvePromise({ stdout: out, stderr: errOut }),
        ),
    ).finally(() => server.close());
    // Assert: a signed request carrying the token was sent, and nothing of it was logged
    expect(stdout.endsWith('done')).toBe(true);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]!['x-acs-security-token']).toBe(token);
    expect(seen[0]!.authorization).toMatch(/^acs AKID-debug:/);
    expect(stderr).not.toContain('httpx:');
    expect(stderr).not.toContain('stringToSign');
    expect(`${stdout}${stderr}`).not.toContain(token);
    expect(`${stdout}${stderr}`).not.toContain(String(seen[0]!.authorization));
  }, 60_000);
});
