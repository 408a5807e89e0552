/**
 * Independent check of the JSON fast path of policy texts (shared/policy/policy-text.ts): for
 * any JSON text, what it reads is what `yaml` reads (the parser every policy went through
 * before), and a text in which an object repeats a name is refused exactly as `yaml` refuses it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as yamlParse } from 'yaml';
import { parsePolicyText } from '#shared/policy/load.js';
import { readPolicyText } from '#shared/policy/policy-text.js';

/** `yaml`'s answer: the value, or the error message. */
const viaYaml = (text: string): { value?: unknown; error?: string } => {
  try {
    return { value: yamlParse(text) };
  } catch (err) {
    return { error: (err as Error).message };
  }
};
const viaFastPath = (text: string): { value?: unknown; error?: string } => {
  try {
    return { value: readPolicyText(text) };
  } catch (err) {
    return { error: (err as Error).message };
  }
};

/** JSON texts as people write them: compact or indented, sometimes with a trailing newline. */
const jsonText = fc
  .tuple(fc.jsonValue(), fc.constantFrom(undefined, 2, '\t'), fc.boolean())
  .map(([v, indent, nl]) => `${JSON.stringify(v, null, indent)}${nl ? '\n' : ''}`);

describe('policy text: JSON without yaml reads what yaml reads', () => {
  it('any JSON text: the same value as yaml', () => {
    fc.assert(
      fc.property(jsonText, (text) => {
        expect(viaFastPath(text)).toEqual(viaYaml(text));
      }),
      {
        numRuns: 2000,
        seed: 16,
        // Edges where JSON readers are known to differ: __proto__, -0, overflow, big ints, escapes.
        examples: [
          ['{"__proto__":{"mode":"off"},"b":-0,"c":1e400,"d":12345678901234567890}'],
          ['{"e":"\\u2028\\/\\ud800","f":[[],{}],"g":1.0e-7}'],
        ],
      },
    );
  });

  it('a repeated name at any depth: refused with yaml’s own message', () => {
    const repeated = fc
      .tuple(
        fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== '__proto__'),
        fc.jsonValue(),
        fc.jsonValue(),
        fc.nat({ max: 3 }),
      )
      .map(([k, a, b, depth]) => {
        let text = `{${JSON.stringify(k)}:${JSON.stringify(a)},${JSON.stringify(k)}:${JSON.stringify(b)}}`;
        for (let d = 0; d < depth; d++) text = `{"defaults":${text}}`;
        return text;
      });
    fc.assert(
      fc.property(repeated, (text) => {
        const fast = viaFastPath(text);
        expect(fast.error).toBeDefined();
        expect(fast).toEqual(viaYaml(text));
      }),
      { numRuns: 500, seed: 16 },
    );
  });

  it('the documented example policy in JSON and in YAML validates to the same policy', () => {
    // Arrange
    const json =
      '{"defaults":{"mode":"enforce","maxIdleMinutes":20},"protect":{"envIds":["we-5d39b8ba6786bd4b14950005"]},"sweep":{"maxAbortsPerRun":10}}';
    const yaml =
      'defaults:\n  mode: enforce\n  maxIdleMinutes: 20\nprotect:\n  envIds: [we-5d39b8ba6786bd4b14950005]\nsweep:\n  maxAbortsPerRun: 10\n';

    // Act
    const fromJson = parsePolicyText(json);
    const fromYaml = parsePolicyText(yaml);

    // Assert
    expect(fromJson).toEqual(fromYaml);
    expect(fromJson.defaults.mode).toBe('enforce');
    expect(() => parsePolicyText('{"defaults":{"mode":"enforce","mode":"off"}}')).toThrow(
      /not valid YAML or JSON: Map keys must be unique/,
    );
  });
});
