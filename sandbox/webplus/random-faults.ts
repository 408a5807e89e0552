/**
 * Seeded random faults (docs/reference/scenario.md, "Random faults"). Per request the
 * generator draws one number: below `transient` it picks one of four transient faults (503
 * ServiceUnavailable JSON, HTML 502, 400 Throttling.User, socket reset) with a second draw;
 * below `transient + permanent` it answers ResourceAuthFailed (500 on AbortChange, the
 * documented status, 403 elsewhere). No random fault changes state. The same seed and the same
 * request order give the same faults.
 */
import type { Reply } from './faults.js';
import type { ActionName, RandomFaults } from './scenario.js';

/** mulberry32 PRNG: returns a function giving floats in [0, 1). Public-domain algorithm. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seeded random faults (`randomFaults` of a scenario): the same seed gives the same faults, request by request. */
export class RandomFaultSource {
  private readonly next: () => number;

  constructor(private readonly config: RandomFaults) {
    this.next = mulberry32(config.seed);
  }

  /** Draw the fault for one request, or undefined for a normal answer. */
  draw(action: ActionName): Reply | undefined {
    const r = this.next();
    if (r < this.config.transient) {
      const kind = Math.floor(this.next() * 4);
      switch (kind) {
        case 0:
          return {
            kind: 'error',
            status: 503,
            code: 'ServiceUnavailable',
            message: 'The request has failed due to a temporary failure of the server.',
            delayMs: 0,
          };
        case 1:
          return {
            kind: 'raw',
            status: 502,
            contentType: 'text/html',
            body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>',
            delayMs: 0,
          };
        case 2:
          return {
            kind: 'error',
            status: 400,
            code: 'Throttling.User',
            message: 'Request was denied due to user flow control.',
            delayMs: 0,
          };
        default:
          return { kind: 'reset', applied: false, delayMs: 0 };
      }
    }
    if (r < this.config.transient + this.config.permanent) {
      return {
        kind: 'error',
        status: action === 'AbortChange' ? 500 : 403,
        code: 'ResourceAuthFailed',
        message: 'You are not authorized to operate on the specified resource.',
        delayMs: 0,
      };
    }
    return undefined;
  }
}
