/**
 * Every AccessKey secret and STS token this CLI process resolved (cli/credentials.ts adds them),
 * whatever source they came from (a profile, a URI, the ECS role): the CLI's error lines are
 * redacted with them too (cli/main.ts). A module of its own so the entry chunk stays small.
 */
export const resolvedSecrets = new Set<string>();

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { urlSecrets } from '#shared/notify/url-secrets.js';

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
 * Every secret-named value (`access_key_secret`, `security_token`, …) of the INI credentials file
 * (`ALIBABA_CLOUD_CREDENTIALS_FILE`, else `~/.alibabacloud/credentials`), every section. Not the
 * other values (`region_id = cn-hangzhou` would cost every mention of the region); the messages
 * about that file itself pass all of them (cli/credentials.ts). Unreadable: none.
 */
function iniFileSecrets(env: NodeJS.ProcessEnv, home: string): string[] {
  let text: string;
  try {
    text = readFileSync(
      env.ALIBABA_CLOUD_CREDENTIALS_FILE || join(home, '.alibabacloud', 'credentials'),
      'utf8',
    );
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([^=#;[\s]+)\s*=(.*)$/.exec(line);
    const value = m?.[2]?.trim().replace(/^["']|["']$/g, '');
    if (m && value && SECRET_NAME.test(m[1]!)) out.push(value);
  }
  return out;
}

/** The content of `ALIBABA_CLOUD_OIDC_TOKEN_FILE` (STS may quote the OIDC token back). */
function oidcToken(env: NodeJS.ProcessEnv): string[] {
  if (!env.ALIBABA_CLOUD_OIDC_TOKEN_FILE) return [];
  try {
    const token = readFileSync(env.ALIBABA_CLOUD_OIDC_TOKEN_FILE, 'utf8').trim();
    return token ? [token] : [];
  } catch {
    return []; // unreadable: the SDK's message says so, and holds no token
  }
}

/**
 * The notification secrets the policy names (`notify.targets[].urlEnv` / `secretEnv`, read from
 * `POLICY` or `POLICY_FILE` as text, JSON or YAML alike, without loading the policy code): each
 * `secretEnv` value, and the secret parts of each `urlEnv` URL (shared/notify/url-secrets.ts; a
 * value that is not a URL, whole). Their variables' names need not say "secret" (`DINGTALK_URL`).
 */
function notifySecrets(env: NodeJS.ProcessEnv): string[] {
  let text = env.POLICY ?? '';
  if (env.POLICY_FILE) {
    try {
      text += `\n${readFileSync(env.POLICY_FILE, 'utf8')}`;
    } catch {
      // unreadable: the policy step reports it
    }
  }
  const out: string[] = [];
  for (const m of text.matchAll(/\b(urlEnv|secretEnv)["']?\s*:\s*["']?([A-Z][A-Z0-9_]{0,127})/g)) {
    const value = env[m[2]!]?.trim();
    if (!value) continue;
    if (m[1] === 'secretEnv') {
      out.push(value);
      continue;
    }
    try {
      out.push(...urlSecrets(value));
    } catch {
      out.push(value);
    }
  }
  return out;
}

/**
 * Every secret this process knows, the one set every CLI output is redacted with (cli/main.ts
 * error lines, `invoke --remote`, `log`, `doctor`, the credential sources' own errors):
 * {@link resolvedSecrets} (keys fetched from any source); the value of every environment
 * variable whose name says it is one (ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN,
 * HTTP_AUTH_TOKENS split at commas, NOTIFY_…_SECRET, …) and ALIBABA_CLOUD_ACCESS_KEY_ID; the OIDC
 * token file's content; every secret-named value of `~/.aliyun/config.json` (every profile) and
 * of the INI credentials file; the notification secrets the policy names. The redactor skips
 * values under 8 characters. Red-team 12: it is the union of what the credentials step and the
 * error lines used to redact apart, so no output redacts fewer.
 */
export function cliSecrets(env: NodeJS.ProcessEnv = process.env, home = homedir()): string[] {
  const out = [
    ...resolvedSecrets,
    ...configFileSecrets(home),
    ...iniFileSecrets(env, home),
    ...oidcToken(env),
    ...notifySecrets(env),
  ];
  if (env.ALIBABA_CLOUD_ACCESS_KEY_ID) out.push(env.ALIBABA_CLOUD_ACCESS_KEY_ID);
  for (const [name, value] of Object.entries(env)) {
    if (!value || !SECRET_NAME.test(name)) continue;
    out.push(...(name === 'HTTP_AUTH_TOKENS' ? value.split(',').map((t) => t.trim()) : [value]));
  }
  return out;
}
