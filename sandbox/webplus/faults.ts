/**
 * Scripted faults of a scenario (docs/reference/scenario.md, "Faults"): each entry is
 * matched by action and, when given, changeId / envId / regionId (the `x-acs-region-id` header); every matching request takes the entry's
 * next response, and once the list is spent the sandbox behaves normally again.
 */
import type { ActionName, Fault, FaultResponse } from './scenario.js';

/** What the server does with one request. `delayMs` is extra wait before answering, ms. */
export type Reply =
  | { kind: 'normal'; delayMs: number }
  | { kind: 'error'; status: number; code: string; message: string; delayMs: number }
  | {
      kind: 'raw';
      status: number;
      contentType: string;
      body: string;
      delayMs: number;
      /** the state change happens, then this raw reply answers */
      applied?: boolean;
    }
  | { kind: 'reset'; applied: boolean; delayMs: number };

/** Code used when a scripted error gives only a status. */
export function defaultCodeFor(status: number): string {
  const codes: Record<number, string> = {
    400: 'InvalidParameter',
    403: 'Forbidden',
    404: 'NotFound',
    429: 'Throttling.User',
    500: 'InternalError',
    502: 'BadGateway',
    503: 'ServiceUnavailable',
    504: 'GatewayTimeout',
  };
  return codes[status] ?? (status >= 500 ? 'InternalError' : 'InvalidParameter');
}

/** Turn a scenario fault response into a Reply. */
export function toReply(response: FaultResponse): Reply {
  if (response === 'ok') return { kind: 'normal', delayMs: 0 };
  const delayMs = response.delayMs ?? 0;
  if (response.reset) return { kind: 'reset', applied: response.applied === true, delayMs };
  if (response.status === undefined) return { kind: 'normal', delayMs };
  if (response.contentType !== undefined || response.body !== undefined)
    return {
      kind: 'raw',
      status: response.status,
      contentType: response.contentType ?? 'text/plain',
      body: response.body ?? '',
      delayMs,
      ...(response.applied ? { applied: true } : {}),
    };
  const code = response.code ?? defaultCodeFor(response.status);
  return {
    kind: 'error',
    status: response.status,
    code,
    message: response.message ?? `Sandbox fault: ${code}.`,
    delayMs,
  };
}

/** The scripted fault lists with their cursors. */
export class FaultPlan {
  private readonly entries: { fault: Fault; next: number }[];

  constructor(faults: readonly Fault[]) {
    this.entries = faults.map((fault) => ({ fault, next: 0 }));
  }

  /**
   * Consume the next scripted response of the first matching entry that has one left.
   * @returns the reply, or undefined when no entry applies (answer normally)
   */
  take(
    action: ActionName,
    target: { changeId?: string; envId?: string; regionId?: string },
  ): Reply | undefined {
    for (const entry of this.entries) {
      const f = entry.fault;
      if (f.action !== action) continue;
      if (f.changeId !== undefined && f.changeId !== target.changeId) continue;
      if (f.envId !== undefined && f.envId !== target.envId) continue;
      if (f.regionId !== undefined && f.regionId !== target.regionId) continue;
      const response = f.responses[entry.next];
      if (response === undefined) continue;
      entry.next += 1;
      return toReply(response);
    }
    return undefined;
  }
}
