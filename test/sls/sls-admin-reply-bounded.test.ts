/**
 * Issue 11 item 7 (red-team F2) for the management and query SDK (`@alicloud/sls20201230`,
 * used by `log --sls` and `setup-sls`): it takes no http.Agent, so its replies are bounded
 * through diagnostics_channel, scoped to its calls (core/bounded-replies.ts). A GetLogs answered
 * with 40 MB (chunked) fails ReplyTooLarge naming the limit, and a normal page still reads.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlsAdmin, SLS_ADMIN_MAX_REPLY_BYTES } from '#shared/sls/admin-client.js';
import { SlsApiError } from '#shared/sls/errors.js';
import { type SlsStandIn, startSlsStandIn } from '../../sandbox/sls/server.js';

const PROJECT = 'webplus-abort-test';
const KEYS = { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' };

let standIn: SlsStandIn;
beforeEach(async () => {
  standIn = await startSlsStandIn({ defaultProject: PROJECT });
});
afterEach(async () => {
  await standIn.close();
});

const query = () => {
  const now = Math.floor(Date.now() / 1000);
  return { from: now - 600, to: now + 60, query: '*', line: 100, offset: 0, reverse: false };
};

describe('SLS management replies are read up to a limit', () => {
  it('GetLogs answered with 40 MB fails ReplyTooLarge naming the limit; the next page reads', async () => {
    // Arrange
    const admin = createSlsAdmin({ endpoint: standIn.url, project: PROJECT, credentials: KEYS });
    standIn.setFailure({ kind: 'huge-reply', sizeBytes: 40 * 1024 * 1024, every: 1 });

    // Act
    const error = await admin.getLogs('outcomes', query()).then(
      () => undefined,
      (e: unknown) => e,
    );
    const next = await admin.getLogs('outcomes', query());

    // Assert
    expect(error).toBeInstanceOf(SlsApiError);
    expect((error as SlsApiError).code).toBe('ReplyTooLarge');
    expect((error as SlsApiError).message).toContain(
      `reply over the ${SLS_ADMIN_MAX_REPLY_BYTES}-byte limit (cut after`,
    );
    expect(next.logs).toEqual([]);
    expect(standIn.journal().map((e) => e.code)).toEqual(['HugeReply', 'OK']);
  });
});
