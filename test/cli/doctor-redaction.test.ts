/**
 * No secret in any doctor output. Secrets are generated (fast-check), planted in what Web+ and
 * SAE answer (error messages and raw bodies: raw, URL-encoded, JSON-escaped, inside a "string to
 * sign" echo, after `x-acs-security-token:`), and the doctor runs against sandboxes that hold
 * those keys. The oracle shares no code with the redactor: it looks for every 8-character piece
 * of every secret in the whole report, the text table and the JSON document.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runDoctor } from '#shared/pipeline/doctor/run-doctor.js';
import { doctorJson, doctorText } from '../../cli/commands/doctor-render.js';
import { startSaeSandbox } from '../../sandbox/sae/server.js';
import { startWebplusSandbox } from '../../sandbox/webplus/index.js';
import { cliEnv, runCli } from '../helpers/cli-run.js';

/** Every piece of `secret` at least 8 characters long that `text` holds (the oracle). */
function leaks(text: string, secret: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i++) {
    const piece = secret.slice(i, i + 8);
    if (text.includes(piece)) found.push(piece);
  }
  return found;
}

const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789+/=';
const secretArb = (min: number, max: number) =>
  fc
    .array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max })
    .map((chars) => `Q${chars.join('')}Z`);
const tokenArb = fc
  .array(fc.constantFrom(...'abcdefghijkmnopqrstuvwxyz0123456789-_'), {
    minLength: 16,
    maxLength: 40,
  })
  .map((chars) => `tk${chars.join('')}`);

/** The ways a secret comes back in an echo. */
const FORMS = [
  (s: string) => s,
  (s: string) => encodeURIComponent(s),
  (s: string) => JSON.stringify(s).slice(1, -1).replaceAll('/', '\\/'),
  (s: string) => `x-acs-security-token:${s}`,
  (s: string) =>
    `StringToSign: GET\napplication/json\n\nx-acs-security-token:${s}\n/pop/v1/wam/application`,
];

describe('doctor output never carries a secret (property)', () => {
  it('secrets planted in Web+ and SAE error messages never reach the report, the table or the JSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        secretArb(24, 40),
        secretArb(40, 90),
        tokenArb,
        fc.constantFrom(...FORMS.keys()),
        fc.constantFrom(401, 403, 400),
        fc.constantFrom('SignatureDoesNotMatch', 'InvalidParameter', 'Forbidden.RAM'),
        async (secret, stsToken, httpToken, form, status, code) => {
          const echo = FORMS[form]!;
          const credentials = {
            accessKeyId: 'LTAIdoctorprop01',
            accessKeySecret: secret,
            securityToken: stsToken,
          };
          const message = `planted-echo ${echo(stsToken)} secret=${echo(secret)} token ${echo(httpToken)}`;
          const scenario = {
            credentials: [credentials],
            apps: [],
            envs: [],
            changes: [],
            faults: [
              {
                action: 'DescribeApplications',
                responses: [{ status, code, message }],
              },
            ],
            sae: {
              faults: [
                {
                  action: 'ListApplications',
                  responses: [{ status, code, message }],
                },
              ],
            },
          };
          const web = await startWebplusSandbox(scenario);
          const sae = await startSaeSandbox(scenario);
          try {
            const report = await runDoctor({
              env: {
                WEBPLUS_ENDPOINT: web.url,
                FC_REGION: 'cn-hangzhou',
                HTTP_AUTH_TOKENS: httpToken,
                ATTEMPT_TIMEOUT_MS: '5000',
              },
              credentials,
              credentialSource: { kind: 'sandbox', description: 'the test keys' },
              platforms: ['webplus', 'sae'],
              sandbox: { sae: sae.url },
              version: 'test',
            });
            // The planted answers did come back (or the test would prove nothing).
            expect(report.checks.find((c) => c.check === 'webplus')?.status).toBe('fail');
            expect(report.checks.find((c) => c.check === 'sae')?.status).toBe('fail');
            if (code === 'InvalidParameter') {
              // A refusal the doctor quotes: the message is shown, with the secrets cut out.
              for (const check of ['webplus', 'sae']) {
                expect(report.checks.find((c) => c.check === check)?.detail).toContain(
                  'planted-echo',
                );
              }
            }
            const outputs = [
              JSON.stringify(report),
              doctorText(report, { width: 80, color: false }),
              doctorText(report, { color: false }),
              doctorJson(report, 1),
            ].join('\n');
            for (const s of [secret, stsToken, httpToken, credentials.accessKeyId]) {
              expect(leaks(outputs, s)).toEqual([]);
            }
          } finally {
            await web.close();
            await sae.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('doctor output never carries a secret (the real CLI)', () => {
  it('an STS token and secret echoed in a SignatureDoesNotMatch: absent from stdout and stderr', async () => {
    const secret = 'Qz9Yx8Wv7Ut6Sr5Qp4On3Ml2Kj1Ih0Gf';
    const token = 'CAIS-doctor-cli-sts-token-7f3e9a1b5c2d8e4f6a0b';
    const httpToken = 'Zq7wR2mK9xT4vB8nL3pJ';
    const dir = mkdtempSync(join(tmpdir(), 'doctor-redact-'));
    const path = join(dir, 'echo.json');
    writeFileSync(
      path,
      JSON.stringify({
        credentials: [
          { accessKeyId: 'STS.doctor-cli-id', accessKeySecret: secret, securityToken: token },
        ],
        apps: [],
        envs: [],
        changes: [],
        faults: [
          {
            action: 'DescribeApplications',
            responses: [
              {
                status: 400,
                code: 'SignatureDoesNotMatch',
                message: `The request signature does not conform. server string to sign is:GET\nx-acs-security-token:${token}\nsecret ${secret} and ${encodeURIComponent(httpToken)}`,
              },
            ],
          },
        ],
      }),
    );
    for (const args of [[], ['--json'], ['--wide']]) {
      const { code, stdout, stderr } = await runCli(
        ['doctor', '--scenario', path, ...args],
        cliEnv({ HTTP_AUTH_TOKENS: httpToken, COLUMNS: '80' }),
      );
      expect(code).toBe(1);
      expect(stdout).toContain('SignatureDoesNotMatch');
      for (const s of [secret, token, httpToken, 'STS.doctor-cli-id']) {
        expect(leaks(stdout + stderr, s)).toEqual([]);
      }
    }
  });
});
