/**
 * Issue 12, red-team B1–B3 and the escape case, end to end: the invocation's AccessKey secret,
 * its STS token and an HTTP token, each in a generated disguise (base64 at every byte offset,
 * a middle piece, split halves, separators, hex, reversed, look-alike letters, a stray escape
 * start), are planted in the error bodies Web+, SAE and EDAS answer (through their sandboxes,
 * which verify every signature) and in what the SLS stand-in answers. No output carries any of
 * them in any of those disguises: records, the handler's answer, stdout lines, warnings, the
 * body a loopback notification receiver got, the doctor's report. Checked by the independent
 * test/helpers/leaks.ts (no code shared with shared/core/redact.ts).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { runDoctor } from '#shared/pipeline/doctor/run-doctor.js';
import { doctorJson, doctorText } from '../../cli/commands/doctor-render.js';
import { startEdasSandbox } from '../../sandbox/edas/server.js';
import { type NotifyReceiver, startNotifyReceiver } from '../../sandbox/notify/server.js';
import { startSaeSandbox } from '../../sandbox/sae/server.js';
import { type SlsStandIn, startSlsStandIn } from '../../sandbox/sls/server.js';
import { startWebplusSandbox } from '../../sandbox/webplus/index.js';
import { DISGUISES, type DisguiseName, disguiseArb } from '../helpers/disguise.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { leaks } from '../helpers/leaks.js';
import { change, scenario, timerEvent } from '../helpers/world.js';

/** Random-looking keys as Alibaba Cloud issues them (base62 secret, base64 STS token). */
const keysArb = fc.record({
  accessKeySecret: fc
    .array(fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789'), {
      minLength: 30,
      maxLength: 30,
    })
    .map((cs) => `S${cs.join('').slice(1, -1)}7`),
  securityToken: fc
    .array(fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789+/'), {
      minLength: 60,
      maxLength: 120,
    })
    .map((cs) => `CAIS${cs.join('')}9`),
});
const HTTP_TOKEN = 'Ht7kQ2vX9mR4wL8pZ3nB';

/** The three secrets, each disguised one way, as one error message. */
function plantArb() {
  return keysArb.chain((keys) =>
    fc
      .tuple(
        disguiseArb(keys.accessKeySecret),
        disguiseArb(keys.securityToken),
        disguiseArb(HTTP_TOKEN),
      )
      .map(([a, b, c]) => ({
        keys,
        hows: [a.how, b.how, c.how] as DisguiseName[],
        message: `planted-echo key ${a.text} token=${b.text} again ${c.text}`,
      })),
  );
}

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function expectClean(outputs: readonly string[], secrets: readonly string[], hows: unknown): void {
  for (const out of outputs)
    for (const s of secrets) expect(leaks(out, s), `${JSON.stringify(hows)}: ${out}`).toEqual([]);
}

describe('disguised secrets in Web+, SAE and EDAS error bodies reach no output (fast-check)', () => {
  it('a sweep of all three platforms, notifications to a loopback receiver: records, answer, stdout, warnings, notification clean', async () => {
    await fc.assert(
      fc.asyncProperty(plantArb(), fc.constantFrom(400, 403), async (plant, status) => {
        // Arrange: every platform's first list call answers an error quoting the disguises.
        const credentials = { accessKeyId: 'STS.disguise-ak', ...plant.keys };
        const refusal = { status, code: 'InvalidParameter', message: plant.message };
        const scenario = {
          credentials: [credentials],
          apps: [],
          envs: [],
          changes: [],
          faults: [{ action: 'DescribeApplications', responses: [refusal, refusal, refusal] }],
          sae: { faults: [{ action: 'ListApplications', responses: [refusal, refusal, refusal] }] },
          edas: { faults: [{ action: 'ListApplication', responses: [refusal, refusal, refusal] }] },
        };
        const sae = await startSaeSandbox(scenario);
        const edas = await startEdasSandbox(scenario);
        const receiver: NotifyReceiver = await startNotifyReceiver({ kind: 'webhook' });
        const h: Harness = await startHarness(scenario, {
          policy: {
            notify: { targets: [{ kind: 'webhook', urlEnv: 'NOTIFY_URL' }], minSeverity: 'info' },
          },
          env: {
            PLATFORMS: 'webplus,sae,edas',
            SAE_ENDPOINT: sae.url,
            EDAS_ENDPOINT: edas.url,
            SAE_QPS: '1000',
            EDAS_QPS: '1000',
            HTTP_AUTH_TOKENS: HTTP_TOKEN,
            NOTIFY_URL: receiver.url,
          },
        });
        cleanup.push(
          () => h.close(),
          () => sae.close(),
          () => edas.close(),
          () => receiver.close(),
        );

        // Act
        const result = await h.handler(timerEvent(), fakeContext({ credentials }));

        // Assert: the planted answers came back (or the test would prove nothing) …
        const records = h.records();
        const failed = records.filter((r) => r.outcome === 'failed');
        expect(failed.map((r) => r.platform ?? 'webplus').sort()).toEqual([
          'edas',
          'sae',
          'webplus',
        ]);
        expect(failed.some((r) => JSON.stringify(r).includes('planted-echo'))).toBe(true);
        expect(receiver.calls().length).toBeGreaterThan(0);
        // … and no output holds any secret in any disguise.
        expectClean(
          [
            ...records.map((r) => JSON.stringify(r)),
            JSON.stringify(result),
            ...h.stdoutLines,
            ...h.warnings,
            ...receiver.calls().map((c) => c.text ?? ''),
          ],
          [plant.keys.accessKeySecret, plant.keys.securityToken, HTTP_TOKEN],
          plant.hows,
        );
        for (const f of cleanup.splice(0).reverse()) await f();
      }),
      { numRuns: 12, seed: 1212 },
    );
  }, 120_000);

  it('doctor against Web+, SAE and EDAS answering the disguises: report, table and JSON clean', async () => {
    await fc.assert(
      fc.asyncProperty(plantArb(), async (plant) => {
        // Arrange
        const credentials = { accessKeyId: 'LTAIdoctordisguise', ...plant.keys };
        const refusal = { status: 400, code: 'InvalidParameter', message: plant.message };
        const scenario = {
          credentials: [credentials],
          apps: [],
          envs: [],
          changes: [],
          faults: [{ action: 'DescribeApplications', responses: [refusal] }],
          sae: { faults: [{ action: 'ListApplications', responses: [refusal] }] },
          edas: { faults: [{ action: 'ListApplication', responses: [refusal] }] },
        };
        const web = await startWebplusSandbox(scenario);
        const sae = await startSaeSandbox(scenario);
        const edas = await startEdasSandbox(scenario);
        cleanup.push(
          () => web.close(),
          () => sae.close(),
          () => edas.close(),
        );

        // Act
        const report = await runDoctor({
          env: {
            WEBPLUS_ENDPOINT: web.url,
            FC_REGION: 'cn-hangzhou',
            HTTP_AUTH_TOKENS: HTTP_TOKEN,
            ATTEMPT_TIMEOUT_MS: '5000',
          },
          credentials,
          credentialSource: { kind: 'sandbox', description: 'the test keys' },
          platforms: ['webplus', 'sae', 'edas'],
          sandbox: { sae: sae.url, edas: edas.url },
          version: 'test',
        });

        // Assert
        for (const check of ['webplus', 'sae', 'edas'])
          expect(report.checks.find((c) => c.check === check)?.detail).toContain('planted-echo');
        expectClean(
          [
            JSON.stringify(report),
            doctorText(report, { width: 80, color: false }),
            doctorJson(report, 1),
          ],
          [plant.keys.accessKeySecret, plant.keys.securityToken, HTTP_TOKEN],
          plant.hows,
        );
        for (const f of cleanup.splice(0).reverse()) await f();
      }),
      { numRuns: 10, seed: 1213 },
    );
  });
});

describe('disguised secrets in SLS replies reach no output', () => {
  let sls: SlsStandIn | undefined;
  afterEach(async () => {
    await sls?.close();
    sls = undefined;
  });

  for (const how of DISGUISES) {
    it(`SLS echoes the STS token (${how}): stdout fallback, summary and warnings clean`, async () => {
      // Arrange: the stand-in refuses the write, quoting the token in the disguise.
      const keys = fc.sample(keysArb, { numRuns: 1, seed: how.length })[0]!;
      const credentials = { accessKeyId: 'STS.sls-disguise', ...keys };
      const [disguised] = fc.sample(disguiseArb(keys.securityToken, [how]), {
        numRuns: 1,
        seed: 7,
      });
      sls = await startSlsStandIn({ credentials: [credentials] });
      sls.setFailure({ kind: 'echo-message', message: `denied for ${disguised!.text}` });
      const h = await startHarness(
        {
          ...scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })]),
          credentials: [credentials],
        },
        {
          env: {
            LOG_STORE: 'sls',
            SLS_ENDPOINT: sls.url,
            SLS_PROJECT: 'webplus-abort',
            SLS_LOGSTORE: 'outcomes',
            ABORT_DRY_RUN: 'true',
          },
        },
      );
      cleanup.push(() => h.close());

      // Act
      const result = await h.handler(timerEvent(), fakeContext({ credentials }));

      // Assert: it really refused and echoed
      expect(sls.journal().some((j) => j.code === 'Unauthorized')).toBe(true);
      expectClean(
        [...h.stdoutLines, ...h.warnings, JSON.stringify(result)],
        [keys.accessKeySecret, keys.securityToken],
        how,
      );
    });
  }
});
