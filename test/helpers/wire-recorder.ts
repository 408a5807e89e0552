/**
 * A loopback HTTP server that records every request exactly as it arrived (method, raw path
 * and query, lower-case headers, body bytes) and answers each path with a canned JSON body.
 * It shares no code with the clients or the emulators it is used to check.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface RecordedRequest {
  method: string;
  /** the path as sent, without the query */
  path: string;
  /** the raw query string as sent ('' when none) */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface WireRecorder {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * @param answer the JSON body (status 200) for a request; `undefined` → 404 `{}`
 */
export async function startWireRecorder(
  answer: (req: RecordedRequest) => Record<string, unknown> | undefined,
): Promise<WireRecorder> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: q === -1 ? url : url.slice(0, q),
        rawQuery: q === -1 ? '' : url.slice(q + 1),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const body = answer(recorded);
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json;charset=utf-8' });
      res.end(JSON.stringify(body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
