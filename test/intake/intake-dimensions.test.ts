import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_DIMENSION_ITEMS,
  parseDimensions,
  readDimensions,
} from '#shared/intake/alarm/dimensions.js';
import { parseCmsCallbackBody } from '#shared/intake/cloudmonitor/callback.js';
import { parseForm, readForm } from '#shared/intake/form.js';

describe('parseDimensions', () => {
  it('reads a Java-map string into clean keys and values', () => {
    expect(parseDimensions('{userId=1234567890123456, envId=we-5d39b8ba6786bd4b14950001}')).toEqual(
      {
        userId: '1234567890123456',
        envId: 'we-5d39b8ba6786bd4b14950001',
      },
    );
  });

  it('keeps commas inside a Java-map value and drops literal nulls', () => {
    expect(parseDimensions('{tags=a,b, instanceName=null, app=shop}')).toEqual({
      tags: 'a,b',
      app: 'shop',
    });
  });

  it('reads a JSON array, a URL-encoded JSON array and a JSON object', () => {
    const array = '[{"userId":"1","changeId":"wc-5d3a963d5802611c4ddc0001"}]';
    const expected = { userId: '1', changeId: 'wc-5d3a963d5802611c4ddc0001' };
    expect(parseDimensions(array)).toEqual(expected);
    expect(parseDimensions(encodeURIComponent(array))).toEqual(expected);
    expect(parseDimensions('{"userId":1,"changeId":"wc-5d3a963d5802611c4ddc0001"}')).toEqual(
      expected,
    );
    expect(parseDimensions(JSON.parse(array))).toEqual(expected);
  });

  it('reads name/value pair arrays', () => {
    expect(parseDimensions([{ name: 'envId', value: 'we-5d39b8ba6786bd4b14950001' }])).toEqual({
      envId: 'we-5d39b8ba6786bd4b14950001',
    });
  });

  it('yields {} for junk and never throws', () => {
    expect(parseDimensions('%E0%A4%A')).toEqual({});
    expect(parseDimensions('null')).toEqual({});
    expect(parseDimensions(42)).toEqual({});
    expect(parseDimensions('[{"a":')).toEqual({});
  });

  it('keeps a __proto__ key as data, never as a prototype', () => {
    const dims = parseDimensions('{"__proto__":"x","envId":"we-5d39b8ba6786bd4b14950001"}');
    expect(Object.getPrototypeOf(dims)).toBe(Object.prototype);
    expect(dims.envId).toBe('we-5d39b8ba6786bd4b14950001');
  });
});

describe('parseForm', () => {
  it('decodes + and %XX, joins repeated names with commas, never throws on bad escapes', () => {
    expect(parseForm('a=x+y&b=%7B1%7D&a=z&c=%E0%A4%A&d=100%')).toEqual({
      a: 'x y,z',
      b: '{1}',
      c: '\ufffd%A',
      d: '100%',
    });
  });
});

/** `wc-` + 24 hex digits for n (the oracle's own spelling of an id). */
const wc = (n: number) => `wc-${n.toString(16).padStart(24, '0')}`;
const we = (n: number) => `we-${n.toString(16).padStart(24, '0')}`;

describe('readDimensions over many series (red-team 11 F5)', () => {
  it('property: every id key holds each value once, in first-seen order, and each series pairs its ids', () => {
    const series = fc.array(
      fc.record({ c: fc.nat(30), e: fc.option(fc.nat(5), { nil: undefined }) }),
      { minLength: 1, maxLength: 60 },
    );
    fc.assert(
      fc.property(series, (items) => {
        const read = readDimensions(
          JSON.stringify(
            items.map(({ c, e }) =>
              e === undefined ? { changeId: wc(c) } : { changeId: wc(c), envId: we(e) },
            ),
          ),
        );
        // The oracle: a list walked by hand.
        const firstSeen = (values: string[]) =>
          values.filter((v, i) => values.indexOf(v) === i).join(',');
        expect(read.dimensions.changeId).toBe(firstSeen(items.map(({ c }) => wc(c))));
        const envs = items.flatMap(({ e }) => (e === undefined ? [] : [we(e)]));
        expect(read.dimensions.envId).toBe(envs.length > 0 ? firstSeen(envs) : undefined);
        expect(read.pairs).toEqual(
          items.flatMap(({ c, e }) => (e === undefined ? [] : [[wc(c), we(e)]])),
        );
        expect(read.problems).toEqual([]);
        expect(read.unread).toBeUndefined();
      }),
    );
  });

  it(`reads ${MAX_DIMENSION_ITEMS} series and counts the rest, in every array shape`, () => {
    const n = MAX_DIMENSION_ITEMS + 2500;
    const objects = Array.from({ length: n }, (_, i) => ({ changeId: wc(i) }));
    for (const raw of [
      JSON.stringify(objects),
      objects,
      encodeURIComponent(JSON.stringify(objects)),
    ]) {
      const read = readDimensions(raw);
      expect(read.dimensions.changeId!.split(',')).toHaveLength(MAX_DIMENSION_ITEMS);
      expect(read.dimensions.changeId!.split(',').at(-1)).toBe(wc(MAX_DIMENSION_ITEMS - 1));
      expect(read.unread).toEqual({ series: 2500, values: 0, cap: MAX_DIMENSION_ITEMS });
    }
  });

  it('counts id values past the cap in one Java-map value, duplicates of read ones not counted', () => {
    const ids = Array.from({ length: MAX_DIMENSION_ITEMS + 7 }, (_, i) => wc(i));
    const read = readDimensions(`{changeId=${[...ids, wc(0), wc(1)].join(',')}}`);
    expect(read.dimensions.changeId).toBe(ids.slice(0, MAX_DIMENSION_ITEMS).join(','));
    expect(read.unread).toEqual({ series: 0, values: 7, cap: MAX_DIMENSION_ITEMS });
  });

  it('an SAE alarm with series past the cap is ignored (its appId must agree over every series)', () => {
    const series = Array.from({ length: MAX_DIMENSION_ITEMS + 1 }, () => ({
      appId: '7171a6ca-d1cd-4928-8642-7d5cfe69a001',
    }));
    const request = parseCmsCallbackBody(
      new URLSearchParams({
        alertName: 'sae-stuck',
        alertState: 'ALERT',
        ruleId: 'rule-sae',
        namespace: 'acs_serverless',
        timestamp: String(Date.now()),
        dimensions: JSON.stringify(series),
      }).toString(),
    );
    expect(request.kind).toBe('ignored');
    expect(request.kind === 'ignored' && request.detail).toMatch(
      /^an SAE alarm \(namespace acs_serverless\) whose dimensions hold more than the 10000 series or values read \(1 series and 0 id values not read\)/,
    );
  });
});

describe('readForm over many names', () => {
  it('lists each conflicting name once, in first-seen order, among 30,000 of them', () => {
    const names = Array.from({ length: 30_000 }, (_, i) => `k${i}`);
    const body = [...names.map((k) => `${k}=1`), ...names.map((k) => `${k}=2`), 'k0=3'].join('&');
    const read = readForm(body);
    expect(read.conflicting).toEqual(names);
    expect(read.fields.k29999).toBe('1');
  });
});
