/**
 * Issue 11 item 7 (red-team F2): every byte read from SLS is bounded. A PutLogs answer of 50 MB
 * (chunked, no content-length) or a gzip body that inflates to 50 MB is cut or refused, never
 * buffered or inflated: the write fails with the size, the records go to the fallback, and the
 * writing process's peak RSS stays under 128 MB (a memory bound measured in a child process).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import { OutcomeStoreError } from '#shared/outcome-log/errors.js';
import { SLS_MAX_REPLY_BYTES } from '#shared/outcome-log/sls-endpoint.js';
import { createSlsStore } from '#shared/outcome-log/sls-store.js';
import { type SlsStandIn, startSlsStandIn } from '../../sandbox/sls/server.js';

const run = promisify(execFile);
const CHILD = join(import.meta.dirname, '../helpers/sls-reply-child.ts');
const MB = 1024 * 1024;

let standIn: SlsStandIn;

beforeEach(async () => {
  standIn = await startSlsStandIn();
});

afterEach(async () => {
  await standIn.close();
});

function records(n: number): OutcomeRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    recordId: `r-${i}`,
    time: '2024-05-01T05:06:40.123Z',
    trigger: 'timer',
    invocationId: 'c0ffee00-1111-2222-3333-444455556666',
    outcome: 'skipped',
    detail: `record ${i}`,
    attempts: 0,
  }));
}

async function writeError(): Promise<OutcomeStoreError> {
  const store = createSlsStore({
    endpoint: standIn.url,
    project: 'ops-audit',
    logstore: 'webplus-abort',
    baseDelayMs: 10,
  });
  const error = await store
    .write(records(3), {
      invocationId: 'c0ffee00-1111-2222-3333-444455556666',
      trigger: 'timer',
      functionName: 'abort-stuck-changes',
      region: 'cn-hangzhou',
      credentials: { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' },
      deadlineMs: Date.now() + 20_000,
    })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(OutcomeStoreError);
  return error as OutcomeStoreError;
}

async function child(count: number): Promise<{
  peakRssBytes: number;
  fallback: boolean;
  reason: string;
  written: number;
  fallbackIds: string[];
}> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', CHILD, standIn.url, `${count}`],
    {
      cwd: join(import.meta.dirname, '../..'),
      maxBuffer: 4 * MB,
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

describe('SLS replies are read up to a limit (issue 11 F2)', () => {
  it('a 50 MB chunked PutLogs answer is cut past 64 KiB: ReplyTooLarge with the size, one attempt', async () => {
    // Arrange
    standIn.setFailure({ kind: 'huge-reply' });

    // Act
    const error = await writeError();

    // Assert
    expect(error.code).toBe('ReplyTooLarge');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(
      new RegExp(
        `HTTP 200 reply not read: reply over the ${SLS_MAX_REPLY_BYTES}-byte limit \\(cut after \\d+ bytes\\)`,
      ),
    );
    const cutAfter = Number(error.message.match(/cut after (\d+) bytes/)![1]);
    expect(cutAfter).toBeGreaterThan(SLS_MAX_REPLY_BYTES);
    expect(cutAfter).toBeLessThan(SLS_MAX_REPLY_BYTES + MB);
    expect(standIn.journal().map((e) => e.code)).toEqual(['HugeReply']);
  });

  it('a compressed answer is refused, never inflated: CompressedReply naming the encoding', async () => {
    // Arrange
    standIn.setFailure({ kind: 'gzip-reply' });

    // Act
    const error = await writeError();

    // Assert
    expect(error.code).toBe('CompressedReply');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(
      'HTTP 200 reply refused: compressed (content-encoding gzip), not inflated',
    );
    expect(standIn.journal().map((e) => e.code)).toEqual(['GzipReply']);
  });

  it('a small well-formed answer still succeeds through the bounded agent', async () => {
    // Arrange
    const store = createSlsStore({
      endpoint: standIn.url,
      project: 'ops-audit',
      logstore: 'webplus-abort',
    });

    // Act
    await store.write(records(2), {
      invocationId: 'c0ffee00-1111-2222-3333-444455556666',
      trigger: 'timer',
      functionName: 'abort-stuck-changes',
      region: 'cn-hangzhou',
      credentials: { accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' },
      deadlineMs: Date.now() + 20_000,
    });

    // Assert
    expect(standIn.logs('ops-audit', 'webplus-abort').map((l) => l.contents.recordId)).toEqual([
      'r-0',
      'r-1',
    ]);
  });

  it('50 MB answers in a child process: peak RSS < 128 MB and every record in the fallback', async () => {
    // Arrange
    standIn.setFailure({ kind: 'huge-reply' });

    // Act
    const huge = await child(20);
    standIn.setFailure({ kind: 'gzip-reply' });
    const gzip = await child(20);

    // Assert
    const ids = Array.from({ length: 20 }, (_, i) => `big-reply-${i}`);
    for (const result of [huge, gzip]) {
      expect(result.peakRssBytes).toBeLessThan(128 * MB);
      expect(result.fallback).toBe(true);
      expect(result.written).toBe(20);
      expect(result.fallbackIds).toEqual(ids);
    }
    expect(huge.reason).toContain('reply over the 65536-byte limit');
    expect(gzip.reason).toContain('content-encoding gzip');
  }, 60_000);
});
