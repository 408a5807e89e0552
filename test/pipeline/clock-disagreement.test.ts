/**
 * Red-team finding B5 of issue 12, end to end: replies of one invocation whose `Date` headers
 * disagree (a proxy or load balancer stamping one reply 3 h ahead) made "the latest header wins"
 * judge a healthy change on a clock 3 h off, and abort it. Now disagreeing clock evidence makes
 * Web+'s clock unknown for the invocation: a sweep judges no stuck age and says why. Through the
 * real handler, pop-core's signing and the strict sandbox, behind a loopback proxy that restamps
 * the `Date` header of chosen replies (nothing else on the wire changes).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { calls, change, changeId, scenario, summaryOf, timerEvent } from '../helpers/world.js';

const THREE_HOURS_MS = 3 * 3_600_000;

/** A loopback proxy to `target()`; replies to a path matching `restamp` get a Date 3 h ahead. */
async function startRestampingProxy(target: () => string, restamp: (path: string) => boolean) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', target());
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const upstream = http.request(
        url,
        { method: req.method, headers: { ...req.headers, host: url.host } },
        (up) => {
          const headers = { ...up.headers };
          if (restamp(url.pathname) && typeof headers.date === 'string')
            headers.date = new Date(Date.parse(headers.date) + THREE_HOURS_MS).toUTCString();
          res.sendDate = false;
          res.writeHead(up.statusCode ?? 502, headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let h: Harness | undefined;
let proxy: { url: string; close: () => Promise<void> } | undefined;
afterEach(async () => {
  await h?.close();
  await proxy?.close();
  h = proxy = undefined;
});

/** A sweep over one healthy change (idle 5 min), the proxy restamping replies to `restamp`. */
async function sweep(restamp: (path: string) => boolean) {
  let sandboxUrl = '';
  proxy = await startRestampingProxy(() => sandboxUrl, restamp);
  h = await startHarness(scenario([1], [change({ n: 1, env: 0, idleMin: 5, ageMin: 10 })]), {
    env: { WEBPLUS_ENDPOINT: proxy.url },
  });
  sandboxUrl = h.sandbox.url;
  const s = summaryOf(await h.handler(timerEvent({}), fakeContext()));
  return { result: s.results.find((r) => r.changeId === changeId(1)), h };
}

describe('B5: Date headers that disagree within an invocation make the server clock unknown', () => {
  it('the last reply (DescribeChange) stamped 3 h ahead: skipped, naming the disagreement, no AbortChange', async () => {
    // Act
    const { result, h: harness } = await sweep((path) => path === '/pop/v1/wam/changeInfo');

    // Assert
    expect(result?.outcome).toBe('skipped');
    expect(result?.detail).toContain("Web+'s clock is unknown: its replies' Date headers disagree");
    expect(result?.detail).toContain('180 min ahead');
    expect(calls(harness.sandbox.journal(), 'AbortChange')).toHaveLength(0);
  });

  it('every reply stamped 3 h ahead (a consistent clock): the clock is known and recorded', async () => {
    // Act: one consistent reading of Web+'s clock, however far off, is a clock (the rule of
    // issue 10: ages are then judged on it, docs/policy.md)
    const { result, h: harness } = await sweep(() => true);

    // Assert
    expect(result?.detail).not.toContain('clock is unknown');
    const record = harness.records().find((r) => r.changeId === changeId(1));
    expect(record?.clockSkewMs).toBeGreaterThan(THREE_HOURS_MS - 5_000);
    expect(record?.clockSkewMs).toBeLessThan(THREE_HOURS_MS + 5_000);
  });

  it('control: no reply restamped: not stuck, judged on the function clock', async () => {
    // Act
    const { result } = await sweep(() => false);

    // Assert
    expect(result?.outcome).toBe('skipped');
    expect(result?.detail).toContain('not stuck');
  });
});
