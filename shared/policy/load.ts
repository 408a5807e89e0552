import { readFileSync } from 'node:fs';
import type * as z from '../core/zod.js';
import { PolicyError } from './errors.js';
import { readPolicyText } from './policy-text.js';
import { type Policy, PolicySchema } from './schema.js';

/** True when a policy object states `defaults.mode` itself (not from the schema's default). */
function statesMode(input: unknown): boolean {
  if (typeof input !== 'object' || input === null) return false;
  const defaults = (input as { defaults?: unknown }).defaults;
  return typeof defaults === 'object' && defaults !== null && 'mode' in defaults;
}

/**
 * Validates a policy object (already parsed from YAML or JSON). A given policy must state
 * `defaults.mode`: `{}` or `defaults: {}` is refused rather than read as enforce (docs/policy.md,
 * "Fail closed"); environments without their own `mode` take it.
 * @throws PolicyError naming the first offending key (`defaults.mode` when no mode is stated).
 */
export function parsePolicy(input: unknown): Policy {
  if (input === null || input === undefined) {
    throw new PolicyError(
      'the policy says nothing (empty, null or only comments): give one, or give none at all to use the built-in defaults',
    );
  }
  const result = PolicySchema.safeParse(input);
  if (result.success) {
    if (!statesMode(input)) {
      throw new PolicyError(
        'the policy names no mode: add defaults.mode (dry-run to record what would be aborted, enforce to abort, off to touch nothing); a policy that states no mode never means enforce',
        'defaults.mode',
      );
    }
    return result.data;
  }
  throw new PolicyError(describe(result.error), keyOf(result.error));
}

/**
 * Loads the policy: from `file` (YAML or JSON), or `inline` (JSON or YAML text), or the built-in
 * defaults when neither is given. A policy that is given but says nothing (empty, whitespace,
 * only comments, `null`, `~`) is refused: the defaults apply only when no policy is given at all
 * (docs/policy.md, "Fail closed").
 * @throws PolicyError when the file cannot be read or parsed, says nothing, or a key is unknown
 *   or invalid.
 */
export function loadPolicy(source: { file?: string; inline?: string }): Policy {
  if (source.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(source.file, 'utf8');
    } catch (err) {
      throw new PolicyError(`cannot read policy file ${source.file}: ${(err as Error).message}`);
    }
    return parsePolicyText(text, `policy file ${source.file}`);
  }
  if (source.inline !== undefined) return parsePolicyText(source.inline, 'POLICY');
  return PolicySchema.parse({});
}

/**
 * Parses YAML or JSON text (JSON is YAML; JSON without loading `yaml`: policy-text.ts) and
 * validates it. @throws PolicyError
 */
export function parsePolicyText(text: string, origin = 'policy'): Policy {
  let data: unknown;
  try {
    data = readPolicyText(text);
  } catch (err) {
    throw new PolicyError(`${origin} is not valid YAML or JSON: ${(err as Error).message}`);
  }
  try {
    return parsePolicy(data);
  } catch (err) {
    if (err instanceof PolicyError) throw new PolicyError(`${origin}: ${err.message}`, err.key);
    throw err;
  }
}

function keyOf(error: z.core.$ZodError): string | undefined {
  const issue = error.issues[0];
  if (!issue) return undefined;
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') path.push(issue.keys[0] ?? '');
  return path.join('.') || undefined;
}

function describe(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid policy';
  const key = keyOf(error) ?? '(top level)';
  if (issue.code === 'unrecognized_keys') return `unknown key "${key}"`;
  return `${key}: ${issue.message}`;
}
