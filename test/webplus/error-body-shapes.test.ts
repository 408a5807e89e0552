/**
 * C06: error bodies come in several shapes. AbortChange answers, one scenario each: numeric
 * errorCode, Forbidden.RAM, 500 ResourceAuthFailed, broken JSON, XML with and without HostId.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { calls, change, changeId, scenario, summaryOf, timerEvent } from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function abortWith(responses: unknown[]) {
  h = await startHarness(
    scenario([1], [change({ n: 1, env: 0, idleMin: 90, ageMin: 95 })], {
      faults: [{ action: 'AbortChange', changeId: changeId(1), responses }],
    }),
    { env: { RETRY_MAX_ATTEMPTS: '4', RETRY_BASE_MS: '10' } },
  );
  const s = summaryOf(await h.handler(timerEvent(), fakeContext()));
  return { result: s.results[0], sent: calls(h.sandbox.journal(), 'AbortChange').length };
}

const XML_WITH_HOST =
  '<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>7B0A2E6C-0000-4000-8000-0000000000e1</RequestId><HostId>h</HostId><Code>ResourceAuthFailed</Code><Message>no such change</Message></Error>';
const XML_NO_HOST =
  '<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>7B0A2E6C-0000-4000-8000-0000000000e2</RequestId><Code>ResourceAuthFailed</Code><Message>no such change</Message></Error>';

describe('C06: every error body shape gets the right outcome and retry decision', () => {
  it('(a) 400 numeric errorCode 10007 → failed, not retried', async () => {
    // Act
    const { result, sent } = await abortWith([
      {
        status: 400,
        contentType: 'application/json',
        body: '{"errorCode":10007,"errorMsg":"invalid parameter"}',
      },
    ]);

    // Assert
    expect(result).toMatchObject({ outcome: 'failed', errorCode: '10007', attempts: 1 });
    expect(sent).toBe(1);
  });

  it('(b) 403 Forbidden.RAM → failed, not retried', async () => {
    // Act
    const { result, sent } = await abortWith([
      { status: 403, code: 'Forbidden.RAM', message: 'User not authorized' },
    ]);

    // Assert
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'Forbidden.RAM', attempts: 1 });
    expect(sent).toBe(1);
  });

  it('(c) 500 ResourceAuthFailed → not_found, not retried despite the 500', async () => {
    // Act
    const { result, sent } = await abortWith([
      { status: 500, code: 'ResourceAuthFailed', message: 'resource auth failed' },
    ]);

    // Assert
    expect(result).toMatchObject({ outcome: 'not_found', errorCode: 'ResourceAuthFailed' });
    expect(sent).toBe(1);
  });

  it('(d) 400 application/json body {foo:bar} → a server fault: re-read, then retried like a 5xx, aborted on attempt 2', async () => {
    // Arrange
    const bad = { status: 400, contentType: 'application/json', body: '{foo:bar}' };
    // Act
    const { result, sent } = await abortWith([bad, 'ok']);

    // Assert: nothing proves the abort was refused; the re-read proves it still running, so it
    // is sent again (bresend), exactly as a 503 ServiceUnavailable would be
    expect(result).toMatchObject({ outcome: 'aborted', attempts: 2 });
    expect(sent).toBe(2);
    expect(calls(h!.sandbox.journal(), 'DescribeChange').length).toBeGreaterThanOrEqual(2);
  });

  it('(d) the same 400 every time → 4 AbortChange, failed HTTP400 naming the unreadable reply', async () => {
    // Arrange
    const bad = { status: 400, contentType: 'application/json', body: '{foo:bar}' };
    // Act
    const { result, sent } = await abortWith(Array(5).fill(bad));

    // Assert
    expect(result).toMatchObject({ outcome: 'failed', attempts: 4, errorCode: 'HTTP400' });
    expect(result?.detail).toContain('retries spent: 4 attempt(s), last HTTP400');
    expect(result?.errorMessage).toContain('{foo:bar}');
    expect(sent).toBe(4);
  });

  it('(e) 400 text/xml ResourceAuthFailed with HostId → not_found', async () => {
    // Act
    const { result, sent } = await abortWith([
      { status: 400, contentType: 'text/xml', body: XML_WITH_HOST },
    ]);

    // Assert
    expect(result).toMatchObject({ outcome: 'not_found', errorCode: 'ResourceAuthFailed' });
    expect(sent).toBe(1);
  });

  it('(f) the same XML without HostId (pop-core throws a TypeError) → no crash, failed with the raw body kept', async () => {
    // Act
    const { result } = await abortWith(
      Array(4).fill({ status: 400, contentType: 'text/xml', body: XML_NO_HOST }),
    );

    // Assert
    expect(result).toMatchObject({ outcome: 'failed', attempts: 1 });
    expect(result?.errorMessage).toContain(XML_NO_HOST);
    expect(h?.records()).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        errorMessage: expect.stringContaining('<Code>ResourceAuthFailed</Code>'),
      }),
    ]);
  });
});
