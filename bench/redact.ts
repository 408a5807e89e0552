/**
 * The redactor's cost per outcome record, printed as ratios (not a timed test).
 *
 * Every record passes `createRedactor(...).value(record)` before it is written
 * (shared/pipeline/run-requests.ts). This bench builds one invocation's redactor with secrets
 * of real sizes (a 30-character AccessKey secret, a 600-character STS token, two HTTP tokens)
 * and redacts three kinds of record: a plain `aborted` record, a `failed` record whose
 * `errorMessage` quotes a 2 KB error body (the largest a record keeps), and the same with the
 * STS token echoed in it. Each figure is the redactor's time per record ÷ `JSON.stringify` of
 * the same record (the work a record costs anyway), so the ratio does not depend on the machine.
 * The cost of building the redactor is printed ÷ one plain record: for new keys (a first
 * invocation, or new STS keys) and again for the same keys (a warm invocation: the built sets
 * are shared, shared/core/redact.ts `sharedRuns`).
 *
 * Also the alarm path's only redaction before an AbortChange: intake redacts its result with the
 * HTTP tokens (shared/intake/classify.ts, `redactTokens`, whose redactor is reused while the
 * tokens stay the same), ÷ `JSON.stringify` of that result.
 *
 * Run: `npx tsx bench/redact.ts` (about 5 s). To compare with another version of the redactor,
 * give its file: `git show <commit>:shared/core/redact.ts > /tmp/redact-before.ts` then
 * `npx tsx bench/redact.ts /tmp/redact-before.ts`.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as current from '#shared/core/redact.js';

const other = process.argv[2];
const { createRedactor, redactTokens } = (
  other ? await import(pathToFileURL(other).href) : current
) as typeof current;

const secret = randomBytes(23).toString('base64').slice(0, 30);
const stsToken = `CAIS${randomBytes(450).toString('base64')}`.slice(0, 600);
const tokens = ['bench-http-token-0123456789', randomBytes(24).toString('base64url')];

const plain = {
  time: '2026-12-02T03:15:00.000Z',
  changeId: 'wc-5d3a963d5802611c4d000001',
  envId: 'we-5d39b8ba6786bd4b14000001',
  appId: 'wa-5d39b8ba6786bd4b14000001',
  regionId: 'cn-hangzhou',
  envName: 'prod-env',
  appName: 'shop-api',
  trigger: 'timer',
  invocationId: 'a0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e',
  mode: 'enforce',
  outcome: 'aborted',
  detail: 'stuck 95 min (idle 90 min > 45): AbortChange accepted, re-read shows aborted',
  attempts: 1,
  webplusRequestId: 'B5C3E1A2-0D4F-4E6A-9B8C-7D6E5F4A3B2C',
  changeAgeMinutes: 95,
  idleMinutes: 90,
  latencyMs: 312,
};
const body2k =
  `{"Code":"InvalidParameter","Message":"${'the request was refused by the gateway; '.repeat(50)}"}`.slice(
    0,
    2048,
  );
const failed = {
  ...plain,
  outcome: 'failed',
  errorCode: 'InvalidParameter',
  errorMessage: body2k,
};
const echoed = {
  ...failed,
  errorMessage: `${body2k.slice(0, 1200)} x-acs-security-token:${stsToken} ${Buffer.from(`x${secret}`).toString('base64')}`,
};

function perOp(fn: () => unknown, minMs = 400): number {
  for (let i = 0; i < 20; i++) fn();
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    for (let i = 0; i < 20; i++) fn();
    n += 20;
    t = performance.now();
  }
  return (t - t0) / n;
}

const redactor = createRedactor([secret, stsToken, ...tokens]);
// The sets are built on the first text long enough to search (a lazy redactor): force it. A new
// STS token each time is a first build (new keys); the same keys again reuse the built sets.
const build = perOp(() =>
  createRedactor([
    secret,
    `CAIS${randomBytes(450).toString('base64')}`.slice(0, 600),
    ...tokens,
  ]).text('12345678'),
);
const rebuild = perOp(() => createRedactor([secret, stsToken, ...tokens]).text('12345678'));
console.log('redactor cost ÷ JSON.stringify of the same record (lower is cheaper)');
for (const [name, record] of [
  ['plain aborted record', plain],
  ['failed record, 2 KB error body', failed],
  ['failed record, STS token echoed', echoed],
] as const) {
  const redact = perOp(() => redactor.value(record));
  const stringify = perOp(() => JSON.stringify(record));
  console.log(
    `  ${name.padEnd(34)} ${(redact / stringify).toFixed(0).padStart(6)}×  (${(redact * 1000).toFixed(1)} µs)`,
  );
}
const intakeResult = {
  kind: 'requests',
  requests: [
    {
      kind: 'abort',
      source: 'alarm',
      trigger: 'cms-callback',
      changeIds: ['wc-5d3a963d5802611c4d000001'],
      envIds: ['we-5d39b8ba6786bd4b14000001'],
      alarm: { alertName: 'change-stuck', alertState: 'ALERT', ruleId: 'rule-0001' },
      invalid: [],
    },
  ],
};
const intake = perOp(() => redactTokens(intakeResult, tokens));
console.log(
  `  ${'intake result (alarm path)'.padEnd(34)} ${(intake / perOp(() => JSON.stringify(intakeResult))).toFixed(0).padStart(6)}×  (${(intake * 1000).toFixed(1)} µs)`,
);
const plainCost = perOp(() => redactor.value(plain));
console.log(
  `building the redactor for new keys ÷ redacting one plain record: ${(build / plainCost).toFixed(1)}×  (${(build * 1000).toFixed(0)} µs)`,
);
console.log(
  `building it again for the same keys (every warm invocation) ÷ one plain record: ${(rebuild / plainCost).toFixed(1)}×  (${(rebuild * 1000).toFixed(1)} µs)`,
);
// Request signatures (Redactor.add): a sweep's Web+ client adds one per request and keeps the
// last MAX_ADDED_SECRETS (red-team 25 G8: each searched like a secret, HMAC bytes too).
const signed = createRedactor([secret, stsToken, ...tokens]);
signed.text('12345678');
for (let i = 0; i < 256; i++) signed.add(randomBytes(20).toString('base64'));
const addCost = perOp(() => signed.add(randomBytes(20).toString('base64')));
console.log(
  `adding one request signature (256 kept, the oldest evicted) ÷ one plain record: ${(addCost / plainCost).toFixed(1)}×  (${(addCost * 1000).toFixed(1)} µs)`,
);
const signedFailed = perOp(() => signed.value(failed));
console.log(
  `failed record, 2 KB error body, 256 signatures added ÷ the same without: ${(signedFailed / perOp(() => redactor.value(failed))).toFixed(2)}×  (${(signedFailed * 1000).toFixed(1)} µs)`,
);
