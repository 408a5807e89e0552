/**
 * Every AccessKey secret and STS token this CLI process resolved (cli/credentials.ts adds them),
 * whatever source they came from (a profile, a URI, the ECS role): the CLI's error lines are
 * redacted with them too (cli/main.ts). A module of its own so the entry chunk stays small.
 */
export const resolvedSecrets = new Set<string>();

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Names whose values are secrets (variables, config.json keys): `…SECRET…`, `…TOKEN…`, `…PASSWORD…`, `…PRIVATE…`. */
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|PRIVATE/i;

/**
 * Every secret-named value of every profile of `~/.aliyun/config.json` (`access_key_secret`,
 * `sts_token`, …, at any depth), whichever profile is in use: a cloud error can quote a key of
 * another profile. Unreadable or not JSON: none (the credentials step reports the file).
 */
function configFileSecrets(home: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(join(home, '.aliyun', 'config.json'), 'utf8'));
  } catch {
    return [];
  }
  const out: string[] = [];
  const walk = (value: unknown, name: string, depth: number): void => {
    if (depth > 16) return;
    if (typeof value === 'string') {
      if (SECRET_NAME.test(name)) out.push(value);
    } else if (Array.isArray(value)) {
      for (const item of value) walk(item, name, depth + 1);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) walk(item, key, depth + 1);
    }
  };
  walk(parsed, '', 0);
  return out;
}

/**
 * Every secret this process knows: {@link resolvedSecrets}, and the value of every environment
 * variable whose name says it is one (ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN,
 * HTTP_AUTH_TOKENS split at commas, NOTIFY_…_SECRET, …), and every secret-named value of
 * `~/.aliyun/config.json` (every profile). The redactor skips values under 8 characters.
 */
export function cliSecrets(env: NodeJS.ProcessEnv = process.env, home = homedir()): string[] {
  const out = [...resolvedSecrets, ...configFileSecrets(home)];
  for (const [name, value] of Object.entries(env)) {
    if (!value || !SECRET_NAME.test(name)) continue;
    out.push(...(name === 'HTTP_AUTH_TOKENS' ? value.split(',').map((t) => t.trim()) : [value]));
  }
  return out;
}
