import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { WebplusClient } from '#shared/webplus/client.js';
import { WebplusError } from '#shared/webplus/errors.js';
import type { FaultResponse } from '../../sandbox/webplus/scenario.js';
import { startWebplusSandbox, type WebplusSandbox } from '../../sandbox/webplus/server.js';

/**
 * One case per trap of @alicloud/pop-core 1.8.0's ROAClient (docs/reference/webplus-api.md)
 * and per error shape of cases C06, C07, C08 and C10: whatever the wire says, WebplusClient
 * either returns a typed success or throws a classified WebplusError.
 */

interface Roa {
  request(
    method: string,
    path: string,
    query?: Record<string, string>,
    body?: string,
    headers?: Record<string, string>,
    opts?: Record<string, unknown>,
  ): Promise<unknown>;
}
const { ROAClient } = createRequire(import.meta.url)('@alicloud/pop-core') as {
  ROAClient: new (config: Record<string, unknown>) => Roa;
};

const CREDS = { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' };
const OPTS = { timeoutMs: 3_000 };
const XML_WITH_HOST =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><RequestId>REQ-X1</RequestId><HostId>h</HostId>' +
  '<Code>ResourceAuthFailed</Code><Message>not authorized</Message></Error>';
const XML_WITHOUT_HOST =
  '<Error><Code>ResourceAuthFailed</Code><Message>not authorized</Message><RequestId>REQ-X2</RequestId></Error>';

const scenario = {
  apps: [{ AppId: 'wa-d107d6718fb8d6c4431c5dd0', AppName: 'shop' }],
  envs: [
    {
      EnvId: 'we-f85b45b678822b8469f8a6ef',
      AppId: 'wa-d107d6718fb8d6c4431c5dd0',
      EnvName: 'shop-prod',
    },
  ],
  changes: [
    {
      ChangeId: 'wc-1422eac0a5bc885fcd8b0a0f',
      EnvId: 'we-f85b45b678822b8469f8a6ef',
      startedMinutesAgo: 95,
      idleMinutes: 90,
      abortStepSeconds: 60,
    },
    {
      ChangeId: 'wc-0d6b2a1694855fb8a31eb1c5',
      EnvId: 'we-f85b45b678822b8469f8a6ef',
      startedMinutesAgo: 300,
      finished: true,
      succeed: true,
    },
    {
      ChangeId: 'wc-16bebbb448ac4091ada7d9a2',
      EnvId: 'we-3b5a15970cbc7aa709d50154',
      foreign: true,
    },
  ],
};

const sandboxes: WebplusSandbox[] = [];
const clients: WebplusClient[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

/** A sandbox whose AbortChange of wc-1422eac0a5bc885fcd8b0a0f answers `responses` first, and a client for it. */
async function start(responses: FaultResponse[] = []) {
  const faults = responses.length
    ? [{ action: 'AbortChange' as const, changeId: 'wc-1422eac0a5bc885fcd8b0a0f', responses }]
    : [];
  const sb = await startWebplusSandbox({ ...scenario, faults });
  sandboxes.push(sb);
  const client = new WebplusClient({ regionId: 'cn-hangzhou', endpoint: sb.url }, CREDS);
  clients.push(client);
  return { sb, client };
}

async function failure(p: Promise<unknown>): Promise<WebplusError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(WebplusError);
    return err as WebplusError;
  }
  throw new Error('expected the call to fail');
}

/** What bare pop-core does with the same reply (to show the trap is real). */
async function popCore(sb: WebplusSandbox): Promise<{ resolved?: unknown; thrown?: unknown }> {
  const roa = new ROAClient({ endpoint: sb.url, apiVersion: '2019-03-20', ...CREDS });
  try {
    const resolved = await roa.request(
      'POST',
      '/pop/v1/wam/change/abort',
      {},
      'ChangeId=wc-1422eac0a5bc885fcd8b0a0f',
      {
        'content-type': 'application/x-www-form-urlencoded',
      },
    );
    return { resolved };
  } catch (thrown) {
    return { thrown };
  }
}

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

describe('non-JSON and broken replies (pop-core resolves or throws oddly)', () => {
  it('an HTML 502 that pop-core resolves as a string is an ambiguous WebplusError, never a success (C07)', async () => {
    // Arrange
    const html = '<html><body>502 Bad Gateway</body></html>';
    const reply = { status: 502, contentType: 'text/html', body: html };
    const { sb, client } = await start([reply, reply]);

    // Act
    const bare = await popCore(sb);
    const err = await failure(client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));

    // Assert
    expect(bare.resolved).toBe(html);
    expect(err).toMatchObject({
      kind: 'retryable',
      code: 'HTTP502',
      httpStatus: 502,
      // a proxy page may follow an abort that landed: re-read, never re-sent (b12 item 3)
      ambiguous: true,
      rawBody: html,
    });
    expect(sb.change('wc-1422eac0a5bc885fcd8b0a0f')?.ChangeAborted).toBe(false);
    expect(sb.appEnv('we-f85b45b678822b8469f8a6ef')?.AbortingChange).toBe(false);
  });

  it('a text/plain 503 is retryable too; an HTML 200 to AbortChange is ambiguous (re-read, never re-sent)', async () => {
    // Arrange
    const { client } = await start([
      { status: 503, contentType: 'text/plain', body: 'Service Unavailable' },
      { status: 200, contentType: 'text/html', body: '<html>maintenance</html>' },
    ]);

    // Act
    const plain = await failure(client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));
    const html200 = await failure(client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));

    // Assert
    expect(plain).toMatchObject({ kind: 'retryable', code: 'HTTP503', httpStatus: 503 });
    expect(plain.rawBody).toBe('Service Unavailable');
    expect(html200).toMatchObject({
      kind: 'permanent',
      ambiguous: true,
      code: 'UnreadableReply',
      httpStatus: 200,
    });
  });

  it('a JSON content-type with a broken body ({foo:bar}) is retryable like a 5xx (C06 d)', async () => {
    // Arrange
    const reply = { status: 400, contentType: 'application/json', body: '{foo:bar}' };
    const { sb, client } = await start([reply, reply]);

    // Act
    const bare = await popCore(sb);
    const err = await failure(client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));

    // Assert: pop-core throws json-bigint's plain object (not an Error) renamed FormatError
    expect(bare.thrown).not.toBeInstanceOf(Error);
    expect((bare.thrown as { name?: string }).name).toBe('FormatError');
    expect(err).toMatchObject({
      kind: 'retryable',
      code: 'HTTP400',
      httpStatus: 400,
      rawBody: '{foo:bar}',
    });
    expect(err.message).toContain('not valid JSON');
  });

  it('a JSON content-type with an empty body is retryable', async () => {
    // Arrange
    const { client } = await start([{ status: 400, contentType: 'application/json', body: '' }]);

    // Act
    const err = await failure(client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));

    // Assert
    expect(err).toMatchObject({ kind: 'retryable', code: 'HTTP400', httpStatus: 400, rawBody: '' });
    expect(err.message).toContain('empty reply');
  });

  it('an XML <Error> with HostId is classified by its Code: ResourceAuthFailed → not_found (C06 e)', async () => {
    // Arrange
    const { client } = await start([{ status: 400, contentType: 'text/xml', body: XML_WITH_HOST }]);

    // Act
    const err = await failure(client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));

    // Assert
    expect(err).toMatchObject({
      kind: 'not_found',
      code: 'ResourceAuthFailed',
      httpStatus: 400,
      requestId: 'REQ-X1',
      rawBody: XML_WITH_HOST,
    });
    expect(err.retryable).toBe(false);
  });

  it('an XML <Error> without HostId (pop-core crashes with a TypeError) is not trusted: permanent, raw body kept (C06 f)', async () => {
    // Arrange
    const reply = { status: 400, contentType: 'text/xml', body: XML_WITHOUT_HOST };
    const { sb, client } = await start([reply, reply]);

    // Act
    const bare = await popCore(sb);
    const err = await failure(client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));

    // Assert
    expect(bare.thrown).toBeInstanceOf(TypeError);
    expect(err).toMatchObject({
      kind: 'permanent',
      code: 'ResourceAuthFailed',
      httpStatus: 400,
      requestId: 'REQ-X2',
      rawBody: XML_WITHOUT_HOST,
    });
  });

  it('a reply cut after its headers is retryable and ambiguous, whatever its status line said', async () => {
    // Arrange: a server that sends a 200 status line, half a body, then drops the socket
    const url = await listen(
      createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
        res.write('{"Code":"OK","EnvChange":');
        setTimeout(() => res.socket?.destroy(), 20);
      }),
    );
    const client = new WebplusClient({ regionId: 'cn-hangzhou', endpoint: url }, CREDS);
    clients.push(client);

    // Act
    const err = await failure(client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));

    // Assert
    expect(err).toMatchObject({
      kind: 'retryable',
      code: 'ECONNRESET',
      httpStatus: 200,
      ambiguous: true,
    });
  });
});

describe('JSON error bodies (C06)', () => {
  it('an error code in Code is permanent with that code', async () => {
    // Arrange
    const { client } = await start([
      { status: 400, code: 'InvalidParameter', message: 'bad ChangeId' },
    ]);

    // Act
    const err = await failure(client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));

    // Assert
    expect(err).toMatchObject({ kind: 'permanent', code: 'InvalidParameter', httpStatus: 400 });
    expect(err.message).toBe('AbortChange: InvalidParameter: bad ChangeId');
    expect(err.requestId).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('a numeric errorCode 10007 is permanent with code "10007" (C06 a)', async () => {
    // Arrange
    const { client } = await start([
      {
        status: 400,
        contentType: 'application/json;charset=utf-8',
        body: '{"errorCode":10007,"errorMsg":"parameter error","requestId":"REQ-N"}',
      },
    ]);

    // Act
    const err = await failure(client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));

    // Assert
    expect(err).toMatchObject({
      kind: 'permanent',
      code: '10007',
      httpStatus: 400,
      requestId: 'REQ-N',
    });
    expect(err.message).toContain('parameter error');
    expect(err.retryable).toBe(false);
  });

  it('403 Forbidden.RAM is a credentials problem (C06 b)', async () => {
    // Arrange
    const { client } = await start([{ status: 403, code: 'Forbidden.RAM', message: 'no policy' }]);

    // Act
    const err = await failure(client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));

    // Assert
    expect(err).toMatchObject({ kind: 'credentials', code: 'Forbidden.RAM', httpStatus: 403 });
    expect(err.retryable).toBe(false);
  });

  it('500 ResourceAuthFailed on AbortChange is not_found, not retryable despite the 500 (C06 c)', async () => {
    // Arrange
    const { sb, client } = await start();

    // Act
    const foreign = await failure(client.abortChange('wc-16bebbb448ac4091ada7d9a2', OPTS));
    const unknown = await failure(client.abortChange('wc-a220be6f2fdcb99be8637add', OPTS));

    // Assert
    for (const err of [foreign, unknown]) {
      expect(err).toMatchObject({ kind: 'not_found', code: 'ResourceAuthFailed', httpStatus: 500 });
      expect(err.retryable).toBe(false);
    }
    expect(sb.abortCalls('wc-16bebbb448ac4091ada7d9a2')).toBe(1);
    expect(sb.abortCalls('wc-a220be6f2fdcb99be8637add')).toBe(1);
  });

  it('400 InvalidTimeStamp.Expired is a clock problem (C10)', async () => {
    // Arrange
    const { client } = await start([{ status: 400, code: 'InvalidTimeStamp.Expired' }]);

    // Act
    const err = await failure(client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));

    // Assert
    expect(err).toMatchObject({ kind: 'clock', code: 'InvalidTimeStamp.Expired', httpStatus: 400 });
    expect(err.retryable).toBe(false);
  });

  // Only a throttling code proves the gateway refused an AbortChange; a 5xx code may follow an
  // abort that landed: ambiguous (re-read, never re-sent: shared/core/paced-call.ts, b12 item 3).
  it.each([
    [429, 'Throttling.User', false],
    [400, 'Throttling.User', false],
    [503, 'ServiceUnavailable', true],
    [500, 'InternalError', true],
  ])('%i %s is retryable (ambiguous on AbortChange: %s)', async (status, code, ambiguous) => {
    // Arrange
    const { sb, client } = await start([{ status, code }]);

    // Act
    const err = await failure(client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));

    // Assert
    expect(err).toMatchObject({ kind: 'retryable', code, httpStatus: status, ambiguous });
    expect(sb.change('wc-1422eac0a5bc885fcd8b0a0f')?.ChangeAborted).toBe(false);
  });
});

describe('the abort races the change (C08)', () => {
  it('a second abort is already_aborting and a finished change already_finished, each one call', async () => {
    // Arrange
    const { sb, client } = await start();
    await client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS);

    // Act
    const aborting = await failure(client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));
    const finished = await failure(client.abortChange('wc-0d6b2a1694855fb8a31eb1c5', OPTS));

    // Assert
    expect(aborting).toMatchObject({
      kind: 'already_aborting',
      code: 'ChangeOnAborting',
      httpStatus: 400,
    });
    expect(finished).toMatchObject({
      kind: 'already_finished',
      code: 'ChangeFinished',
      httpStatus: 400,
    });
    expect(aborting.retryable).toBe(false);
    expect(finished.retryable).toBe(false);
    expect(sb.abortCalls('wc-1422eac0a5bc885fcd8b0a0f')).toBe(2);
    expect(sb.abortCalls('wc-0d6b2a1694855fb8a31eb1c5')).toBe(1);
  });

  it('scripted ChangeOnAborting and ChangeFinished answers map the same way', async () => {
    // Arrange
    const { client } = await start([
      { status: 400, code: 'ChangeOnAborting' },
      { status: 400, code: 'ChangeFinished' },
    ]);

    // Act
    const first = await failure(client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));
    const second = await failure(client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));

    // Assert
    expect(first.kind).toBe('already_aborting');
    expect(second.kind).toBe('already_finished');
  });
});

describe('a resolved 200 is not a successful abort (C07)', () => {
  it('Code "OK" with a numeric StartTime is an accepted abort', async () => {
    // Arrange
    const { client } = await start([
      {
        status: 200,
        contentType: 'application/json',
        body: '{"Code":"OK","Message":"success","RequestId":"REQ-OK","EnvChange":{"ChangeId":"wc-1422eac0a5bc885fcd8b0a0f","EnvId":"we-f85b45b678822b8469f8a6ef","StartTime":1557911256210}}',
      },
    ]);

    // Act
    const result = await client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS);

    // Assert
    expect(result).toEqual({
      changeId: 'wc-1422eac0a5bc885fcd8b0a0f',
      envId: 'we-f85b45b678822b8469f8a6ef',
      requestId: 'REQ-OK',
      startTime: 1557911256210,
    });
  });

  it('StartTime as a string (as the docs type it) is read as the same number', async () => {
    // Arrange
    const { client } = await start([
      {
        status: 200,
        contentType: 'application/json',
        body: '{"Code":"OK","RequestId":"REQ-S","EnvChange":{"ChangeId":"wc-1422eac0a5bc885fcd8b0a0f","EnvId":"we-f85b45b678822b8469f8a6ef","StartTime":"1557911256210"}}',
      },
    ]);

    // Act
    const result = await client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS);

    // Assert
    expect(result.startTime).toBe(1557911256210);
    expect(typeof result.startTime).toBe('number');
  });

  it.each([
    ['ChangeFinished', 'already_finished'],
    ['ChangeOnAborting', 'already_aborting'],
    ['Throttling.User', 'retryable'],
    ['ResourceAuthFailed', 'not_found'],
  ])('a 200 whose Code is %s is that error (%s)', async (code, kind) => {
    // Arrange
    const { client } = await start([
      {
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ Code: code, Message: 'refused', RequestId: 'REQ-200' }),
      },
    ]);

    // Act
    const err = await failure(client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));

    // Assert
    expect(err).toMatchObject({ kind, code, httpStatus: 200, requestId: 'REQ-200' });
  });

  it('a 200 with an empty JSON object (no Code, no EnvChange) is ambiguous, not aborted', async () => {
    // Arrange
    const { client } = await start([{ status: 200, contentType: 'application/json', body: '{}' }]);

    // Act
    const err = await failure(client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));

    // Assert: never retried blindly; the executor re-reads the change (abort-reply-trust.test.ts).
    expect(err).toMatchObject({
      kind: 'permanent',
      ambiguous: true,
      code: 'AmbiguousAbortReply',
      httpStatus: 200,
      rawBody: '{}',
    });
  });
});

describe('no answer: timeouts, resets, refused connections', () => {
  it('a reply slower than timeoutMs is a retryable, ambiguous RequestTimeout (the abort may have landed)', async () => {
    // Arrange
    const { sb, client } = await start([{ delayMs: 2_000 }]);
    const t0 = Date.now();

    // Act
    const err = await failure(
      client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', { timeoutMs: 300 }),
    );
    const elapsed = Date.now() - t0;

    // Assert
    expect(err).toMatchObject({
      kind: 'retryable',
      code: 'RequestTimeout',
      httpStatus: 0,
      ambiguous: true,
    });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1_500);
    expect(sb.appEnv('we-f85b45b678822b8469f8a6ef')?.AbortingChange).toBe(true);
  });

  it('a socket reset is retryable and ambiguous', async () => {
    // Arrange
    const { sb, client } = await start([{ reset: true }]);

    // Act
    const err = await failure(client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));

    // Assert
    expect(err).toMatchObject({
      kind: 'retryable',
      code: 'ECONNRESET',
      httpStatus: 0,
      ambiguous: true,
    });
    expect(sb.journal()[0]).toMatchObject({ status: 0, code: 'SocketReset', signatureValid: true });
    expect(sb.appEnv('we-f85b45b678822b8469f8a6ef')?.AbortingChange).toBe(false);
  });

  it('a reset after the abort was applied is just as ambiguous, and the client recovers', async () => {
    // Arrange
    const { sb, client } = await start([{ reset: true, applied: true }]);

    // Act
    const err = await failure(client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));
    const next = await failure(client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));

    // Assert
    expect(err).toMatchObject({ kind: 'retryable', ambiguous: true });
    expect(next).toMatchObject({ kind: 'already_aborting', code: 'ChangeOnAborting' });
    expect(sb.abortCalls('wc-1422eac0a5bc885fcd8b0a0f')).toBe(2);
  });

  it('a refused connection (closed port) is retryable and not ambiguous', async () => {
    // Arrange: a port that was just free and is closed now
    const probe = createServer();
    const url = await listen(probe);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const client = new WebplusClient({ regionId: 'cn-hangzhou', endpoint: url }, CREDS);
    clients.push(client);

    // Act
    const err = await failure(client.abortChange('wc-1422eac0a5bc885fcd8b0a0f', OPTS));

    // Assert
    expect(err).toMatchObject({
      kind: 'retryable',
      code: 'ECONNREFUSED',
      httpStatus: 0,
      ambiguous: false,
    });
  });
});
