/**
 * Every AccessKey secret and STS token this CLI process resolved (cli/credentials.ts adds them),
 * whatever source they came from (a profile, a URI, the ECS role): the CLI's error lines are
 * redacted with them too (cli/main.ts). A module of its own so the entry chunk stays small.
 */
export const resolvedSecrets = new Set<string>();

/** Environment variable names whose values are secrets: `…SECRET…`, `…TOKEN…`, `…PASSWORD…`. */
const SECRET_NAME = /SECRET|TOKEN|PASSWORD/i;

/**
 * Every secret this process knows: {@link resolvedSecrets}, and the value of every environment
 * variable whose name says it is one (ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN,
 * HTTP_AUTH_TOKENS split at commas, NOTIFY_…_SECRET, …). The redactor skips values under 8
 * characters.
 */
export function cliSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  const out = [...resolvedSecrets];
  for (const [name, value] of Object.entries(env)) {
    if (!value || !SECRET_NAME.test(name)) continue;
    out.push(...(name === 'HTTP_AUTH_TOKENS' ? value.split(',').map((t) => t.trim()) : [value]));
  }
  return out;
}
