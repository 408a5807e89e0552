/**
 * C07: a resolved promise is not a successful abort. AbortChange answers 200 `{"Code":"OK",...}`
 * (the documented body, EnvChange naming the change) → aborted; 502 `text/html` (pop-core
 * resolves it as a string) → ambiguous, a retryable fault: re-read first, never `aborted` unless
 * an OK reply or the re-read shows it, re-sent only when the re-read proves the change still
 * running (bresend); a 200 whose JSON carries an
 * error `Code` → handled as that error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  calls,
  change,
  changeId,
  envId,
  scenario,
  summaryOf,
  timerEvent,
} from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const HTML_502 = { status: 502, contentType: 'text/html', body: '<html>502 Bad Gateway</html>' };

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

describe('C07: a resolved promise is not a successful abort', () => {
  it('200 {"Code":"OK",...} (the documented success body) → aborted', async () => {
    // Arrange / Act: "..." is the rest of the documented body, EnvChange naming this change
    // (without it the reply is ambiguous and the change is re-read: abort-reply-trust.test.ts).
    const { result, sent } = await abortWith([
      {
        status: 200,
        contentType: 'application/json',
        body: `{"Code":"OK","Message":"success","RequestId":"7B0A2E6C-0000-4000-8000-000000000001","EnvChange":{"ChangeId":"${changeId(1)}","EnvId":"${envId(0)}","StartTime":1557911256210}}`,
        applied: true,
      },
    ]);

    // Assert
    expect(result).toMatchObject({ outcome: 'aborted', attempts: 1 });
    expect(sent).toBe(1);
  });

  // A proxy page may follow an abort that landed: re-read first (b12 item 3); the re-read proves
  // it still running, so the retryable fault is re-sent (C07: "a retryable fault, never aborted").
  it('502 text/html once (not applied), then OK → re-read, re-sent, aborted with attempts 2', async () => {
    // Arrange / Act
    const { result, sent } = await abortWith([HTML_502, 'ok']);

    // Assert
    expect(result).toMatchObject({ outcome: 'aborted', attempts: 2 });
    expect(sent).toBe(2);
    const journal = h!.sandbox.journal();
    const firstAbort = journal.findIndex((e) => e.action === 'AbortChange');
    expect(journal[firstAbort + 1]?.action).toBe('DescribeChange');
  });

  it('502 text/html every time → 4 AbortChange (RETRY_MAX_ATTEMPTS), failed HTTP502, never aborted', async () => {
    // Arrange / Act
    const { result, sent } = await abortWith(Array(4).fill(HTML_502));

    // Assert
    expect(result).toMatchObject({ outcome: 'failed', attempts: 4, errorCode: 'HTTP502' });
    expect(sent).toBe(4);
    expect(h?.sandbox.change(changeId(1))?.ChangeFinished).toBe(false);
  });

  it('200 with JSON Code ChangeFinished → a contradiction: re-read, the change still running → failed (red-team 12 F3)', async () => {
    // Arrange / Act
    const { result, sent } = await abortWith([
      {
        status: 200,
        contentType: 'application/json',
        body: '{"Code":"ChangeFinished","Message":"The change has finished.","RequestId":"7B0A2E6C-0000-4000-8000-000000000002"}',
      },
    ]);

    // Assert
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'ChangeFinished' });
    expect(result?.detail).toContain('a success status with an error body, so neither is believed');
    expect(result?.detail).toContain('DescribeChange shows it still running');
    expect(sent).toBe(1);
  });

  it('200 with JSON Code Forbidden.RAM → failed (after a re-read), not re-sent', async () => {
    // Arrange / Act
    const { result, sent } = await abortWith([
      {
        status: 200,
        contentType: 'application/json',
        body: '{"Code":"Forbidden.RAM","Message":"not allowed","RequestId":"7B0A2E6C-0000-4000-8000-000000000003"}',
      },
    ]);

    // Assert
    expect(result).toMatchObject({ outcome: 'failed', errorCode: 'Forbidden.RAM', attempts: 1 });
    expect(sent).toBe(1);
  });

  it('200 with an empty JSON object → not aborted', async () => {
    // Arrange / Act
    const { result } = await abortWith(
      Array(4).fill({ status: 200, contentType: 'application/json', body: '{}' }),
    );

    // Assert
    expect(result?.outcome).not.toBe('aborted');
  });
});
