/**
 * Red-team 24 F5, end to end: a server that answers every request with an error quoting that
 * request's own signature (the value after `acs <AccessKeyId>:` or `LOG <AccessKeyId>:` in its
 * `Authorization` header, as a `SignatureDoesNotMatch` does) never has it shown. Each transport
 * adds the signature of each request it sent to its redactor before the reply is read
 * (shared/webplus/transport.ts for Web+ through pop-core, shared/platform/roa-transport.ts for
 * SAE and EDAS, shared/outcome-log/sls-endpoint.ts + sls-attempt.ts for SLS PutLogs through
 * @alicloud/log). Loopback servers here record what they saw; the outputs (records, the
 * handler's answer, the SLS store's error) must contain none of the signatures, in any dress
 * (test/helpers/leaks.ts, independent of shared/core/redact.ts), and must show `[redacted]` where
 * the echo was.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { NotifySettingsSchema } from '#shared/config/notify-settings.js';
import { createNotifier } from '#shared/notify/notifier.js';
import { OutcomeStoreError } from '#shared/outcome-log/errors.js';
import { createSlsStore } from '#shared/outcome-log/sls-store.js';
import {
  disguiseSignature,
  SIGNATURE_DISGUISES,
  type SignatureDisguiseName,
} from '../helpers/disguise.js';
import { fakeContext } from '../helpers/fc-context.js';
import { startHarness } from '../helpers/harness.js';
import { leaks, signatureLeaks } from '../helpers/leaks.js';
import { timerEvent } from '../helpers/world.js';

const KEYS = {
  accessKeyId: 'LTAI5tEchoTestKey000',
  accessKeySecret: 'sEcReT0123abcXYZqrstuvwxyz0123',
};

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/**
 * A loopback server answering every request with `answer(signature)`; `seen` collects the
 * signatures of the requests it got (the part after the last `:` of `Authorization`).
 */
async function echoServer(
  answer: (signature: string, auth: string) => { status: number; body: unknown },
  signatureOf: (req: http.IncomingMessage) => string = (req) => {
    const auth = String(req.headers.authorization ?? '');
    return auth.slice(auth.lastIndexOf(':') + 1);
  },
): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const auth = String(req.headers.authorization ?? '');
      const signature = signatureOf(req);
      if (signature) seen.push(signature);
      const { status, body } = answer(signature, auth);
      res.writeHead(status, {
        'content-type': 'application/json',
        date: new Date().toUTCString(),
        'x-log-requestid': 'RID-echo',
      });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function expectNoSignature(outputs: readonly string[], signatures: readonly string[]): void {
  expect(signatures.length).toBeGreaterThan(0);
  for (const out of outputs)
    for (const s of signatures) expect(leaks(out, s), `${s} in ${out}`).toEqual([]);
}

describe("a server echoing the request's own signature (red-team 24 F5)", () => {
  it('Web+ (pop-core signer): Message and HostId quoting the signature, records and answer show [redacted]', async () => {
    // Arrange
    const webplus = await echoServer((signature, auth) => ({
      status: 400,
      body: {
        Code: 'SignatureDoesNotMatch',
        Message: `Specified signature ${signature} is not matched.`,
        RequestId: signature,
        HostId: auth,
      },
    }));
    const h = await startHarness(
      { apps: [], envs: [], changes: [] },
      { env: { WEBPLUS_ENDPOINT: webplus.url } },
    );
    cleanup.push(() => h.close());

    // Act
    const answer = await h.handler(timerEvent({}), fakeContext({ credentials: KEYS }));

    // Assert: the failure is recorded, its message kept around the removed signature
    const records = h.records();
    const texts = records.map((r) => JSON.stringify(r));
    expect(texts.some((t) => t.includes('Specified signature [redacted] is not matched'))).toBe(
      true,
    );
    expectNoSignature([...texts, JSON.stringify(answer), ...h.stdoutLines], webplus.seen);
  });

  for (const platform of ['sae', 'edas'] as const) {
    it(`${platform.toUpperCase()} (roa-transport): the signature echoed in Message is [redacted] in every record`, async () => {
      // Arrange
      const server = await echoServer((signature) => ({
        status: 400,
        body: {
          Code: 'SignatureDoesNotMatch',
          Message: `Specified signature ${signature} is not matched.`,
          RequestId: 'R-echo',
        },
      }));
      const h = await startHarness(
        { apps: [], envs: [], changes: [] },
        {
          env: {
            PLATFORMS: platform,
            [`${platform.toUpperCase()}_ENDPOINT`]: server.url,
            [`${platform.toUpperCase()}_REGIONS`]: 'cn-hangzhou',
          },
        },
      );
      cleanup.push(() => h.close());

      // Act
      const answer = await h.handler(timerEvent({}), fakeContext({ credentials: KEYS }));

      // Assert
      const texts = h.records().map((r) => JSON.stringify(r));
      expect(texts.some((t) => t.includes('Specified signature [redacted] is not matched'))).toBe(
        true,
      );
      expectNoSignature([...texts, JSON.stringify(answer), ...h.stdoutLines], server.seen);
    });
  }

  it('SLS PutLogs (@alicloud/log): a 401 SignatureNotMatch quoting `LOG <AccessKeyId>:<Signature>` is [redacted] in the store error', async () => {
    // Arrange
    const sls = await echoServer((_signature, auth) => ({
      status: 401,
      body: { errorCode: 'SignatureNotMatch', errorMessage: `signature ${auth} not match` },
    }));
    const store = createSlsStore({
      endpoint: sls.url,
      project: 'webplus-abort-demo',
      logstore: 'outcomes',
      maxAttempts: 1,
    });
    const record = {
      time: new Date().toISOString(),
      trigger: 'timer',
      invocationId: 'inv-echo',
      mode: 'dry-run',
      outcome: 'skipped',
      detail: 'x',
      attempts: 0,
    } as const;

    // Act
    const error = await store
      .write([record], {
        invocationId: 'inv-echo',
        trigger: 'timer',
        functionName: 'f',
        region: 'cn-hangzhou',
        credentials: KEYS,
        deadlineMs: Date.now() + 10_000,
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );

    // Assert
    expect(error).toBeInstanceOf(OutcomeStoreError);
    const message = (error as OutcomeStoreError).message;
    expect(message).toContain('SignatureNotMatch');
    expect(message).toContain('[redacted]');
    expectNoSignature([message], sls.seen);
  });
});

/**
 * Red-team 25 G8: the same servers echoing the request's own signature in a disguise (the
 * generator of test/helpers/disguise.ts, the one secrets are checked with, plus re-encodings of
 * the HMAC bytes: hex, upper hex, base64url, unpadded, twice percent-encoded, spaced, split
 * across two JSON fields), through every transport that signs: Web+, SAE and EDAS (pop-core
 * `acs AK:SIG`), SLS PutLogs (`LOG AK:SIG`) and a DingTalk robot (the `sign` query parameter).
 * Checked by the independent test/helpers/leaks.ts `signatureLeaks`.
 */
const TRANSPORTS = ['webplus', 'sae', 'edas', 'sls', 'dingtalk'] as const;
type Transport = (typeof TRANSPORTS)[number];

/** The echo's text: the marker tells the reply was really read. */
const planted = (signature: string, how: SignatureDisguiseName, seed: number): string =>
  `planted-echo ${disguiseSignature(signature, how, seed)} end`;

/**
 * One request (or a sweep's first) against a loopback server echoing `how`; returns every text
 * the function produced from it, and the signatures the server saw.
 */
async function echoThrough(
  transport: Transport,
  how: SignatureDisguiseName,
  seed: number,
): Promise<{ outputs: string[]; seen: string[] }> {
  if (transport === 'webplus' || transport === 'sae' || transport === 'edas') {
    const server = await echoServer((signature) => ({
      status: 400,
      body: {
        Code: 'SignatureDoesNotMatch',
        Message: planted(signature, how, seed),
        RequestId: 'R',
      },
    }));
    const env: Record<string, string> =
      transport === 'webplus'
        ? { WEBPLUS_ENDPOINT: server.url }
        : {
            PLATFORMS: transport,
            [`${transport.toUpperCase()}_ENDPOINT`]: server.url,
            [`${transport.toUpperCase()}_REGIONS`]: 'cn-hangzhou',
          };
    const h = await startHarness({ apps: [], envs: [], changes: [] }, { env });
    cleanup.push(() => h.close());
    const answer = await h.handler(timerEvent({}), fakeContext({ credentials: KEYS }));
    const outputs = [...h.records().map((r) => JSON.stringify(r)), JSON.stringify(answer)];
    return { outputs: [...outputs, ...h.stdoutLines, ...h.warnings], seen: server.seen };
  }
  if (transport === 'sls') {
    const server = await echoServer((signature) => ({
      status: 401,
      body: { errorCode: 'SignatureNotMatch', errorMessage: planted(signature, how, seed) },
    }));
    const store = createSlsStore({
      endpoint: server.url,
      project: 'webplus-abort-demo',
      logstore: 'outcomes',
      maxAttempts: 1,
    });
    const record = {
      time: new Date().toISOString(),
      trigger: 'timer',
      invocationId: 'inv-echo',
      mode: 'dry-run',
      outcome: 'skipped',
      detail: 'x',
      attempts: 0,
    } as const;
    const error = await store
      .write([record], {
        invocationId: 'inv-echo',
        trigger: 'timer',
        functionName: 'f',
        region: 'cn-hangzhou',
        credentials: KEYS,
        deadlineMs: Date.now() + 10_000,
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(OutcomeStoreError);
    return { outputs: [(error as Error).message], seen: server.seen };
  }
  // DingTalk: the robot answers 200 with an errcode quoting the `sign` it was sent.
  const server = await echoServer(
    (signature) => ({
      status: 200,
      body: { errcode: 310000, errmsg: planted(signature, how, seed) },
    }),
    (req) => new URL(req.url ?? '/', 'http://x').searchParams.get('sign') ?? '',
  );
  const notifier = createNotifier(
    NotifySettingsSchema.parse({
      targets: [{ kind: 'dingtalk', urlEnv: 'DT_URL', secretEnv: 'DT_SECRET' }],
      minSeverity: 'info',
    }),
    {
      DT_URL: `${server.url}/robot/send?access_token=DtEchoAccessTok0123456789`,
      DT_SECRET: 'SECdingEchoSign0123456789abcdefXYZ',
    },
  )!;
  const report = await notifier.notify(
    [
      {
        time: new Date().toISOString(),
        changeId: 'wc-5d3a963d5802611c4ddc0001',
        envId: 'we-5d39b8ba6786bd4b14950001',
        trigger: 'timer',
        invocationId: 'inv-echo',
        mode: 'enforce',
        outcome: 'aborted',
        detail: 'stuck',
        attempts: 1,
      },
    ],
    {
      invocationId: 'inv-echo',
      trigger: 'timer',
      functionName: 'f',
      region: 'cn-hangzhou',
      dryRun: false,
      deadlineMs: Date.now() + 10_000,
      secrets: [KEYS.accessKeySecret],
    },
  );
  return { outputs: [JSON.stringify(report)], seen: server.seen };
}

describe("a server echoing the request's own signature in a disguise (red-team 25 G8)", () => {
  for (const transport of TRANSPORTS) {
    it(`${transport}: no output holds any piece of the signature or of its HMAC bytes (fast-check, every disguise)`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...SIGNATURE_DISGUISES),
          fc.nat(1_000_000),
          async (how, seed) => {
            // Act
            const { outputs, seen } = await echoThrough(transport, how, seed);

            // Assert: the echo was read (its marker is in an output: its last letters may go
            // with the cut when they are also the signature's characters before the piece) and
            // no signature shows.
            expect(seen.length).toBeGreaterThan(0);
            expect(
              outputs.some((o) => o.includes('planted-')),
              outputs.join('\n'),
            ).toBe(true);
            for (const out of outputs)
              for (const s of seen)
                expect(signatureLeaks(out, s), `${how} (seed ${seed}): ${out}`).toEqual([]);
            for (const f of cleanup.splice(0).reverse()) await f();
          },
        ),
        {
          numRuns: SIGNATURE_DISGUISES.length + 10,
          seed: 2508,
          examples: SIGNATURE_DISGUISES.map((how) => [how, 1] as [SignatureDisguiseName, number]),
        },
      );
    }, 120_000);
  }
});
