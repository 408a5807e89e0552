import { describe, expect, it } from 'vitest';
import { ConfigError } from '#shared/config/errors.js';
import { WebplusAbortError } from '#shared/core/errors.js';
import { HttpRequestError, IntakeError } from '#shared/intake/errors.js';
import { OutcomeStoreError } from '#shared/outcome-log/errors.js';
import { PolicyError } from '#shared/policy/errors.js';
import { CallFailedError, DeadlineReachedError } from '#shared/webplus/call-errors.js';
import { WebplusError, WebplusResponseError } from '#shared/webplus/errors.js';
import { HandlerThrewError, UsageError } from '../../cli/errors.js';

const webplusError = new WebplusError('boom', {
  action: 'AbortChange',
  kind: 'retryable',
  code: 'ServiceUnavailable',
  httpStatus: 503,
});

describe('errors: one base class, real names, causes kept', () => {
  const cases: Array<[Error, string, WebplusAbortError['exitKind']]> = [
    [new ConfigError('bad', 'WEBPLUS_QPS'), 'ConfigError', 'usage'],
    [new PolicyError('bad', 'defaults.mode'), 'PolicyError', 'usage'],
    [new UsageError('bad'), 'UsageError', 'usage'],
    [new HandlerThrewError(new TypeError('x')), 'HandlerThrewError', 'bug'],
    [new IntakeError('bad'), 'IntakeError', 'failed'],
    [new HttpRequestError(400, 'invalid_body', 'bad'), 'HttpRequestError', 'failed'],
    [new OutcomeStoreError('down', { store: 'sls' }), 'OutcomeStoreError', 'failed'],
    [webplusError, 'WebplusError', 'failed'],
    [
      new WebplusResponseError('shape', {
        action: 'DescribeChange',
        kind: 'permanent',
        code: 'BadReply',
        httpStatus: 200,
      }),
      'WebplusResponseError',
      'failed',
    ],
    [new CallFailedError(webplusError, 4), 'CallFailedError', 'failed'],
    [new DeadlineReachedError('AbortChange', 2, webplusError), 'DeadlineReachedError', 'failed'],
  ];

  it.each(cases)('%s is a WebplusAbortError named after its class', (err, name, exitKind) => {
    expect(err).toBeInstanceOf(WebplusAbortError);
    expect(err.name).toBe(name);
    expect((err as WebplusAbortError).exitKind).toBe(exitKind);
    expect(String(err)).toMatch(new RegExp(`^${name}: `));
  });

  it('keeps the underlying error as cause', () => {
    const original = new TypeError('undefined is not a function');
    expect(new HandlerThrewError(original).cause).toBe(original);
    expect(new CallFailedError(webplusError, 4).cause).toBe(webplusError);
    expect(new DeadlineReachedError('AbortChange', 2, webplusError).cause).toBe(webplusError);
  });
});
