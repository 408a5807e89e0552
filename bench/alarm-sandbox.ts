/**
 * Child process of the alarm-to-abort benchmark: runs the Web+ sandbox away from the handler's
 * event loop and timestamps every request it receives (epoch ms with sub-ms precision:
 * `performance.timeOrigin + performance.now()`, comparable across processes on one machine).
 * Protocol (IPC): receives `{scenario}`, answers `{url}`; receives `'arrivals'`, answers
 * `{arrivals, abortCalls}`; receives `'close'`, closes and exits.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { startWebplusSandbox, type WebplusSandbox } from '../sandbox/webplus/index.js';

interface Arrival {
  at: number;
  done: number;
  abort: boolean;
}
const arrivals: Arrival[] = [];
const now = (): number => performance.timeOrigin + performance.now();
const proto = http.Server.prototype as unknown as { emit: (...args: unknown[]) => boolean };
const originalEmit = proto.emit;
proto.emit = function (this: unknown, event: unknown, ...args: unknown[]) {
  if (event === 'request') {
    const req = args[0] as http.IncomingMessage;
    const slot: Arrival = {
      at: now(),
      done: 0,
      abort: req.method === 'POST' && (req.url ?? '').startsWith('/pop/v1/wam/change/abort'),
    };
    arrivals.push(slot);
    (args[1] as http.ServerResponse).on('finish', () => {
      slot.done = now();
    });
  }
  return originalEmit.call(this, event, ...args);
};

let sandbox: WebplusSandbox | undefined;
process.on('message', async (message: unknown) => {
  if (message && typeof message === 'object' && 'scenario' in message) {
    sandbox = await startWebplusSandbox((message as { scenario: unknown }).scenario);
    process.send?.({ url: sandbox.url });
  } else if (message === 'arrivals') {
    process.send?.({ arrivals: arrivals.splice(0), abortCalls: sandbox?.abortCalls() ?? 0 });
  } else if (message === 'close') {
    await sandbox?.close();
    process.exit(0);
  }
});
