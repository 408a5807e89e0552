/**
 * Scripted faults of an SAE/EDAS section: each entry is matched by action and, when given,
 * changeOrderId / appId / regionId (the region the request's host names); every matching request takes the entry's next response, and once the
 * list is spent the emulator answers normally again (as the Web+ sandbox does).
 */
import { type Reply, toReply } from '../webplus/faults.js';
import type { RoaFault } from './section.js';

/** The scripted faults of one SAE or EDAS emulator, with each entry's cursor (this file's header). */
export class RoaFaultPlan {
  private readonly entries: { fault: RoaFault; next: number }[];

  constructor(faults: readonly RoaFault[]) {
    this.entries = faults.map((fault) => ({ fault, next: 0 }));
  }

  /** The next scripted reply for this request, or undefined to answer normally. */
  take(
    action: string,
    target: { changeOrderId?: string; appId?: string; regionId?: string },
  ): Reply | undefined {
    for (const entry of this.entries) {
      const f = entry.fault;
      if (f.action !== action) continue;
      if (f.changeOrderId !== undefined && f.changeOrderId !== target.changeOrderId) continue;
      if (f.appId !== undefined && f.appId !== target.appId) continue;
      if (f.regionId !== undefined && f.regionId !== target.regionId) continue;
      const response = f.responses[entry.next];
      if (response === undefined) continue;
      entry.next += 1;
      return toReply(response);
    }
    return undefined;
  }
}
