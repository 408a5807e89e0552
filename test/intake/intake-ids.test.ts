import { describe, expect, it } from 'vitest';
import { parseAppId, parseChangeId, parseEnvId } from '#shared/core/ids.js';
import { printable } from '#shared/core/text.js';
import { collectIds } from '#shared/intake/id-list.js';
import { RecentEvents } from '#shared/intake/recent-events.js';

describe('parseChangeId / parseEnvId / parseAppId', () => {
  it('accepts a well-formed id and trims it', () => {
    expect(parseChangeId(' wc-5d3a963d5802611c4ddc0002\n')).toEqual({
      ok: true,
      id: 'wc-5d3a963d5802611c4ddc0002',
    });
    expect(parseEnvId('we-5d39b8ba6786bd4b14950001')).toEqual({
      ok: true,
      id: 'we-5d39b8ba6786bd4b14950001',
    });
    expect(parseAppId('wa-5d39b8ba6786bd4b14950001')).toEqual({
      ok: true,
      id: 'wa-5d39b8ba6786bd4b14950001',
    });
  });

  it('refuses the wrong kind, injection, empty, non-strings, upper case and variables', () => {
    expect(parseChangeId('we-5d39b8ba6786bd4b14950001')).toEqual({
      ok: false,
      message: 'an EnvId where a ChangeId was expected',
    });
    expect(parseChangeId('wc-x&ChangeId=wc-other')).toEqual({
      ok: false,
      message: 'not a ChangeId (expected wc- and 24 lower-case hex digits)',
    });
    expect(parseChangeId('   ')).toEqual({ ok: false, message: 'empty' });
    expect(parseChangeId(42)).toEqual({ ok: false, message: 'expected a string, got number' });
    expect(parseChangeId('WC-5D3A963D5802611C4DDC0001').ok).toBe(false);
    expect(parseEnvId('$' + '{envId}')).toEqual({
      ok: false,
      message: 'an unrendered variable, not a EnvId',
    });
    expect(parseEnvId('we-5d39b8ba6786bd4b149500011').ok).toBe(false);
  });
});

describe('collectIds', () => {
  it('splits comma-joined strings, dedupes, and names refused entries by index', () => {
    const list = collectIds(
      'ChangeId',
      'wc-5d3a963d5802611c4ddc0001,wc-5d3a963d5802611c4ddc0001, bad',
      'changeIds',
    );
    expect(list).toEqual({
      ids: ['wc-5d3a963d5802611c4ddc0001'],
      invalid: [
        {
          field: 'changeIds[2]',
          value: ' bad',
          message: 'not a ChangeId (expected wc- and 24 lower-case hex digits)',
        },
      ],
      given: 3,
    });
  });

  it('carries the envId of a well-formed EnvId given as a ChangeId', () => {
    const list = collectIds('ChangeId', ['we-5d39b8ba6786bd4b14950001'], 'changeIds');
    expect(list?.invalid[0]?.envId).toBe('we-5d39b8ba6786bd4b14950001');
    expect(list?.invalid[0]?.changeId).toBeUndefined();
  });

  it('returns undefined for a value that is neither array nor string', () => {
    expect(collectIds('EnvId', 5, 'envIds')).toBeUndefined();
  });
});

describe('printable', () => {
  it('escapes control characters and truncates', () => {
    expect(printable('a\nb\u0001')).toBe('a\\nb\\u0001');
    expect(printable('x'.repeat(200), 10)).toBe(`${'x'.repeat(10)}…`);
    expect(printable({ a: 1 })).toBe('{"a":1}');
  });
});

describe('RecentEvents', () => {
  it('reports a key seen before and forgets the oldest past its size', () => {
    const recent = new RecentEvents(2);
    expect(recent.seen('a')).toBe(false);
    expect(recent.seen('a')).toBe(true);
    expect(recent.seen('b')).toBe(false);
    expect(recent.seen('c')).toBe(false);
    expect(recent.size).toBe(2);
    expect(recent.seen('a')).toBe(false);
  });

  it('forget lets a key be handled again', () => {
    const recent = new RecentEvents();
    recent.seen('k');
    recent.forget('k');
    expect(recent.seen('k')).toBe(false);
  });
});
