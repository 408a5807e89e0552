/**
 * A loopback HTTP proxy in front of a sandbox that restamps the `Date` header of chosen replies
 * by a fixed offset (a proxy or load balancer with a wrong clock, red-team 12 B5 and F8); nothing
 * else on the wire changes, so signatures, bodies and status codes are the sandbox's own.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DateProxy {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the proxy on 127.0.0.1, port 0.
 * @param target the upstream base URL, read per request (the sandbox may start after the proxy)
 * @param restamp which reply paths get the offset
 * @param offsetMs added to the upstream `Date` header, ms (negative: behind)
 */
export async function startDateProxy(
  target: () => string,
  restamp: (path: string) => boolean,
  offsetMs: number,
): Promise<DateProxy> {
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
            headers.date = new Date(Date.parse(headers.date) + offsetMs).toUTCString();
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
