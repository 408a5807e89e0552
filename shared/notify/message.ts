import {
  NOTIFY_OUTCOMES,
  type NotifyOutcome,
  OUTCOME_SEVERITY,
  SEVERITIES,
  type Severity,
} from '../config/notify-settings.js';
import type { OutcomeRecord } from '../model/record.js';

/** What a message says about the invocation it summarises. */
export interface MessageContext {
  /** FC request id of the invocation. */
  invocationId: string;
  trigger: string;
  functionName: string;
  region: string;
  /** The run was a dry run (kill switch, request or policy mode). */
  dryRun: boolean;
}

/** Which records one target hears of. */
export interface Selection {
  outcomes: readonly NotifyOutcome[];
  minSeverity: Severity;
}

/** One change named in a message. Texts are single lines of at most {@link MAX_FIELD_CHARS}. */
export interface MessageItem {
  outcome: NotifyOutcome;
  severity: Severity;
  /** `webplus`, `sae` or `edas` (a Web+ record may carry none: `webplus`). */
  platform: 'webplus' | 'sae' | 'edas';
  changeId?: string;
  envId?: string;
  appId?: string;
  /** Web+ names, when the record has them (shown beside the ids). */
  envName?: string;
  appName?: string;
  /** Why it was a candidate (`idle>30m`, `alarm:<rule>`, `manual`). */
  reason?: string;
  /** Why this outcome (record `detail`, then error code and message). */
  why: string;
}

/** The summary of one invocation, before any service's formatting. */
export interface NotificationMessage {
  /** The highest severity among the listed outcomes. */
  severity: Severity;
  /** One line, e.g. `webplus-abort: 2 aborted, 1 failed (timer)`. */
  title: string;
  /** How many selected records had each outcome (outcomes with none are left out). */
  counts: Partial<Record<NotifyOutcome, number>>;
  /** The first `maxItems` selected records, most severe first, then by EnvId and ChangeId. */
  items: MessageItem[];
  /** Selected records not listed in `items`. */
  more: number;
  /** `invocation <id> · trigger <t> · <function> · <region>` */
  footer: string;
  context: MessageContext;
}

/** Longest text kept from one record field, in characters. */
export const MAX_FIELD_CHARS = 200;

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

/**
 * The message for one target, or `undefined` when none of `records` is selected (nothing is
 * sent then). A record is selected when its outcome is one of `selection.outcomes` and its
 * severity ({@link OUTCOME_SEVERITY}) is at least `selection.minSeverity`; an empty
 * `selection.outcomes` selects nothing. Records with a `kind` (notification records) are never
 * selected.
 * @param maxItems changes listed by name (1..50); the rest are counted in `more`.
 */
export function buildMessage(
  records: readonly OutcomeRecord[],
  selection: Selection,
  maxItems: number,
  context: MessageContext,
): NotificationMessage | undefined {
  const wanted = new Set<string>(selection.outcomes);
  const floor = rank(selection.minSeverity);
  const selected: MessageItem[] = [];
  for (const record of records) {
    if ((record as { kind?: unknown }).kind !== undefined) continue;
    if (!wanted.has(record.outcome)) continue;
    const outcome = record.outcome as NotifyOutcome;
    const severity = OUTCOME_SEVERITY[outcome];
    if (rank(severity) < floor) continue;
    selected.push(itemOf(record, outcome, severity));
  }
  if (selected.length === 0) return undefined;
  selected.sort(
    (a, b) =>
      rank(b.severity) - rank(a.severity) ||
      (a.envId ?? '').localeCompare(b.envId ?? '') ||
      (a.changeId ?? '').localeCompare(b.changeId ?? ''),
  );
  const counts: Partial<Record<NotifyOutcome, number>> = {};
  for (const item of selected) counts[item.outcome] = (counts[item.outcome] ?? 0) + 1;
  const severity = selected[0]!.severity;
  const tally = NOTIFY_OUTCOMES.filter((o) => counts[o])
    .map((o) => `${counts[o]} ${o.replace('_', ' ')}`)
    .join(', ');
  const items = selected.slice(0, Math.max(1, Math.floor(maxItems)));
  return {
    severity,
    title: `webplus-abort: ${tally} (${context.trigger}${context.dryRun ? ', dry run' : ''})`,
    counts,
    items,
    more: selected.length - items.length,
    footer: `invocation ${context.invocationId} · trigger ${context.trigger} · ${context.functionName} · ${context.region}`,
    context,
  };
}

/** How a line names a platform. */
const PLATFORM_WORD = { webplus: 'Web+', sae: 'SAE', edas: 'EDAS' } as const;

/**
 * One line per listed change: `aborted wc-… in shop/shop-prod (we-…) (idle>30m): why` for Web+;
 * `aborted <ChangeOrderId> on SAE app demo-api (7171a6ca-…) (idle>30m): why` for SAE / EDAS.
 */
export function itemLine(item: MessageItem): string {
  const change = item.changeId ?? '(no change id)';
  if (item.platform !== 'webplus') {
    const app = item.appId
      ? item.appName
        ? ` app ${item.appName} (${item.appId})`
        : ` app ${item.appId}`
      : item.appName
        ? ` app ${item.appName}`
        : '';
    const reason = item.reason ? ` (${item.reason})` : '';
    return `${item.outcome} ${change} on ${PLATFORM_WORD[item.platform]}${app}${reason}: ${item.why}`;
  }
  const names = [item.appName, item.envName].filter(Boolean).join('/');
  const env = item.envId
    ? names
      ? ` in ${names} (${item.envId})`
      : ` in ${item.envId}`
    : names
      ? ` in ${names}`
      : '';
  const reason = item.reason ? ` (${item.reason})` : '';
  return `${item.outcome} ${change}${env}${reason}: ${item.why}`;
}

/** The message as plain text lines: title, one line per item, `… and N more`, footer. */
export function plainLines(message: NotificationMessage): string[] {
  const lines = [message.title, ...message.items.map(itemLine)];
  if (message.more > 0) lines.push(`… and ${message.more} more (see the outcome log)`);
  lines.push(message.footer);
  return lines;
}

function itemOf(record: OutcomeRecord, outcome: NotifyOutcome, severity: Severity): MessageItem {
  const error = [record.errorCode, record.errorMessage].filter(Boolean).join(': ');
  const why = [record.detail, error].filter(Boolean).join('; ');
  return {
    outcome,
    severity,
    platform: record.platform ?? 'webplus',
    ...(record.changeId ? { changeId: oneLine(record.changeId) } : {}),
    ...(record.envId ? { envId: oneLine(record.envId) } : {}),
    ...(record.appId ? { appId: oneLine(record.appId) } : {}),
    ...(record.envName ? { envName: oneLine(record.envName) } : {}),
    ...(record.appName ? { appName: oneLine(record.appName) } : {}),
    ...(record.reason ? { reason: oneLine(record.reason) } : {}),
    why: oneLine(why) || '-',
  };
}

/**
 * The message `doctor --notify-test` sends to each target: a title saying it is a test and that
 * nothing was aborted, no items, the footer of a `cli` invocation.
 */
export function testMessage(context: MessageContext): NotificationMessage {
  return {
    severity: 'info',
    title:
      'webplus-abort: test message from `webplus-abort doctor --notify-test` (nothing was aborted)',
    counts: {},
    items: [],
    more: 0,
    footer: `invocation ${context.invocationId} · trigger ${context.trigger} · ${context.functionName} · ${context.region}`,
    context,
  };
}

/** Control characters and line breaks become spaces; long text is cut with `…`. */
function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const flat = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
  return flat.length > MAX_FIELD_CHARS ? `${flat.slice(0, MAX_FIELD_CHARS - 1)}…` : flat;
}
