/**
 * Loopback stand-ins for the chat services' webhook receivers (DingTalk, Lark, WeCom, Slack and
 * the generic webhook): each checks the call the way its service documents it (verify.ts), keeps
 * what it received, and can be told to fail, hang or echo the request back.
 *
 * @example
 * const receiver = await startNotifyReceiver({ kind: 'dingtalk', secret: 'SEC-test-secret-1' });
 * // NOTIFY_DINGTALK_URL=receiver.url, NOTIFY_DINGTALK_SECRET=SEC-test-secret-1
 * receiver.calls(); // every call, with `accepted` and the problem when refused
 * await receiver.close();
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Answer,
  type Check,
  checkCall,
  type IncomingCall,
  type ReceiverKind,
} from './verify.js';

export type { ReceiverKind } from './verify.js';

/**
 * How the receiver answers, whatever the check said:
 * - `normal`: as the service would (success or its refusal);
 * - `status`: this status and body (e.g. 500, or 200 with an error code);
 * - `hang`: no answer until `release()` or `close()`;
 * - `echo`: 500 with the request line, headers and body echoed back (a careless proxy);
 * - `reset`: the connection is destroyed without an answer.
 * `times`: only the next N calls (then back to `normal`); default every call.
 */
export type ReceiverMode =
  | { kind: 'normal' }
  | {
      kind: 'status';
      status: number;
      body: string;
      contentType?: string;
      /** Extra answer headers (e.g. `location` for a redirect). */
      headers?: Record<string, string>;
      times?: number;
    }
  | { kind: 'hang'; times?: number }
  | { kind: 'echo'; times?: number }
  | { kind: 'reset'; times?: number };

export interface ReceivedCall extends IncomingCall {
  /** Epoch ms of arrival. */
  atMs: number;
  accepted: boolean;
  problem?: string;
  text?: string;
}

export interface NotifyReceiver {
  kind: ReceiverKind;
  /** The webhook URL as the service hands it out (token included): a value for `urlEnv`. */
  url: string;
  /** The token inside `url`. */
  token: string;
  calls(): ReceivedCall[];
  /** Accepted calls only. */
  accepted(): ReceivedCall[];
  setMode(mode: ReceiverMode): void;
  /** Requests held by `hang` right now. */
  held(): number;
  /** Answers every held request normally. */
  release(): void;
  close(): Promise<void>;
}

export interface NotifyReceiverOptions {
  kind: ReceiverKind;
  /** Signing secret the receiver requires (dingtalk, lark, webhook); none: signatures are not checked. */
  secret?: string;
  /** Default: 24 random hex digits. */
  token?: string;
  /** Receiver clock, epoch ms (default Date.now). */
  now?: () => number;
}

/** Largest body read, bytes; larger ones are refused with 413. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Starts a receiver on 127.0.0.1 on a free port. */
export async function startNotifyReceiver(options: NotifyReceiverOptions): Promise<NotifyReceiver> {
  const token = options.token ?? randomBytes(12).toString('hex');
  const now = options.now ?? Date.now;
  const calls: ReceivedCall[] = [];
  const held = new Set<{ res: ServerResponse; answer: Answer }>();
  let mode: ReceiverMode = { kind: 'normal' };

  const send = (res: ServerResponse, answer: Answer, extra: Record<string, string> = {}): void => {
    if (res.destroyed || res.headersSent) return;
    const headers: Record<string, string | number> = {
      ...extra,
      'content-length': Buffer.byteLength(answer.body),
    };
    if (answer.contentType) headers['content-type'] = answer.contentType;
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  };

  const nextMode = (): ReceiverMode => {
    const current = mode;
    if (current.kind !== 'normal' && current.times !== undefined) {
      const left = current.times - 1;
      mode = left > 0 ? { ...current, times: left } : { kind: 'normal' };
    }
    return current;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
    }
    const url = new URL(req.url ?? '/', 'http://receiver');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const call: IncomingCall = {
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    const check: Check =
      size > MAX_BODY_BYTES
        ? {
            accepted: false,
            problem: 'body too large',
            answer: { status: 413, contentType: 'text/plain', body: 'too large' },
          }
        : checkCall(options.kind, call, token, options.secret, now());
    calls.push({
      ...call,
      atMs: now(),
      accepted: check.accepted,
      ...(check.problem ? { problem: check.problem } : {}),
      ...(check.text !== undefined ? { text: check.text } : {}),
    });
    const current = nextMode();
    switch (current.kind) {
      case 'status':
        return send(
          res,
          {
            status: current.status,
            contentType: current.contentType ?? 'text/plain',
            body: current.body,
          },
          current.headers,
        );
      case 'hang':
        held.add({ res, answer: check.answer });
        return;
      case 'echo':
        return send(res, {
          status: 500,
          contentType: 'text/plain',
          body: `upstream error for ${req.method} ${req.url}\n${JSON.stringify(headers)}\n${call.body}`,
        });
      case 'reset':
        res.socket?.destroy();
        return;
      default:
        return send(res, check.answer);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      send(res, { status: 500, contentType: 'text/plain', body: String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const paths: Record<ReceiverKind, string> = {
    dingtalk: `/robot/send?access_token=${token}`,
    lark: `/open-apis/bot/v2/hook/${token}`,
    wecom: `/cgi-bin/webhook/send?key=${token}`,
    slack: `/services/T0SANDBOX1/B0SANDBOX1/${token}`,
    webhook: `/hooks/${token}`,
  };

  const release = (): void => {
    for (const entry of held) send(entry.res, entry.answer);
    held.clear();
  };

  return {
    kind: options.kind,
    url: `${origin}${paths[options.kind]}`,
    token,
    calls: () => calls.map((c) => ({ ...c })),
    accepted: () => calls.filter((c) => c.accepted).map((c) => ({ ...c })),
    setMode: (next) => {
      mode = next;
    },
    held: () => held.size,
    release,
    close: () =>
      new Promise<void>((resolve, reject) => {
        release();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
