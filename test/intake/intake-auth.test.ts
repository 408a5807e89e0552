import { describe, expect, it } from 'vitest';
import { classifyEvent, type IntakeOptions } from '#shared/intake/classify.js';
import { isAuthorised, tokenCandidates, tokenMatches } from '#shared/intake/http/auth.js';
import { RecentEvents } from '#shared/intake/recent-events.js';

const C1 = 'wc-5d3a963d5802611c4ddc0001';

function options(authTokens: string[]): IntakeOptions {
  return {
    authTokens,
    maxBodyBytes: 262144,
    maxIds: 100,
    version: '0.1.0',
    recentEvents: new RecentEvents(),
  };
}

function abortCall(
  headers: Record<string, string>,
  query: Record<string, string> = {},
  path = '/abort',
): Buffer {
  return Buffer.from(
    JSON.stringify({
      version: 'v1',
      rawPath: path,
      body: path === '/abort' ? JSON.stringify({ changeIds: [C1] }) : 'alertState=OK&ruleId=r',
      isBase64Encoded: false,
      headers,
      queryParameters: query,
      requestContext: { requestId: 'r', http: { method: 'POST', path } },
    }),
  );
}

describe('tokenMatches', () => {
  it('matches equal tokens of any length and refuses the rest', () => {
    expect(tokenMatches('a-very-long-token-'.repeat(20), ['a-very-long-token-'.repeat(20)])).toBe(
      true,
    );
    expect(tokenMatches('short', ['shorter'])).toBe(false);
    expect(tokenMatches('', [''])).toBe(false);
    expect(tokenMatches(undefined, ['x'])).toBe(false);
    expect(tokenMatches('x', [])).toBe(false);
  });

  it('accepts every configured token (rotation)', () => {
    expect(tokenMatches('old-token-1234', ['new-token-5678', 'old-token-1234'])).toBe(true);
    expect(tokenMatches('new-token-5678', ['new-token-5678', 'old-token-1234'])).toBe(true);
  });
});

describe('tokenCandidates', () => {
  it('reads Bearer (any case), X-Abort-Token and the query only when allowed', () => {
    expect(
      tokenCandidates({
        headers: { authorization: 'bearer  abc ', 'x-abort-token': ' def' },
        query: { token: 'ghi' },
        allowQueryToken: false,
      }),
    ).toEqual(['abc', 'def']);
    expect(
      tokenCandidates({ headers: {}, query: { token: 'ghi' }, allowQueryToken: true }),
    ).toEqual(['ghi']);
    expect(
      tokenCandidates({
        headers: { authorization: 'Basic abc' },
        query: {},
        allowQueryToken: false,
      }),
    ).toEqual([]);
  });

  it('isAuthorised is true when any candidate matches', () => {
    expect(
      isAuthorised(
        {
          headers: { authorization: 'Bearer wrong', 'x-abort-token': 'right' },
          query: {},
          allowQueryToken: false,
        },
        ['right'],
      ),
    ).toBe(true);
  });
});

describe('HTTP auth through classifyEvent', () => {
  it('both tokens of a rotation are accepted, header names in any case', () => {
    const opts = options(['token-new-0001', 'token-old-0002']);
    expect(classifyEvent(abortCall({ AUTHORIZATION: 'Bearer token-new-0001' }), opts).kind).toBe(
      'http',
    );
    expect(classifyEvent(abortCall({ 'X-Abort-Token': 'token-old-0002' }), opts).kind).toBe('http');
  });

  it('a query token is refused on /abort but accepted on /cms-callback', () => {
    const opts = options(['local-dev-token-0001']);
    const abort = classifyEvent(abortCall({}, { token: 'local-dev-token-0001' }), opts);
    expect(abort.kind === 'http-reply' && abort.response.statusCode).toBe(401);
    const callback = classifyEvent(
      abortCall({}, { token: 'local-dev-token-0001' }, '/cms-callback'),
      opts,
    );
    expect(callback.kind).toBe('http');
  });

  it('a wrong or missing token is 401 with no request', () => {
    const opts = options(['local-dev-token-0001']);
    const cases: Record<string, string>[] = [
      {},
      { Authorization: 'Bearer local-dev-tokeX' },
      { 'x-abort-token': '' },
    ];
    for (const headers of cases) {
      const result = classifyEvent(abortCall(headers), opts);
      expect(result.kind).toBe('http-reply');
      expect(result.kind === 'http-reply' && result.response.statusCode).toBe(401);
      expect(result.kind === 'http-reply' && JSON.parse(result.response.body)).toEqual({
        error: { code: 'unauthorized', message: 'missing or wrong token' },
      });
    }
  });
});
