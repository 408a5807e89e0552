import { describe, expect, it } from 'vitest';
import { WebplusError } from '#shared/webplus/errors.js';
import { readReply } from '#shared/webplus/reply.js';
import type { RawReply } from '#shared/webplus/transport.js';

const JSON_CT = 'application/json;charset=utf-8';

function json(status: number, body: unknown): RawReply {
  return { status, contentType: JSON_CT, body: JSON.stringify(body) };
}

function thrown(reply: RawReply, action = 'AbortChange'): WebplusError {
  try {
    readReply(action, reply);
  } catch (err) {
    expect(err).toBeInstanceOf(WebplusError);
    return err as WebplusError;
  }
  throw new Error('expected readReply to throw');
}

describe('readReply: successes', () => {
  it('returns the body of a 200 with Code "OK" as a plain object', () => {
    // Arrange
    const reply = json(200, {
      Code: 'OK',
      Message: 'success',
      RequestId: 'R1',
      EnvChange: { ChangeId: 'wc-1', EnvId: 'we-1', StartTime: 1557911256210 },
    });

    // Act
    const body = readReply('AbortChange', reply);

    // Assert
    expect(body).toEqual({
      Code: 'OK',
      Message: 'success',
      RequestId: 'R1',
      EnvChange: { ChangeId: 'wc-1', EnvId: 'we-1', StartTime: 1557911256210 },
    });
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
  });

  it('accepts a 200 without Code and a Code of 200', () => {
    // Arrange
    const noCode = json(200, { RequestId: 'R2', Applications: { Application: [] } });
    const code200 = json(200, { Code: 200, RequestId: 'R3' });

    // Act
    const a = readReply('DescribeApplications', noCode);
    const b = readReply('DescribeApplications', code200);

    // Assert
    expect(a.RequestId).toBe('R2');
    expect(b.RequestId).toBe('R3');
  });

  it('a read answered 201, 202 or 206 is not read (red-team 12 F7): MalformedReply, retryable', () => {
    for (const status of [201, 202, 206]) {
      // Act / Assert
      expect(() =>
        readReply('DescribeAppEnvs', json(status, { Code: 'OK', RequestId: 'R4' })),
      ).toThrow(
        expect.objectContaining({
          code: 'MalformedReply',
          kind: 'retryable',
          message: `DescribeAppEnvs: a ${status} reply (a read's documented answer is 200): what it holds is not read`,
        }),
      );
    }
  });
});

describe('readReply: JSON errors', () => {
  it('an error Code is classified by code and keeps status, message and RequestId', () => {
    // Arrange
    const reply = json(500, {
      Code: 'ResourceAuthFailed',
      Message: 'no',
      RequestId: 'R4',
      HostId: 'h',
    });

    // Act
    const err = thrown(reply);

    // Assert
    expect(err).toMatchObject({
      name: 'WebplusError',
      action: 'AbortChange',
      kind: 'not_found',
      code: 'ResourceAuthFailed',
      httpStatus: 500,
      requestId: 'R4',
      ambiguous: false,
      rawBody: undefined,
    });
    expect(err.message).toBe('AbortChange: ResourceAuthFailed: no');
  });

  it('a numeric errorCode becomes the text code, with errorMsg as the message', () => {
    // Arrange
    const reply = json(400, { errorCode: 10007, errorMsg: 'parameter error' });

    // Act
    const err = thrown(reply);

    // Assert
    expect(err).toMatchObject({ kind: 'permanent', code: '10007', httpStatus: 400 });
    expect(err.message).toBe('AbortChange: 10007: parameter error');
  });

  it('a 200 whose Code is an error is that error (C07)', () => {
    // Arrange
    const reply = json(200, { Code: 'ChangeOnAborting', Message: 'busy', RequestId: 'R5' });

    // Act
    const err = thrown(reply);

    // Assert
    expect(err).toMatchObject({
      kind: 'already_aborting',
      code: 'ChangeOnAborting',
      httpStatus: 200,
    });
  });

  it('an error status with Code "OK" or no code is named after the status and keeps the body', () => {
    // Arrange
    const ok503 = json(503, { Code: 'OK' });
    const bare403 = json(403, { Message: 'denied' });

    // Act: a read is classified by its status; an AbortChange whose status and body disagree
    // is ambiguous (the abort may have landed: re-read, never sent again as a fresh abort)
    const a = thrown(ok503, 'DescribeChange');
    const abort = thrown(ok503);
    const b = thrown(bare403);

    // Assert
    expect(a).toMatchObject({ kind: 'retryable', code: 'HTTP503', httpStatus: 503 });
    expect(abort).toMatchObject({
      kind: 'permanent',
      ambiguous: true,
      code: 'HTTP503',
      httpStatus: 503,
    });
    expect(abort.message).toContain('the status and the body disagree');
    expect(b).toMatchObject({
      kind: 'permanent',
      code: 'HTTP403',
      rawBody: '{"Message":"denied"}',
    });
  });
});

describe('readReply: XML', () => {
  it("an <Error> without HostId is not the gateway's: permanent whatever its Code, raw body kept (C06 f)", () => {
    // Arrange
    const body =
      '<Error><Code>ResourceAuthFailed</Code><Message>m</Message><RequestId>R6</RequestId></Error>';

    // Act
    const err = thrown({ status: 400, contentType: 'text/xml', body });

    // Assert
    expect(err).toMatchObject({
      kind: 'permanent',
      code: 'ResourceAuthFailed',
      requestId: 'R6',
      rawBody: body,
    });
  });

  it.each([
    [
      'with HostId',
      '<Error><RequestId>R6</RequestId><HostId>h</HostId><Code>ResourceAuthFailed</Code><Message>m</Message></Error>',
    ],
    [
      'with a declaration',
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>ResourceAuthFailed</Code>\n  <RequestId>R6</RequestId>\n  <HostId>h</HostId>\n</Error>\n',
    ],
  ])('an <Error> %s is classified by its Code, raw body kept', (_label, body) => {
    // Arrange
    const reply = { status: 400, contentType: 'text/xml', body };

    // Act
    const err = thrown(reply);

    // Assert
    expect(err).toMatchObject({
      kind: 'not_found',
      code: 'ResourceAuthFailed',
      httpStatus: 400,
      requestId: 'R6',
      rawBody: body,
    });
  });

  it('XML that is not an <Error> with a Code is retryable', () => {
    // Arrange
    const reply = {
      status: 200,
      contentType: 'text/xml',
      body: '<Result><Code>OK</Code></Result>',
    };

    // Act
    const read = thrown(reply, 'DescribeChange');
    const abort = thrown(reply);

    // Assert: a read retries; an AbortChange 2xx is ambiguous (re-read, never re-sent)
    expect(read).toMatchObject({ kind: 'retryable', code: 'HTTP200', httpStatus: 200 });
    expect(abort).toMatchObject({
      kind: 'permanent',
      ambiguous: true,
      code: 'UnreadableReply',
      httpStatus: 200,
    });
  });
});

describe('readReply: unreadable replies are retryable (an AbortChange 2xx: ambiguous), never a success', () => {
  it.each<[string, RawReply, string]>([
    [
      'an HTML 502',
      { status: 502, contentType: 'text/html', body: '<html>502 Bad Gateway</html>' },
      'HTTP502',
    ],
    ['an HTML 200', { status: 200, contentType: 'text/html', body: '<html>ok</html>' }, 'HTTP200'],
    [
      'a text/plain 503',
      { status: 503, contentType: 'text/plain', body: 'Service Unavailable' },
      'HTTP503',
    ],
    ['broken JSON', { status: 400, contentType: JSON_CT, body: '{foo:bar}' }, 'HTTP400'],
    ['an empty body', { status: 400, contentType: JSON_CT, body: '' }, 'HTTP400'],
    ['a blank 200', { status: 200, contentType: JSON_CT, body: '  \n' }, 'HTTP200'],
    ['a JSON array', { status: 200, contentType: JSON_CT, body: '[{"Code":"OK"}]' }, 'HTTP200'],
    ['a JSON string', { status: 200, contentType: JSON_CT, body: '"OK"' }, 'HTTP200'],
    ['JSON null', { status: 200, contentType: JSON_CT, body: 'null' }, 'HTTP200'],
    ['no status at all', { status: 0, contentType: '', body: 'garbage' }, 'UnreadableReply'],
  ])('%s', (_label, reply, code) => {
    // Act
    const err = thrown(reply, 'DescribeChange');
    const abort = thrown(reply);

    // Assert: a read retries; so does an AbortChange answered with an error status; an
    // AbortChange answered 2xx is ambiguous instead (never re-sent: the change is re-read)
    expect(err).toMatchObject({
      kind: 'retryable',
      code,
      httpStatus: reply.status,
      rawBody: reply.body,
    });
    expect(err.retryable).toBe(true);
    const is2xx = reply.status >= 200 && reply.status < 300;
    expect(abort).toMatchObject(
      is2xx
        ? { kind: 'permanent', ambiguous: true, code: 'UnreadableReply', rawBody: reply.body }
        : { kind: 'retryable', code, rawBody: reply.body },
    );
  });

  it('cuts a long raw body to 2 KB', () => {
    // Arrange
    const body = `<html>${'x'.repeat(5000)}</html>`;

    // Act
    const err = thrown({ status: 502, contentType: 'text/html', body });

    // Assert
    expect(err.rawBody).toBe(`${body.slice(0, 2048)}…`);
  });
});
