/**
 * Web+ id validation. Web+ ids are a kind prefix and 24 lower-case hex digits:
 * `wc-` ChangeId, `we-` EnvId, `wa-` AppId (Web+ API reference: AbortChange `ChangeId`,
 * DescribeAppEnvs `EnvId`, DescribeApplications `AppId`; examples such as
 * `wc-5d3a963d5802611c4ddc0001`). Nothing that fails these checks ever reaches the signer.
 */

import { WebplusAbortError } from './errors.js';
import { typeName } from './text.js';

/** Result of parsing one id: the trimmed id, or why it was refused (the message never echoes it). */
export type IdParse = { ok: true; id: string } | { ok: false; message: string };

/**
 * The id kinds intake validates: the three Web+ kinds, and the SAE / EDAS `ChangeOrderId` and
 * application id (`PlatformAppId`), which are both lower-case UUIDs (docs/reference/sae-edas.md
 * examples: `be2e1c76-682b-4897-98d3-1d8d6478…`, `6826ccd2-5c57-46c0-a2e5-6caca07c…`). Being the
 * same shape, a UUID says neither its platform nor whether it is an order or an app: requests
 * name both (`platform` and the list they put it in).
 */
export type IdKind = 'ChangeId' | 'EnvId' | 'AppId' | 'ChangeOrderId' | 'PlatformAppId';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PATTERNS: Record<IdKind, RegExp> = {
  ChangeId: /^wc-[0-9a-f]{24}$/,
  EnvId: /^we-[0-9a-f]{24}$/,
  AppId: /^wa-[0-9a-f]{24}$/,
  ChangeOrderId: UUID,
  PlatformAppId: UUID,
};
const EXPECTED: Record<IdKind, string> = {
  ChangeId: 'wc- and 24 lower-case hex digits',
  EnvId: 'we- and 24 lower-case hex digits',
  AppId: 'wa- and 24 lower-case hex digits',
  ChangeOrderId: 'a lower-case UUID, 8-4-4-4-12 hex digits',
  PlatformAppId: 'a lower-case UUID, 8-4-4-4-12 hex digits',
};
const WEBPLUS_KINDS: readonly IdKind[] = ['ChangeId', 'EnvId', 'AppId'];

/** Which Web+ kind a string is, if it is a well-formed Web+ id (UUIDs are never named). */
export function idKindOf(value: string): IdKind | undefined {
  for (const kind of WEBPLUS_KINDS) {
    if (PATTERNS[kind].test(value)) return kind;
  }
  return undefined;
}

/**
 * Parses one id of `kind`: must be a string; surrounding whitespace is trimmed; then it must match
 * the kind's pattern exactly. Messages: `expected a string, got number`, `empty`,
 * `an EnvId where a ChangeId was expected`, `not a ChangeId (expected wc- and 24 lower-case hex digits)`.
 */
export function parseId(kind: IdKind, raw: unknown): IdParse {
  if (typeof raw !== 'string')
    return { ok: false, message: `expected a string, got ${typeName(raw)}` };
  const id = raw.trim();
  if (id === '') return { ok: false, message: 'empty' };
  if (PATTERNS[kind].test(id)) return { ok: true, id };
  const other = idKindOf(id);
  if (other) return { ok: false, message: `an ${other} where a ${kind} was expected` };
  if (/\$\{[^}]*\}?/.test(id)) {
    return { ok: false, message: `an unrendered variable, not a ${kind}` };
  }
  return {
    ok: false,
    message: `not a ${kind} (expected ${EXPECTED[kind]})`,
  };
}

/** A Web+ ChangeId: trimmed, `/^wc-[0-9a-f]{24}$/`. */
export function parseChangeId(raw: unknown): IdParse {
  return parseId('ChangeId', raw);
}

/** A Web+ EnvId: trimmed, `/^we-[0-9a-f]{24}$/`. */
export function parseEnvId(raw: unknown): IdParse {
  return parseId('EnvId', raw);
}

/** A Web+ AppId: trimmed, `/^wa-[0-9a-f]{24}$/`. */
export function parseAppId(raw: unknown): IdParse {
  return parseId('AppId', raw);
}

/**
 * The kinds of id and name fields read from cloud replies: the {@link IdKind}s, and
 * `ActionName`, the one name a decision reads (a Web+ change's action, matched by the policy's
 * `actions` rule).
 */
export type ReplyFieldKind = IdKind | 'ActionName';

/**
 * Web+ `ActionName`: one to eight capitalised words run together, at most 64 characters. The
 * documented values are all of this form: `Apply`, `RestartApp`, `StopApp`, `StartApp`,
 * `ReloadProxy`, `Termination`, `GatherLog`, `GatherStats` (docs/reference/webplus-api.md,
 * "The change object", S2/S3). `APPLY`, `apply`, `Apply ` are not of it.
 */
const ACTION_NAME = /^(?:[A-Z][a-z]+){1,8}$/;
const ACTION_NAME_MAX = 64;

/** Why {@link readReplyField} refused a field: the field's path and what it held, in words. */
export interface ReplyFieldProblem {
  ok: false;
  /** Where the field stood, e.g. `Change.ChangeId`, `AppEnvs.AppEnv[2].LatestChangeId`. */
  path: string;
  /** e.g. `Change.ChangeId is an array, not a string`, `… "WC-…" is not a ChangeId (expected …)` */
  message: string;
}

/** The result of {@link readReplyField}: the value (`undefined`: the field is absent), or why not. */
export type ReplyField = { ok: true; value: string | undefined } | ReplyFieldProblem;

/**
 * Reads one id or name field of a cloud reply (Web+, SAE, EDAS), exactly: the one place reply
 * id formats are checked (every reply parser calls it; intake's {@link parseId}, which trims
 * what a person typed, is not for replies). Nothing is trimmed, converted or unwrapped:
 * - absent (`undefined`) → `{ ok: true, value: undefined }` (the caller decides whether the
 *   field is required; a required one that is absent is its own MalformedReply);
 * - a JSON string matching the kind's pattern exactly (ids: {@link PATTERNS}, which also bound
 *   their length; `ActionName`: {@link ACTION_NAME}, at most 64 characters) → the string;
 * - anything else: a one-element array `["wc-…"]`, a number, null, a boolean, an object, `""`,
 *   whitespace around the id, an upper-case `WC-…`, an over-long string → a problem naming
 *   `path` and what was read (cut to 40 characters). The parsers turn it into their
 *   `MalformedReply` error (Web+: shared/webplus/client.ts; SAE/EDAS:
 *   shared/platform/roa-client.ts `malformedReply`), so nothing is aborted from that reply and
 *   the record names the field.
 * @param kind the field's kind
 * @param raw the value as parsed from the reply's JSON
 * @param path the field's place in the reply, for the message
 */
export function readReplyField(kind: ReplyFieldKind, raw: unknown, path: string): ReplyField {
  if (raw === undefined) return { ok: true, value: undefined };
  const problem = (why: string): ReplyFieldProblem => ({
    ok: false,
    path,
    message: `${path} ${why}`,
  });
  if (typeof raw !== 'string') return problem(`is ${describeRaw(raw)}, not a string`);
  if (raw === '') return problem(`is the empty string, not ${article(kind)} ${kind}`);
  if (kind === 'ActionName') {
    if (raw.length <= ACTION_NAME_MAX && ACTION_NAME.test(raw)) return { ok: true, value: raw };
    return problem(
      `${describeRaw(raw)} is not an ActionName (expected capitalised words run together, such as Apply or RestartApp, at most ${ACTION_NAME_MAX} characters)`,
    );
  }
  if (PATTERNS[kind].test(raw)) return { ok: true, value: raw };
  if (raw.trim() !== raw && PATTERNS[kind].test(raw.trim()))
    return problem(`${describeRaw(raw)} has whitespace around the ${kind}`);
  return problem(
    `${describeRaw(raw)} is not ${article(kind)} ${kind} (expected ${EXPECTED[kind]})`,
  );
}

function article(kind: ReplyFieldKind): string {
  return /^[AEIOU]/.test(kind) ? 'an' : 'a';
}

/** A reply value in words for a message: its JSON type, and a cut form of a string or number. */
function describeRaw(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean')
    return `the ${typeof value} ${value}`;
  return `an ${typeof value}`;
}

/**
 * Reads one display field of a cloud reply (a name or text no decision reads: Web+
 * `ChangeName`, `ChangeDescription`, `EnvName`, `EnvStatus`, `AppName`; SAE/EDAS `AppName`,
 * `CoTypeCode`, `Description`, …): absent → `undefined`; a JSON string → the string, or
 * `undefined` when it is empty or only whitespace (blank names nothing, rt12 L1); anything else
 * (an array, a number, null, an object) → a problem naming `path`, as {@link readReplyField}.
 * Its content is not checked: it is shown, never matched.
 */
export function readReplyText(raw: unknown, path: string): ReplyField {
  if (raw === undefined) return { ok: true, value: undefined };
  if (typeof raw !== 'string')
    return { ok: false, path, message: `${path} is ${describeRaw(raw)}, not a string` };
  return { ok: true, value: raw.trim() === '' ? undefined : raw };
}

/**
 * A reply field that {@link readReplyField} or {@link readReplyText} refused, thrown by the
 * reply normalizers (shared/webplus/normalize.ts) and turned by the client into the action's
 * `MalformedReply` error, whose message is this one (it names the field's path).
 */
export class ReplyFieldError extends WebplusAbortError {
  override readonly name = 'ReplyFieldError';
  /** The refused field's path in the reply, e.g. `Change.ActionName`. */
  readonly path: string;

  constructor(problem: ReplyFieldProblem) {
    super(problem.message);
    this.path = problem.path;
  }
}

/** {@link readReplyField}, throwing {@link ReplyFieldError} for a refused field. */
export function replyField(kind: ReplyFieldKind, raw: unknown, path: string): string | undefined {
  const read = readReplyField(kind, raw, path);
  if (!read.ok) throw new ReplyFieldError(read);
  return read.value;
}

/** {@link readReplyText}, throwing {@link ReplyFieldError} for a refused field. */
export function replyText(raw: unknown, path: string): string | undefined {
  const read = readReplyText(raw, path);
  if (!read.ok) throw new ReplyFieldError(read);
  return read.value;
}
