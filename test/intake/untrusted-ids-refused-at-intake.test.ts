/**
 * C05 (intake part): untrusted ids never reach the signer.
 * Right: first valid; second trimmed and valid; the rest rejected before any Web+ call, each named.
 * Since issue 10 (fail closed), one bad id refuses the whole call: the request carries the bad
 * ones only (kind `refused`), so not even the valid ids are acted on.
 */
import { describe, expect, it } from 'vitest';
import { classifyEvent, type IntakeOptions } from '#shared/intake/classify.js';
import { BAD_ID_REFUSES } from '#shared/intake/http/ids.js';
import { RecentEvents } from '#shared/intake/recent-events.js';

const body =
  '{"changeIds":["wc-5d3a963d5802611c4ddc0001"," wc-5d3a963d5802611c4ddc0002\\n","wc-x&ChangeId=wc-other","we-5d39b8ba6786bd4b14950001",""]}';

function options(): IntakeOptions {
  return {
    authTokens: ['local-dev-token-0001'],
    maxBodyBytes: 262144,
    maxIds: 100,
    version: '0.1.0',
    recentEvents: new RecentEvents(),
  };
}

describe('C05: untrusted ids are refused at intake, each named', () => {
  it('names the three bad ones and refuses the call (the two valid ids are read, not acted on)', () => {
    const event = {
      version: 'v1',
      rawPath: '/abort',
      body,
      isBase64Encoded: false,
      headers: { authorization: 'Bearer local-dev-token-0001' },
      queryParameters: {},
      requestContext: { requestId: 'req-c05', http: { method: 'POST', path: '/abort' } },
    };
    const result = classifyEvent(Buffer.from(JSON.stringify(event)), options());
    expect(result).toEqual({
      kind: 'http',
      route: '/abort',
      requestId: 'req-c05',
      request: {
        kind: 'refused',
        trigger: 'http',
        triggerRef: 'req-c05',
        invalid: [
          {
            field: 'changeIds[2]',
            value: 'wc-x&ChangeId=wc-other',
            message: `${'not a ChangeId (expected wc- and 24 lower-case hex digits)'}: ${BAD_ID_REFUSES}`,
          },
          {
            field: 'changeIds[3]',
            value: 'we-5d39b8ba6786bd4b14950001',
            envId: 'we-5d39b8ba6786bd4b14950001',
            message: `${'an EnvId where a ChangeId was expected'}: ${BAD_ID_REFUSES}`,
          },
          { field: 'changeIds[4]', value: '', message: `${'empty'}: ${BAD_ID_REFUSES}` },
        ],
      },
    });
  });

  it('the same ids through the query are treated the same', () => {
    const event = {
      version: 'v1',
      rawPath: '/abort',
      body: '',
      headers: { 'X-Abort-Token': 'local-dev-token-0001' },
      queryParameters: { changeIds: 'wc-5d3a963d5802611c4ddc0001,wc-x&ChangeId=wc-other' },
      requestContext: { requestId: 'q', http: { method: 'POST' } },
    };
    expect(classifyEvent(Buffer.from(JSON.stringify(event)), options())).toMatchObject({
      kind: 'http',
      request: {
        kind: 'refused',
        invalid: [{ field: 'changeIds[1]', value: 'wc-x&ChangeId=wc-other' }],
      },
    });
  });
});
