/**
 * Bounded memory: a Web+ reply over 1 MiB is cut off and becomes a clear error with its size
 * (never retried, never buffered whole); a TotalCount implying more than 100 pages refuses the
 * listing with one record. Through pop-core's real signing to the sandbox.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebplusClient } from '#shared/webplus/client.js';
import { WebplusError } from '#shared/webplus/errors.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import {
  appId,
  change,
  changeId,
  envId,
  httpEvent,
  scenario,
  summaryOf,
  timerEvent,
} from '../helpers/world.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const big = (bytes: number) => `{"Code":"OK","Pad":"${'x'.repeat(bytes)}"}`;

describe('bounded replies', () => {
  it('a 5 MB DescribeChange reply: failed, naming the size limit, one request', async () => {
    // Arrange
    h = await startHarness(
      scenario([1], [change({ n: 0, env: 0, idleMin: 90, ageMin: 95 })], {
        faults: [
          {
            action: 'DescribeChange',
            responses: [{ status: 200, contentType: 'application/json', body: big(5_000_000) }],
          },
        ],
      }),
    );

    // Act
    const s = summaryOf(
      await h.handler(
        httpEvent({ path: '/abort', body: JSON.stringify({ changeIds: [changeId(0)] }) }),
        fakeContext(),
      ),
    );

    // Assert
    expect(s.results).toEqual([
      expect.objectContaining({
        changeId: changeId(0),
        outcome: 'failed',
        errorCode: 'ReplyTooLarge',
        errorMessage: expect.stringMatching(
          /^DescribeChange: reply of 50000\d\d bytes \(content-length\) is over the 1048576-byte limit$/,
        ),
      }),
    ]);
    expect(h.sandbox.journal().filter((j) => j.action === 'DescribeChange')).toHaveLength(1);
    expect(h.sandbox.abortCalls()).toBe(0);
  });

  it('TotalCount 10^8 on DescribeApplications: the listing is refused with one record, no page read', async () => {
    // Arrange
    h = await startHarness(
      scenario([1], [change({ n: 0, env: 0, idleMin: 90, ageMin: 95 })], {
        faults: [
          {
            action: 'DescribeApplications',
            responses: [
              {
                status: 200,
                contentType: 'application/json',
                body: JSON.stringify({
                  Code: 'OK',
                  // A documented envelope (red-team 25 G16): only the count is out of bounds.
                  RequestId: 'R-bounded',
                  Applications: { Application: [{ AppId: appId(0), AppName: 'a' }] },
                  PageNumber: 1,
                  PageSize: 100,
                  TotalCount: 100_000_000,
                }),
              },
            ],
          },
        ],
      }),
    );

    // Act
    const s = summaryOf(await h.handler(timerEvent(), fakeContext()));

    // Assert
    expect(s.results).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        errorCode: 'ListingTooLarge',
        detail:
          'listing applications failed: DescribeApplications: TotalCount 100000000 implies 1000000 pages of 100, more than the 100-page cap; nothing of this listing is acted on',
      }),
    ]);
    expect(h.sandbox.journal()).toHaveLength(1);
  });

  it('a chunked reply with no content-length that never ends: cut just past 1 MiB, the socket closed', async () => {
    // Arrange: a server streaming 64 KiB chunks until the client goes away
    let sent = 0;
    let closed = false;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(65536, 0x78);
      const pump = () => {
        while (!closed && res.write(chunk)) sent += chunk.length;
        if (!closed) res.once('drain', pump);
      };
      res.on('close', () => {
        closed = true;
      });
      res.write('{"Code":"OK","Pad":"');
      pump();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const client = new WebplusClient(
      { regionId: 'cn-hangzhou', endpoint: `http://127.0.0.1:${port}` },
      {
        accessKeyId: 'ak',
        accessKeySecret: 'sk',
      },
    );

    // Act
    const error = await client
      .describeChange({ changeId: changeId(0), envId: envId(0) }, { timeoutMs: 10_000 })
      .catch((e) => e);
    client.close();
    await new Promise((r) => setTimeout(r, 50));
    server.close();

    // Assert
    expect(error).toBeInstanceOf(WebplusError);
    expect(error).toMatchObject({ code: 'ReplyTooLarge', kind: 'permanent', ambiguous: true });
    expect((error as Error).message).toMatch(
      /^DescribeChange: reply over the 1048576-byte limit \(cut after \d+ bytes\)$/,
    );
    expect(closed).toBe(true);
    expect(sent).toBeLessThan(16 * 1024 * 1024);
  });
});
