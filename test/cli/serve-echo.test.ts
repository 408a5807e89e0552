/**
 * Red-team finding (issue 12): `serve`'s access line printed a token pasted into the URL path;
 * the 404 answer echoed an AccessKey secret / STS token found in the path; a percent-encoded
 * token was echoed. As a kind: nothing from the request path or query is printed or answered
 * unredacted. The real `webplus-abort serve` (a child process) over loopback HTTP, signing with
 * a scenario's STS keys; its stderr and every answer are read back with an independent checker
 * (test/helpers/reveal.ts) for the secret in any dress.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaks } from '../helpers/leaks.js';
import { reveal } from '../helpers/reveal.js';

const BIN = join(process.cwd(), 'bin/webplus-abort.js');
const SECRET = 'Sv3cretKeyOfTheRole0123456789abcdefXYZ';
const STS = 'CAIS8gF1q6Ft5B2yfSjIr5bSE9ot1cZ5lrA0sqxgLQ1p0p2I9lLq3jcoTpFpM7yPFvnJ';
const TOKEN = 'serve-echo-token-0123';
const SECRETS = [SECRET, STS, TOKEN];

const pct = (s: string, lower = false) =>
  s
    .split('')
    .map((c) => {
      const h = c.charCodeAt(0).toString(16).padStart(2, '0');
      return `%${lower ? h : h.toUpperCase()}`;
    })
    .join('');

/** The secrets in the disguises of red-team B1-B3, as one error message. */
const DISGUISED = [
  'planted-echo',
  Buffer.from(`x${SECRET}`).toString('base64'),
  Buffer.from(`xy${STS}`).toString('base64url'),
  STS.slice(10, 31),
  `"${SECRET.slice(0, 15)}" + "${SECRET.slice(15)}"`,
  JSON.stringify([TOKEN.slice(0, 12), TOKEN.slice(12)]),
  Buffer.from(`z${STS}`).toString('hex').toUpperCase(),
  [...SECRET].reverse().join(''),
  SECRET.split('').join('-'),
  SECRET.replaceAll('o', '\u043e').replaceAll('e', '\u0435'),
].join(' ');

let child: ChildProcess;
let url: string;
const stderr: string[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'serve-echo-'));
  const scenario = JSON.parse(readFileSync('sandbox/scenarios/demo.json', 'utf8')) as Record<
    string,
    unknown
  >;
  scenario.credentials = [
    { accessKeyId: 'STS.serve-echo-ak', accessKeySecret: SECRET, securityToken: STS },
  ];
  // A sweep's DescribeApplications answers an error quoting the secrets in disguises (B1-B3).
  scenario.faults = [
    {
      action: 'DescribeApplications',
      responses: [{ status: 400, code: 'InvalidParameter', message: DISGUISED }],
    },
  ];
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^ALIBABA_CLOUD_|^ALICLOUD_|^HTTP_AUTH_TOKENS$|^POLICY/.test(k)) env[k] = v;
  }
  child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--scenario', file], {
    env: {
      ...env,
      HOME: dir,
      OUTCOME_LOG_FILE: join(dir, 'outcomes.jsonl'),
      HTTP_AUTH_TOKENS: TOKEN,
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  url = first.replace('listening on ', '');
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

/** Neither the text nor its revealed reading holds any secret. */
function expectClean(text: string, where: string): void {
  for (const s of SECRETS) {
    expect(text.includes(s), `${where}: raw`).toBe(false);
    expect(reveal(text).includes(s.toLowerCase()), `${where}: disguised`).toBe(false);
  }
}

/** Waits until serve has printed its access line for `requestCount` requests. */
async function accessLines(count: number): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    const lines = stderr.filter((l) => / serve-[0-9a-f-]{36}$/.test(l));
    if (lines.length >= count) return lines;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`serve printed ${stderr.length} stderr lines, not ${count} access lines`);
}

describe('serve never prints or answers a secret found in the request URL', () => {
  const paths: [string, string][] = [
    ['the AccessKey secret as the path', `/${SECRET}`],
    ['the STS token under a route', `/abort/${STS}`],
    ['the HTTP token as the path', `/${TOKEN}`],
    ['the HTTP token percent-encoded (upper-case hex)', `/${pct(TOKEN)}`],
    ['the HTTP token percent-encoded (lower-case hex)', `/x/${pct(TOKEN, true)}`],
    ['the HTTP token in upper case', `/${TOKEN.toUpperCase()}`],
    [
      'the secret split by %E2%80%8B (zero-width space)',
      `/${SECRET.slice(0, 9)}%E2%80%8B${SECRET.slice(9)}`,
    ],
    ['the secret in the query of an unknown path', `/nope?k=${SECRET}&${STS}=1`],
  ];

  it('a 404 for each: the answer and the access line carry none of them', async () => {
    const before = (await accessLines(0)).length;
    for (const [label, path] of paths) {
      // Act
      const res = await fetch(`${url}${path}`);
      const body = await res.text();

      // Assert
      expect(res.status, label).toBe(404);
      expectClean(body, `${label}: answer`);
      expectClean(JSON.stringify([...res.headers]), `${label}: headers`);
    }
    const lines = await accessLines(before + paths.length);
    expect(lines.length).toBeGreaterThanOrEqual(before + paths.length);
    for (const line of stderr) expectClean(line, `stderr: ${line}`);
    // The access line says what it can: the method, the path's length, the status.
    expect(lines.at(-1)).toMatch(/ GET \(unknown path, \d+ characters\) 404 serve-/);
  });

  it('a callback with the secrets in its query: 200, and neither the answer nor a line holds them', async () => {
    // Act: `token` authenticates; the other query keys are unknown (refused, naming the key).
    const res = await fetch(
      `${url}/cms-callback?token=${TOKEN}&${encodeURIComponent(SECRET)}=1&x=${pct(STS)}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'alertState=ALERT&alertName=a&dimensions=%7BchangeId%3Dwc-5d3a963d5802611c4ddc0001%7D',
      },
    );
    const body = await res.text();

    // Assert
    expect(res.status).toBe(200);
    expect(body).toContain('"outcome":"invalid"');
    expectClean(body, 'callback answer');
    await accessLines(1);
    for (const line of stderr) expectClean(line, `stderr: ${line}`);
  });

  it('Web+ answers a sweep with the secrets in disguises: the answer and the lines hold none of them', async () => {
    // Act
    const res = await fetch(`${url}/sweep`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const body = await res.text();

    // Assert: the planted answer came back (or the test would prove nothing), leaking nothing.
    expect(res.status).toBe(200);
    expect(body).toContain('planted-echo');
    for (const s of SECRETS) expect(leaks(body, s), `answer: ${body}`).toEqual([]);
    await accessLines(1);
    for (const line of stderr) for (const s of SECRETS) expect(leaks(line, s), line).toEqual([]);
  });

  it('a 401 with a wrong token in the path and the Authorization header echoes nothing', async () => {
    // Act
    const res = await fetch(`${url}/abort`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({ changeIds: [STS] }),
    });
    const body = await res.text();

    // Assert
    expect(res.status).toBe(401);
    expectClean(body, '401 answer');
    for (const line of stderr) expectClean(line, `stderr: ${line}`);
  });
});
