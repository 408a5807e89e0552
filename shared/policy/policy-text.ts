import { createRequire } from 'node:module';
import { repeatedName } from '../core/json.js';

type YamlParse = (text: string) => unknown;
let yamlParse: YamlParse | undefined;

/**
 * The `yaml` package's `parse`, loaded on first use: a JSON policy never loads it. In the
 * function bundle `require('yaml')` resolves to the separate file `dist/yaml.js`
 * (scripts/bundle-options.mjs), so that a JSON policy never parses its bytes either; from ESM
 * (tests, tsx) it is loaded with `createRequire`.
 */
function loadYaml(): YamlParse {
  if (yamlParse) return yamlParse;
  try {
    const yaml = (
      typeof require === 'function' ? require('yaml') : createRequire(import.meta.url)('yaml')
    ) as { parse: YamlParse };
    yamlParse = yaml.parse;
  } catch (err) {
    // A code folder without yaml.js: the policy cannot be read (fail closed at cold start).
    throw new Error(`the YAML parser could not be loaded: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return yamlParse;
}

/**
 * The value of a policy text, JSON or YAML (JSON is YAML): a text `JSON.parse` accepts and in
 * which no object repeats a name is read as JSON, without loading `yaml`; every other text
 * (YAML, JSON with a repeated name, not JSON at all) is parsed by `yaml`, which refuses repeated
 * keys, so either way a policy that says a key twice is refused with yaml's own message. Both
 * paths give the same value for JSON texts (test/policy/policy-text.property.test.ts).
 * @returns the parsed value, `null` for a blank text
 * @throws Error from `yaml` (`YAMLParseError`) when the text is neither JSON nor YAML, or an
 *   Error saying the YAML parser could not be loaded (the bundle's `yaml.js` missing)
 */
export function readPolicyText(text: string): unknown {
  if (text.trim() === '') return null;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return loadYaml()(text);
  }
  return repeatedName(text) === undefined ? data : loadYaml()(text);
}
