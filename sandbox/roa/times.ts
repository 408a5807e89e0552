/** Time helpers of the SAE and EDAS emulators. */

const MINUTE_MS = 60_000;

/** `yyyy-MM-dd HH:mm:ss` in UTC+8, the form (and probable zone) of SAE/EDAS time strings. */
export function chinaDateTime(epochMs: number): string {
  const d = new Date(epochMs + 8 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`
  );
}

/** The start and last progress of an order, from minutes before `startedAt`. */
export function orderTimes(
  o: { startedMinutesAgo?: number; idleMinutes?: number },
  startedAt: number,
): { start: number; progress: number } {
  const start = startedAt - (o.startedMinutesAgo ?? o.idleMinutes ?? 0) * MINUTE_MS;
  const progress = startedAt - (o.idleMinutes ?? 0) * MINUTE_MS;
  return { start, progress: Math.max(start, progress) };
}

/** An emulated change order's clock: when it started, last progressed, will finish, was aborted. */
export interface OrderRecord<O> {
  readonly source: O;
  /** epoch ms */
  readonly start: number;
  /** epoch ms of the last progress */
  readonly progress: number;
  /** epoch ms it succeeds by itself, or null (never: no `finishAfterSeconds`, or not abortable) */
  readonly finishAt: number | null;
  /** epoch ms an abort was accepted, or null */
  abortAt: number | null;
  /** the accepted abort asked for a rollback */
  rollback: boolean;
}

/**
 * The clock of scenario order `o` in an emulator started at `startedAt` (epoch ms). Only an
 * order in one of the product's `abortable` statuses (one still running) finishes by itself.
 */
export function orderRecord<
  O extends {
    Status: number;
    startedMinutesAgo?: number;
    idleMinutes?: number;
    finishAfterSeconds?: number;
  },
>(o: O, startedAt: number, abortable: ReadonlySet<number>): OrderRecord<O> {
  const { start, progress } = orderTimes(o, startedAt);
  return {
    source: o,
    start,
    progress,
    finishAt:
      o.finishAfterSeconds === undefined || !abortable.has(o.Status)
        ? null
        : startedAt + o.finishAfterSeconds * 1000,
    abortAt: null,
    rollback: false,
  };
}

/** A positive integer query parameter, the default when absent, or undefined when invalid. */
export function pageParam(raw: string | undefined, fallback: number): number | undefined {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}

/**
 * The scenario's wire overrides applied to a read: `wire` fields replace the read's, `wireOmit`
 * fields are dropped; `pipelinesWire[i]` replaces fields of batch i+1; the same for the batch
 * at `batchIndex` (`batchWire`, `batchWireOmit`).
 */
export function applyWire(
  read: Record<string, unknown>,
  batches: Record<string, unknown>[],
  batchIndex: number,
  o: {
    wire?: Record<string, unknown>;
    wireOmit?: string[];
    batchWire?: Record<string, unknown>;
    batchWireOmit?: string[];
    pipelinesWire?: Record<string, unknown>[];
  },
): void {
  Object.assign(read, o.wire ?? {});
  (o.pipelinesWire ?? []).forEach((w, i) => {
    if (batches[i]) Object.assign(batches[i]!, w);
  });
  for (const k of o.wireOmit ?? []) delete read[k];
  const batch = batches[batchIndex];
  if (!batch) return;
  Object.assign(batch, o.batchWire ?? {});
  for (const k of o.batchWireOmit ?? []) delete batch[k];
}

/** The scenario's listing overrides applied to an order's listing entry (`listWire`, `listWireOmit`). */
export function applyListWire(
  entry: Record<string, unknown>,
  o: { listWire?: Record<string, unknown>; listWireOmit?: string[] },
): Record<string, unknown> {
  Object.assign(entry, o.listWire ?? {});
  for (const k of o.listWireOmit ?? []) delete entry[k];
  return entry;
}

/** An order is listed under `appId`: its own application, or one of its `listedUnder`. */
export function listedUnder(o: { AppId: string; listedUnder?: string[] }, appId: string): boolean {
  return o.AppId === appId || (o.listedUnder ?? []).includes(appId);
}
