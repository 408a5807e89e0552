/**
 * Issue 12 (b12c item 1, 5): every id or name field read from a reply is an exact-format
 * string. Replies are generated whose id and name fields are each drawn from: the valid string,
 * a one-element array of it, it upper-cased, a number, null, the empty string, it with
 * whitespace around, it over-long. The parser must accept exactly the replies whose fields are
 * all valid (by the small oracle below, written from the documented formats and not from the
 * parser's patterns) and otherwise throw ReplyFieldError naming one of the invalid fields.
 * Formats: docs/reference/webplus-api.md (ids `wc-`/`we-`/`wa-` + 24 lower-case hex digits,
 * ActionName values such as Apply, RestartApp), docs/reference/sae-edas.md (lower-case UUIDs).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReplyFieldError, readReplyField } from '#shared/core/ids.js';
import { integer } from '#shared/platform/parse.js';
import { toAppEnv, toApplication, toChange } from '#shared/webplus/normalize.js';

type Kind = 'ChangeId' | 'EnvId' | 'AppId' | 'UUID' | 'ActionName';

const HEX = '0123456789abcdef';

/** The oracle: whether `v` is a valid field of `kind`, by character checks. */
function valid(kind: Kind, v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const isHex = (s: string) => s.length > 0 && [...s].every((c) => HEX.includes(c));
  if (kind === 'ChangeId' || kind === 'EnvId' || kind === 'AppId') {
    const prefix = { ChangeId: 'wc-', EnvId: 'we-', AppId: 'wa-' }[kind];
    return v.length === 27 && v.startsWith(prefix) && isHex(v.slice(3));
  }
  if (kind === 'UUID') {
    const parts = v.split('-');
    return (
      parts.length === 5 &&
      [8, 4, 4, 4, 12].every((n, i) => parts[i]?.length === n && isHex(parts[i] ?? ''))
    );
  }
  // ActionName: capitalised words run together (Apply, RestartApp), at most 64 characters.
  if (v.length === 0 || v.length > 64) return false;
  const upper = (c: string) => c >= 'A' && c <= 'Z';
  const lower = (c: string) => c >= 'a' && c <= 'z';
  const chars = [...v];
  if (!chars.every((c) => upper(c) || lower(c))) return false;
  if (!upper(chars[0] ?? '') || !lower(chars[chars.length - 1] ?? '')) return false;
  if (chars.some((c, i) => upper(c) && upper(chars[i + 1] ?? ''))) return false;
  return chars.filter(upper).length <= 8;
}

const hexString = (n: number) =>
  fc.array(fc.constantFrom(...HEX), { minLength: n, maxLength: n }).map((a) => a.join(''));
const base: Record<Kind, fc.Arbitrary<string>> = {
  ChangeId: hexString(24).map((h) => `wc-${h}`),
  EnvId: hexString(24).map((h) => `we-${h}`),
  AppId: hexString(24).map((h) => `wa-${h}`),
  UUID: fc.uuid().map((u) => u.toLowerCase()),
  ActionName: fc.constantFrom(
    'Apply',
    'RestartApp',
    'StopApp',
    'StartApp',
    'ReloadProxy',
    'Termination',
    'GatherLog',
    'GatherStats',
  ),
};

/** One field's value: the valid string or one of its wrong types or forms. */
function variant(kind: Kind): fc.Arbitrary<unknown> {
  return base[kind].chain((v) =>
    fc.constantFrom<unknown>(
      v,
      [v],
      v.toUpperCase(),
      1234,
      null,
      '',
      ` ${v} `,
      `${v}${'a'.repeat(70)}`,
    ),
  );
}

/** Runs `read`; the path it refused, or 'accepted'. */
function outcome(read: () => unknown): string {
  try {
    read();
    return 'accepted';
  } catch (err) {
    if (err instanceof ReplyFieldError) {
      expect(err.message.startsWith(err.path)).toBe(true);
      return err.path;
    }
    throw err;
  }
}

function check(fields: Record<string, [Kind, unknown]>, path: string, read: () => unknown): void {
  const invalid = Object.entries(fields)
    .filter(([, [kind, v]]) => !valid(kind, v))
    .map(([name]) => `${path}.${name}`);
  const got = outcome(read);
  if (invalid.length === 0) expect(got).toBe('accepted');
  else expect(invalid).toContain(got);
}

describe('reply id and name fields are exact-format strings (property)', () => {
  it('DescribeChange / DescribeChanges: ChangeId, EnvId, ActionName', () => {
    fc.assert(
      fc.property(
        variant('ChangeId'),
        variant('EnvId'),
        variant('ActionName'),
        (changeId, envId, actionName) => {
          const raw = {
            ChangeId: changeId,
            EnvId: envId,
            ActionName: actionName,
            ChangeFinished: false,
            ChangeAborted: false,
            ChangePaused: false,
            CreateTime: 1_700_000_000_000,
            UpdateTime: 1_700_000_060_000,
          };
          check(
            {
              ChangeId: ['ChangeId', changeId],
              EnvId: ['EnvId', envId],
              ActionName: ['ActionName', actionName],
            },
            'Changes.Change[0]',
            () => toChange(raw, 'Changes.Change[0]'),
          );
          const all =
            valid('ChangeId', changeId) && valid('EnvId', envId) && valid('ActionName', actionName);
          if (all)
            expect(toChange(raw)).toMatchObject({ changeId, envId, actionName, unreadable: {} });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('DescribeAppEnvs / DescribeAppEnvStatus: EnvId, AppId, LatestChangeId', () => {
    fc.assert(
      fc.property(
        variant('EnvId'),
        variant('AppId'),
        variant('ChangeId'),
        (envId, appId, latest) => {
          const raw = {
            EnvId: envId,
            AppId: appId,
            LatestChangeId: latest,
            ApplyingChange: true,
            AbortingChange: false,
          };
          // null or "" is how a listing may say "no change yet": absent, never a change to read
          // (an environment applying a change without naming it is skipped downstream).
          const latestAbsent = latest === null || latest === '';
          check(
            {
              EnvId: ['EnvId', envId],
              AppId: ['AppId', appId],
              ...(latestAbsent ? {} : { LatestChangeId: ['ChangeId', latest] as [Kind, unknown] }),
            },
            'EnvStatus',
            () => toAppEnv(raw, 'EnvStatus'),
          );
          if (valid('EnvId', envId) && valid('AppId', appId) && latestAbsent)
            expect(toAppEnv(raw)?.latestChangeId).toBeUndefined();
          if (valid('EnvId', envId) && valid('AppId', appId) && valid('ChangeId', latest))
            expect(toAppEnv(raw)).toMatchObject({ envId, appId, latestChangeId: latest });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('DescribeApplications: AppId', () => {
    fc.assert(
      fc.property(variant('AppId'), (appId) => {
        check({ AppId: ['AppId', appId] }, 'Applications.Application[0]', () =>
          toApplication({ AppId: appId, AppName: 'shop' }, 'Applications.Application[0]'),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('SAE / EDAS ChangeOrderId and AppId (lower-case UUIDs) through the one reader', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('ChangeOrderId', 'PlatformAppId') as fc.Arbitrary<
          'ChangeOrderId' | 'PlatformAppId'
        >,
        variant('UUID'),
        (kind, v) => {
          const read = readReplyField(kind, v, 'Data.X');
          expect(read.ok).toBe(valid('UUID', v));
          if (read.ok) expect(read.value).toBe(v);
          else expect(read.message.startsWith('Data.X ')).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('examples', () => {
  it('an array, an upper-case id and padding are each refused with the path named', () => {
    const id = 'wc-5d3a963d5802611c4ddc0001';
    expect(() => toChange({ ChangeId: [id] })).toThrow('Change.ChangeId is an array, not a string');
    expect(() => toChange({ ChangeId: id, ActionName: ['Apply'] })).toThrow(
      'Change.ActionName is an array, not a string',
    );
    expect(() =>
      toAppEnv({ EnvId: 'we-5d39b8ba6786bd4b14950001', LatestChangeId: id.toUpperCase() }),
    ).toThrow('EnvStatus.LatestChangeId "WC-5D3A963D5802611C4DDC0001" is not a ChangeId');
    expect(() => toChange({ ChangeId: ` ${id}` })).toThrow('has whitespace around the ChangeId');
  });

  it('FinishTime set beside ChangeFinished false: ChangeFinished unreadable, naming both', () => {
    const change = toChange({
      ChangeId: 'wc-5d3a963d5802611c4ddc0001',
      EnvId: 'we-5d39b8ba6786bd4b14950001',
      ChangeFinished: false,
      ChangeAborted: false,
      ChangePaused: false,
      FinishTime: 1_700_000_000_000,
    });
    expect(change?.unreadable.ChangeFinished).toBe(
      'FinishTime 1700000000000 is set while ChangeFinished is false: the two contradict each other',
    );
    for (const unset of [undefined, null, 0, '0', '']) {
      const quiet = toChange({
        ChangeId: 'wc-5d3a963d5802611c4ddc0001',
        EnvId: 'we-5d39b8ba6786bd4b14950001',
        ChangeFinished: false,
        FinishTime: unset,
      });
      expect(quiet?.unreadable.ChangeFinished).toBeUndefined();
    }
  });

  it('SAE/EDAS integer(): JSON numbers only, digit strings refused', () => {
    expect(integer(3)).toBe(3);
    expect(integer(-2)).toBe(-2);
    expect(integer('3')).toBeUndefined();
    expect(integer('-1')).toBeUndefined();
    expect(integer(1.5)).toBeUndefined();
    expect(integer(null)).toBeUndefined();
  });
});
