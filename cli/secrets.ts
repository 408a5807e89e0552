/**
 * Every AccessKey secret and STS token this CLI process resolved (cli/credentials.ts adds them),
 * whatever source they came from (a profile, a URI, the ECS role): the CLI's error lines are
 * redacted with them too (cli/main.ts). A module of its own so the entry chunk stays small.
 */
export const resolvedSecrets = new Set<string>();
