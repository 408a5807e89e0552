import { describe, expect, it } from 'vitest';
import { classifyEvent, type IntakeOptions, type IntakeResult } from '#shared/intake/classify.js';
import { RecentEvents } from '#shared/intake/recent-events.js';

const TOKEN = 'local-dev-token-0001';
const C1 = 'wc-5d3a963d5802611c4ddc0001';
const C2 = 'wc-5d3a963d5802611c4ddc0002';
const E1 = 'we-5d39b8ba6786bd4b14950001';
const A1 = 'wa-5d39b8ba6786bd4b14950001';

function options(over: Partial<IntakeOptions> = {}): IntakeOptions {
  return {
    authTokens: [TOKEN],
    maxBodyBytes: 262144,
    maxIds: 100,
    version: '0.1.0',
    recentEvents: new RecentEvents(),
    ...over,
  };
}

interface Call {
  method?: string;
  path?: string;
  body?: string;
  isBase64Encoded?: boolean;
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

/** An FC 3.0 HTTP request struct, as a Buffer. */
function httpEvent(call: Call): Buffer {
  return Buffer.from(
    JSON.stringify({
      version: 'v1',
      rawPath: call.path ?? '/abort',
      body: call.body ?? '',
      isBase64Encoded: call.isBase64Encoded ?? false,
      headers: call.headers ?? { Authorization: `Bearer ${TOKEN}` },
      queryParameters: call.query ?? {},
      requestContext: {
        requestId: 'req-1',
        http: { method: call.method ?? 'POST', path: call.path ?? '/abort' },
      },
    }),
  );
}

function reply(result: IntakeResult): {
  status: number;
  body: { error?: { code: string; field?: string } };
} {
  if (result.kind !== 'http-reply') throw new Error(`expected a reply, got ${result.kind}`);
  return { status: result.response.statusCode, body: JSON.parse(result.response.body) };
}

function request(result: IntakeResult) {
  if (result.kind !== 'http') throw new Error(`expected a request, got ${JSON.stringify(result)}`);
  return result.request;
}

describe('HTTP routing', () => {
  it('GET /health answers 200 with the version and needs no token', () => {
    const result = classifyEvent(
      httpEvent({ method: 'GET', path: '/health', headers: {} }),
      options(),
    );
    expect(result).toEqual({
      kind: 'http-reply',
      response: {
        statusCode: 200,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: '{"status":"ok","version":"0.1.0"}',
        isBase64Encoded: false,
      },
    });
  });

  it('unknown path → 404 with a warning line; trailing slash is tolerated', () => {
    const result = classifyEvent(httpEvent({ path: '/nope' }), options());
    expect(reply(result)).toEqual({
      status: 404,
      body: {
        error: {
          code: 'not_found',
          message: 'no such route (/abort, /sweep, /cms-callback, /health)',
        },
      },
    });
    // The path is never echoed: only its length.
    expect(result.kind === 'http-reply' && result.warning).toContain(
      'http 404 not_found: POST (unknown path, 5 characters)',
    );
    expect(
      classifyEvent(httpEvent({ path: '/abort/', body: `{"changeIds":["${C1}"]}` }), options())
        .kind,
    ).toBe('http');
  });

  it('wrong method → 405 with an allow header', () => {
    const result = classifyEvent(httpEvent({ method: 'PUT', path: '/sweep' }), options());
    expect(result.kind === 'http-reply' && result.response.statusCode).toBe(405);
    expect(result.kind === 'http-reply' && result.response.headers.allow).toBe('POST');
    const health = classifyEvent(httpEvent({ method: 'POST', path: '/health' }), options());
    expect(health.kind === 'http-reply' && health.response.headers.allow).toBe('GET');
  });

  it('no configured token → every protected route is 401', () => {
    const result = classifyEvent(
      httpEvent({ body: `{"changeIds":["${C1}"]}` }),
      options({ authTokens: [] }),
    );
    expect(reply(result).status).toBe(401);
  });
});

describe('POST /abort', () => {
  it('refuses an unknown key (400 naming it) rather than ignoring it', () => {
    const result = reply(
      classifyEvent(httpEvent({ body: JSON.stringify({ changeIds: [C1], x: 1 }) }), options()),
    );
    expect(result).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_input', field: 'x' } },
    });
  });

  it('reads the JSON body, takes reason as note', () => {
    const result = classifyEvent(
      httpEvent({
        body: JSON.stringify({
          changeIds: [C1],
          envIds: [E1],
          dryRun: 'true',
          reason: ' hung ',
        }),
      }),
      options(),
    );
    expect(result).toEqual({
      kind: 'http',
      route: '/abort',
      requestId: 'req-1',
      request: {
        kind: 'abort',
        trigger: 'http',
        triggerRef: 'req-1',
        changeIds: [C1],
        envIds: [E1],
        dryRun: true,
        note: 'hung',
        invalid: [],
      },
    });
  });

  it('note wins over reason', () => {
    const r = request(
      classifyEvent(
        httpEvent({ body: JSON.stringify({ changeIds: [C1], note: 'n', reason: 'r' }) }),
        options(),
      ),
    );
    expect(r.kind === 'abort' && r.note).toBe('n');
  });

  it('reads the query when the body is empty, including envIds and dryRun', () => {
    const r = request(
      classifyEvent(httpEvent({ query: { envIds: E1, dryRun: 'false', note: 'q' } }), options()),
    );
    expect(r).toMatchObject({
      kind: 'abort',
      changeIds: [],
      envIds: [E1],
      dryRun: false,
      note: 'q',
    });
  });

  it('dryRun=true in the query also applies to a JSON body', () => {
    const r = request(
      classifyEvent(
        httpEvent({
          body: JSON.stringify({ changeIds: [C1], dryRun: false }),
          query: { dryRun: 'true' },
        }),
        options(),
      ),
    );
    expect(r).toMatchObject({ dryRun: true });
  });

  it('a form body (curl -d) is read like the query', () => {
    const r = request(
      classifyEvent(
        httpEvent({
          body: `changeIds=${C1}&changeIds=${C2}`,
          headers: { 'x-abort-token': TOKEN, 'content-type': 'application/x-www-form-urlencoded' },
        }),
        options(),
      ),
    );
    expect(r).toMatchObject({ changeIds: [C1, C2] });
  });

  it('removes duplicates', () => {
    const r = request(
      classifyEvent(
        httpEvent({ body: JSON.stringify({ changeIds: [C1, ` ${C1}`, C1] }) }),
        options(),
      ),
    );
    expect(r).toMatchObject({ changeIds: [C1], invalid: [] });
  });

  it.each([
    ['a JSON array body', '[1]', 'body'],
    ['a JSON string body', '"x"', 'body'],
    ['changeIds of the wrong type', '{"changeIds": 5}', 'changeIds'],
    ['a bad dryRun', `{"changeIds":["${C1}"],"dryRun":"yes"}`, 'dryRun'],
    ['a non-string note', `{"changeIds":["${C1}"],"note":5}`, 'note'],
    ['only invalid ids', '{"changeIds":["x",""]}', 'changeIds'],
    ['only invalid envIds', '{"envIds":["x"]}', 'envIds'],
    ['both lists empty', '{"changeIds":[],"envIds":[]}', 'changeIds'],
  ])('%s → 400 (body %s, field %s)', (_name, body, field) => {
    const result = reply(classifyEvent(httpEvent({ body }), options()));
    expect(result.status).toBe(400);
    expect(result.body.error?.field).toBe(field);
  });

  it('more than maxIds ids → 400 naming the field that passes the limit', () => {
    const ids = Array.from({ length: 3 }, (_, i) => `wc-5d3a963d5802611c4ddc000${i}`);
    const over = reply(
      classifyEvent(
        httpEvent({ body: JSON.stringify({ changeIds: ids }) }),
        options({ maxIds: 2 }),
      ),
    );
    expect(over).toMatchObject({
      status: 400,
      body: { error: { code: 'too_many_ids', field: 'changeIds' } },
    });
    const split = reply(
      classifyEvent(
        httpEvent({ body: JSON.stringify({ changeIds: [C1, C2], envIds: [E1] }) }),
        options({ maxIds: 2 }),
      ),
    );
    expect(split.body.error?.field).toBe('envIds');
  });

  it('the 413 limit counts decoded bytes of a base64 body', () => {
    const body = Buffer.from(JSON.stringify({ changeIds: [C1], note: 'x'.repeat(100) })).toString(
      'base64',
    );
    const small = classifyEvent(
      httpEvent({ body, isBase64Encoded: true }),
      options({ maxBodyBytes: 200 }),
    );
    expect(small.kind).toBe('http');
    const tight = classifyEvent(
      httpEvent({ body, isBase64Encoded: true }),
      options({ maxBodyBytes: 100 }),
    );
    expect(reply(tight)).toMatchObject({
      status: 413,
      body: { error: { code: 'payload_too_large' } },
    });
  });

  it('multi-byte characters count as bytes, not characters', () => {
    const body = JSON.stringify({ changeIds: [C1], note: '部'.repeat(40) });
    expect(reply(classifyEvent(httpEvent({ body }), options({ maxBodyBytes: 100 }))).status).toBe(
      413,
    );
  });
});

describe('POST /sweep', () => {
  it('an empty body sweeps everything', () => {
    expect(request(classifyEvent(httpEvent({ path: '/sweep' }), options()))).toEqual({
      kind: 'sweep',
      trigger: 'http',
      triggerRef: 'req-1',
      invalid: [],
    });
  });

  it('reads envIds, appIds and dryRun; one bad entry refuses the whole sweep', () => {
    const body = JSON.stringify({ envIds: [E1, 'bad'], dryRun: true });
    expect(
      request(
        classifyEvent(
          httpEvent({ path: '/sweep', body: JSON.stringify({ appIds: [A1] }) }),
          options(),
        ),
      ),
    ).toMatchObject({ kind: 'sweep', appIds: [A1] });
    expect(
      request(
        classifyEvent(
          httpEvent({ path: '/sweep', body: JSON.stringify({ envIds: [E1], dryRun: true }) }),
          options(),
        ),
      ),
    ).toEqual({
      kind: 'sweep',
      trigger: 'http',
      triggerRef: 'req-1',
      envIds: [E1],
      dryRun: true,
      invalid: [],
    });
    expect(request(classifyEvent(httpEvent({ path: '/sweep', body }), options()))).toEqual({
      kind: 'refused',
      trigger: 'http',
      triggerRef: 'req-1',
      // the dry run the refused request asked for is kept (its records say so: red-team 24)
      dryRun: true,
      invalid: [
        {
          field: 'envIds[1]',
          value: 'bad',
          message:
            'not a EnvId (expected we- and 24 lower-case hex digits): the request is refused and nothing is acted on (every id must be valid; fix it and resend)',
        },
      ],
    });
  });

  it('a list with no valid id is refused rather than widened', () => {
    const result = reply(
      classifyEvent(httpEvent({ path: '/sweep', body: '{"appIds":["x"]}' }), options()),
    );
    expect(result).toMatchObject({ status: 400, body: { error: { field: 'appIds' } } });
  });

  it('broken JSON → 400 naming the body', () => {
    const result = reply(classifyEvent(httpEvent({ path: '/sweep', body: '{' }), options()));
    expect(result).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_body', field: 'body' } },
    });
  });
});

describe('POST /cms-callback', () => {
  const form = `alertState=ALERT&ruleId=r1&dimensions=${encodeURIComponent(`{envId=${E1}}`)}`;

  it('takes the token from the query and never puts it in the request', () => {
    const result = classifyEvent(
      httpEvent({ path: '/cms-callback', body: form, headers: {}, query: { token: TOKEN } }),
      options(),
    );
    expect(result).toMatchObject({ kind: 'http', route: '/cms-callback', requestId: 'req-1' });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(request(result)).toMatchObject({ kind: 'alarm', triggerRef: 'r1', envIds: [E1] });
  });

  it('an unparseable or oversized body is ignored (200), never a 4xx', () => {
    const junk = request(
      classifyEvent(
        httpEvent({ path: '/cms-callback', body: '\u0000\u0001', query: { token: TOKEN } }),
        options(),
      ),
    );
    expect(junk).toMatchObject({ kind: 'ignored', trigger: 'cms-callback' });
    const big = request(
      classifyEvent(
        httpEvent({ path: '/cms-callback', body: form + 'x'.repeat(300), query: { token: TOKEN } }),
        options({ maxBodyBytes: 100 }),
      ),
    );
    expect(big).toMatchObject({ kind: 'ignored' });
    const size = Buffer.byteLength(form + 'x'.repeat(300));
    expect(big.kind === 'ignored' && big.detail).toBe(
      `CloudMonitor callback body of ${size} bytes is larger than HTTP_MAX_BODY_BYTES (100 bytes): ` +
        'not read, so no id it names was read and nothing is aborted; raise HTTP_MAX_BODY_BYTES ' +
        "(at most 33554432, FC's own body limit) or make the alarm name fewer series",
    );
  });

  it('an oversized base64 callback body: its decoded size is estimated, not decoded (rt11 F2)', () => {
    const raw = Buffer.from(form + 'x'.repeat(297)).toString('base64');
    const event = JSON.parse(
      httpEvent({ path: '/cms-callback', body: raw, query: { token: TOKEN } }).toString(),
    ) as Record<string, unknown>;
    const big = request(
      classifyEvent(
        Buffer.from(JSON.stringify({ ...event, isBase64Encoded: true })),
        options({ maxBodyBytes: 100 }),
      ),
    );
    expect(big).toMatchObject({ kind: 'ignored', trigger: 'cms-callback' });
    expect(big.kind === 'ignored' && big.detail).toContain(
      `body of about ${Buffer.byteLength(form) + 297} bytes (base64) is larger than HTTP_MAX_BODY_BYTES (100 bytes)`,
    );
  });

  it('a wrong query token is 401', () => {
    const result = classifyEvent(
      httpEvent({ path: '/cms-callback', body: form, headers: {}, query: { token: 'nope' } }),
      options(),
    );
    expect(reply(result).status).toBe(401);
  });
});

describe('secrets', () => {
  it('a token pasted into the input is redacted from requests and replies', () => {
    const accepted = classifyEvent(
      httpEvent({ body: JSON.stringify({ changeIds: [C1, TOKEN], note: `token ${TOKEN}` }) }),
      options(),
    );
    const text = JSON.stringify(accepted);
    expect(text).not.toContain(TOKEN);
    expect(text).toContain('[redacted]');
    const refused = classifyEvent(httpEvent({ path: `/${TOKEN}` }), options());
    expect(JSON.stringify(refused)).not.toContain(TOKEN);
  });

  it('refusal warnings name status, route and field but no token', () => {
    const result = classifyEvent(
      httpEvent({ body: '{}', headers: { Authorization: 'Bearer wrong-token-value' } }),
      options(),
    );
    expect(result).toMatchObject({
      kind: 'http-reply',
      warning: 'http 401 unauthorized: POST /abort (missing or wrong token) requestId=req-1',
    });
  });
});
