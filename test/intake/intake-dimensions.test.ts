import { describe, expect, it } from 'vitest';
import { parseDimensions } from '#shared/intake/alarm/dimensions.js';
import { parseForm } from '#shared/intake/form.js';

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
