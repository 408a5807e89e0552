/**
 * Credentials and region for the CLI, found the way the aliyun CLI and the Alibaba Cloud SDKs
 * find them, through `@alicloud/credentials` (2.4.7; its providers are used as they are). The
 * source is named in words; a key, secret or token never appears in any message.
 *
 * Sources, first match wins (the SDK's default chain, node_modules/@alicloud/credentials/dist/src/
 * providers/default.js; https://github.com/aliyun/credentials-nodejs#credential-provider-chain):
 * 1. `--profile NAME`: that profile of `~/.aliyun/config.json` and nothing else (aliyun CLI
 *    behaviour: https://www.alibabacloud.com/help/en/cli/configure-profiles).
 * 2. Environment: `ALIBABA_CLOUD_ACCESS_KEY_ID` + `ALIBABA_CLOUD_ACCESS_KEY_SECRET` (+
 *    `ALIBABA_CLOUD_SECURITY_TOKEN`).
 * 3. OIDC (RRSA): `ALIBABA_CLOUD_ROLE_ARN` + `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` +
 *    `ALIBABA_CLOUD_OIDC_TOKEN_FILE`.
 * 4. `~/.aliyun/config.json`: profile `ALIBABA_CLOUD_PROFILE`, else the file's `current`
 *    (modes AK, StsToken, RamRoleArn, EcsRamRole, OIDC, ChainableRamRoleArn, CloudSSO, OAuth,
 *    External; unless `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true`).
 * 5. `~/.alibabacloud/credentials` (or `ALIBABA_CLOUD_CREDENTIALS_FILE`), INI.
 * 6. ECS RAM role: only when `ALIBABA_CLOUD_ECS_METADATA` names the role (the SDK would otherwise
 *    probe 100.100.100.200 on every laptop).
 * 7. `ALIBABA_CLOUD_CREDENTIALS_URI`.
 * None of them: no credentials (the CLI then says so and uses the sandbox where it can).
 *
 * Region, first match wins: `--region`, `ALIBABA_CLOUD_REGION_ID`, `ALIBABA_CLOUD_REGION`, the
 * profile's `region_id`, `FC_REGION`, else `cn-hangzhou`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Credentials } from '#shared/core/credentials.js';
import { WebplusAbortError } from '#shared/core/errors.js';
import { createRedactor } from '#shared/core/redact.js';
import { UsageError } from './errors.js';
import { cliSecrets, resolvedSecrets } from './secrets.js';

/** The region used when nothing names one. @default 'cn-hangzhou' */
export const DEFAULT_REGION = 'cn-hangzhou';

/** A credential source could not give keys: exit 2, the message names the source, never a value. */
export class CredentialsError extends WebplusAbortError {
  override readonly name = 'CredentialsError';
  override readonly exitKind = 'usage';
}

export interface CredentialOptions {
  /** `--profile`: a profile of `~/.aliyun/config.json`. */
  profile?: string;
  /** `--region`: a region id such as `cn-shanghai`. */
  region?: string;
}

/** Where the keys came from, in words and as a stable kind (for `--json` and tests). */
export interface CredentialSource {
  kind: 'profile' | 'env' | 'oidc' | 'credentials-file' | 'ecs-ram-role' | 'uri' | 'none';
  /** e.g. `profile "prod" (mode AK) in ~/.aliyun/config.json`. Never a key, secret or token. */
  description: string;
}

export interface ResolvedCredentials {
  /** Absent when no source is configured. */
  credentials?: Credentials;
  source: CredentialSource;
  region: string;
  /** e.g. `--region`, `ALIBABA_CLOUD_REGION_ID`, `profile "prod"`, `default`. */
  regionSource: string;
}

/** The fields of an aliyun CLI profile this module reads (aliyun-cli config.json). */
interface CliProfile {
  name?: unknown;
  mode?: unknown;
  region_id?: unknown;
  [key: string]: unknown;
}

interface CliConfig {
  current?: unknown;
  profiles?: unknown;
}

/** The part of a provider of @alicloud/credentials used here. */
interface Provider {
  getCredentials(): Promise<{
    accessKeyId: string;
    accessKeySecret: string;
    securityToken?: string;
  }>;
}

interface Builder {
  build(): Provider;
}

/** A builder whose `with…` setters return itself. */
type Fluent<K extends string> = Builder & { [P in K]: (value: string) => Fluent<K> };

interface CredentialsSdk {
  StaticAKCredentialsProvider: { builder(): Fluent<'withAccessKeyId' | 'withAccessKeySecret'> };
  StaticSTSCredentialsProvider: {
    builder(): Fluent<'withAccessKeyId' | 'withAccessKeySecret' | 'withSecurityToken'>;
  };
  OIDCRoleArnCredentialsProvider: {
    builder(): Fluent<'withRoleArn' | 'withOIDCProviderArn' | 'withOIDCTokenFilePath'>;
  };
  CLIProfileCredentialsProvider: { builder(): Builder & { withProfileName(n: string): Builder } };
  ProfileCredentialsProvider: { builder(): Builder };
  ECSRAMRoleCredentialsProvider: { builder(): Builder & { withRoleName(n: string): Builder } };
  URICredentialsProvider: { builder(): Builder & { withCredentialsURI(u: string): Builder } };
}

let sdk: CredentialsSdk | undefined;

/** Loads @alicloud/credentials on first use (commands that need no keys never pay for it). */
function loadSdk(): CredentialsSdk {
  sdk ??= createRequire(import.meta.url)('@alicloud/credentials') as CredentialsSdk;
  return sdk;
}

const REGION_ID = /^[a-z]{2,}(-[a-z0-9]+)+$/;

/** `~/…` for paths under the home folder, so messages do not print the user's home path. */
function tilde(path: string, home: string): string {
  return home && path.startsWith(`${home}/`) ? `~/${path.slice(home.length + 1)}` : path;
}

/**
 * Reads `~/.aliyun/config.json` strictly enough to name a missing profile or a broken file
 * without echoing its content (the SDK's own parse error prints the whole file, secrets included).
 * @throws CredentialsError when the file is not JSON or has no profiles.
 */
function readCliConfig(
  path: string,
  shown: string,
): { profiles: CliProfile[]; current?: string; values: string[]; secretLooking: string[] } {
  let parsed: CliConfig;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as CliConfig;
  } catch (err) {
    const reason = err instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
    throw new CredentialsError(`${shown} ${reason}; fix it or run \`aliyun configure\``);
  }
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray(parsed.profiles)) {
    throw new CredentialsError(`${shown} has no "profiles" list; run \`aliyun configure\``);
  }
  const profiles = (parsed.profiles as unknown[]).filter(
    (p): p is CliProfile => typeof p === 'object' && p !== null,
  );
  return {
    profiles,
    values: fileValues(parsed),
    secretLooking: profiles.flatMap((p) =>
      Object.entries(p)
        .filter(([k, v]) => SECRET_FIELD.test(k) && typeof v === 'string' && v !== '')
        .map(([, v]) => v as string),
    ),
    ...(typeof parsed.current === 'string' && parsed.current !== ''
      ? { current: parsed.current }
      : {}),
  };
}

/** A profile name that is printed: at most 16 characters of letters, digits, `-`, `_`, `.`. */
const SHOWN_PROFILE_NAME = /^[A-Za-z0-9._-]{1,16}$/;

/** A profile field that holds a secret (`access_key_secret`, `sts_token`, `private_key`, …). */
const SECRET_FIELD = /secret|token|key|password|private|credential/i;

/**
 * Every string in the file (every field of every profile, `current`, anything else), up to
 * depth 8: any of them may hold a secret (a secret pasted into `mode` or `region_id`), so every
 * message about the file passes the redactor with all of them.
 */
function fileValues(value: unknown, depth = 0): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (typeof value !== 'object' || value === null || depth > 8) return [];
  return Object.values(value).flatMap((v) => fileValues(v, depth + 1));
}

/**
 * Every value of an INI credentials file (`key = value` lines), for redacting the SDK's
 * messages about it; none when it cannot be read.
 */
function iniValues(path: string): string[] {
  try {
    return readFileSync(path, 'utf8')
      .split(/\r?\n/)
      .map(
        (line) =>
          /^[^=#;[]+=(.*)$/
            .exec(line)?.[1]
            ?.trim()
            .replace(/^["']|["']$/g, '') ?? '',
      )
      .filter((v) => v !== '');
  } catch {
    return [];
  }
}

/**
 * The modes the aliyun CLI writes (aliyun-cli config/profile.go; the SDK's
 * dist/src/providers/cli_profile.js reads the same names). Another value is never printed.
 */
const KNOWN_MODES = new Set([
  'AK',
  'StsToken',
  'RamRoleArn',
  'EcsRamRole',
  'RsaKeyPair',
  'ChainableRamRoleArn',
  'OIDC',
  'CloudSSO',
  'OAuth',
  'External',
  'CredentialsURI',
]);

/** Every value in `texts` removed from `message` (longer ones first), then cut to 200 chars. */
/** Where a credential provider's message starts quoting the service's reply body. */
const BODY_LEAD_IN =
  /(?:message = |unmarshal fail: |result: |JSON is: |failed with OIDC: |failed: )/;

function scrub(message: string, secrets: readonly string[]): string {
  // The one redactor (any dress of a secret, a string-to-sign echo cut), never a plain search.
  let out = createRedactor(secrets).text(message);
  // Too short for the redactor (it would mangle ordinary words): removed as they are.
  for (const s of secrets.filter((v) => v.length >= 4 && v.length < 8))
    out = out.split(s).join('***');
  // A credential service's reply body (after the SDK's fixed lead-in, @alicloud/credentials
  // 2.4.7 providers: `message = `, `unmarshal fail: `, `result: `, `JSON is: `, `failed: `,
  // `failed with OIDC: `) or any JSON document in a message is content, and may quote keys this
  // process never learned: never show it, only its error code when it has one of the documented
  // shape (letters, digits, dots: `AuthenticationFail.NoPermission`).
  const body = BODY_LEAD_IN.exec(out);
  const brace = out.search(/[{[]\s*"/);
  const cut = Math.min(
    body ? body.index + body[0].length : out.length,
    brace === -1 ? out.length : brace,
  );
  if (cut < out.length) {
    const code = /"[Cc]ode"\s*:\s*"([A-Za-z][A-Za-z0-9.]{0,79})"/.exec(out.slice(cut))?.[1];
    out = `${out.slice(0, cut)}(content not shown${code ? `; Code ${code}` : ''})`;
  }
  return out.length > 200 ? `${out.slice(0, 199)}…` : out;
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && value.toLowerCase() === 'true';
}

/**
 * Which source applies, without fetching anything (no file besides `~/.aliyun/config.json` is
 * read, no network): the provider to ask and how to name it.
 * @throws CredentialsError for a half-configured source (a key id without its secret, an OIDC
 *   role without its token file, an unknown `--profile`).
 */
export function chooseSource(
  options: CredentialOptions,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): {
  source: CredentialSource;
  profileRegion?: { region: string; profile: string };
  build?: (s: CredentialsSdk) => Provider;
  /** Values of the chosen profile that must never be printed. */
  secrets?: string[];
} {
  const configPath = join(home, '.aliyun', 'config.json');
  const configShown = tilde(configPath, home);
  const fromProfile = (name: string | undefined, explicit: boolean) => {
    const config = readCliConfig(configPath, configShown);
    // No message about the file quotes a value of it (it names the field instead); the one
    // that names the profile passes the redactor with every secret-looking value of the file.
    const clean = (message: string) => createRedactor(config.secretLooking).text(message);
    const wanted = name ?? config.current;
    const count = `${config.profiles.length} profile${config.profiles.length === 1 ? '' : 's'}`;
    if (!wanted) {
      throw new CredentialsError(
        `${configShown} names no current profile; pass --profile NAME (it has ${count})`,
      );
    }
    const profile = config.profiles.find((p) => p.name === wanted);
    if (!profile) {
      const from = explicit
        ? 'the --profile name'
        : name !== undefined
          ? 'the ALIBABA_CLOUD_PROFILE name'
          : 'the "current" field';
      throw new CredentialsError(
        `${from} is not the name of any of the ${count} in ${configShown} (its value is not shown); \`aliyun configure list\` lists them`,
      );
    }
    const mode =
      profile.mode === undefined
        ? 'AK'
        : typeof profile.mode === 'string' && KNOWN_MODES.has(profile.mode)
          ? profile.mode
          : 'an unknown mode (the "mode" field is not shown)';
    // A profile's name is printed only when it reads like a name (aliyun CLI names are short
    // words: `default`, `prod`); one as long as a secret is counted, not shown.
    const shownName = SHOWN_PROFILE_NAME.test(wanted)
      ? clean(wanted)
      : `#${config.profiles.indexOf(profile) + 1} (its name, ${wanted.length} characters, is not shown)`;
    const region =
      typeof profile.region_id === 'string' && profile.region_id !== ''
        ? { region: profile.region_id, profile: shownName }
        : undefined;
    const secrets = config.values;
    return {
      secrets,
      source: {
        kind: 'profile' as const,
        description: clean(
          `profile ${shownName.startsWith('#') ? shownName : `"${shownName}"`} (mode ${mode}) in ${configShown}`,
        ),
      },
      ...(region ? { profileRegion: region } : {}),
      build: (s: CredentialsSdk) => {
        const provider = s.CLIProfileCredentialsProvider.builder().withProfileName(wanted).build();
        // The provider reads `<homedir>/.aliyun/config.json`; its `homedir` field is the SDK's
        // own seam for this (dist/src/providers/cli_profile.js, "used for mock").
        (provider as Provider & { homedir?: string }).homedir = home;
        return provider;
      },
    };
  };

  if (options.profile !== undefined) {
    if (!existsSync(configPath)) {
      throw new CredentialsError(
        `--profile ${options.profile}: ${configShown} does not exist; create it with \`aliyun configure --profile ${options.profile}\``,
      );
    }
    return fromProfile(options.profile, true);
  }
  if (env.ALIBABA_CLOUD_ACCESS_KEY_ID) {
    if (!env.ALIBABA_CLOUD_ACCESS_KEY_SECRET) {
      throw new CredentialsError(
        'ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not',
      );
    }
    return {
      source: {
        kind: 'env',
        description: `environment variables (ALIBABA_CLOUD_ACCESS_KEY_ID${env.ALIBABA_CLOUD_SECURITY_TOKEN ? ', ALIBABA_CLOUD_SECURITY_TOKEN' : ''})`,
      },
      // The static providers are given the values of `env` (the SDK's environment provider
      // reads process.env itself, which tests and callers passing `env` must not depend on).
      build: (s) =>
        env.ALIBABA_CLOUD_SECURITY_TOKEN
          ? s.StaticSTSCredentialsProvider.builder()
              .withAccessKeyId(env.ALIBABA_CLOUD_ACCESS_KEY_ID!)
              .withAccessKeySecret(env.ALIBABA_CLOUD_ACCESS_KEY_SECRET!)
              .withSecurityToken(env.ALIBABA_CLOUD_SECURITY_TOKEN)
              .build()
          : s.StaticAKCredentialsProvider.builder()
              .withAccessKeyId(env.ALIBABA_CLOUD_ACCESS_KEY_ID!)
              .withAccessKeySecret(env.ALIBABA_CLOUD_ACCESS_KEY_SECRET!)
              .build(),
    };
  }
  const oidc = [
    'ALIBABA_CLOUD_ROLE_ARN',
    'ALIBABA_CLOUD_OIDC_PROVIDER_ARN',
    'ALIBABA_CLOUD_OIDC_TOKEN_FILE',
  ] as const;
  const oidcSet = oidc.filter((k) => env[k]);
  if (oidcSet.length === oidc.length) {
    return {
      source: {
        kind: 'oidc',
        description: `OIDC role (ALIBABA_CLOUD_ROLE_ARN, token file ${tilde(env.ALIBABA_CLOUD_OIDC_TOKEN_FILE!, home)})`,
      },
      build: (s) =>
        s.OIDCRoleArnCredentialsProvider.builder()
          .withRoleArn(env.ALIBABA_CLOUD_ROLE_ARN!)
          .withOIDCProviderArn(env.ALIBABA_CLOUD_OIDC_PROVIDER_ARN!)
          .withOIDCTokenFilePath(env.ALIBABA_CLOUD_OIDC_TOKEN_FILE!)
          .build(),
    };
  }
  if (oidcSet.length > 0 && env.ALIBABA_CLOUD_OIDC_TOKEN_FILE) {
    throw new CredentialsError(
      `OIDC needs ${oidc.join(', ')}; missing: ${oidc.filter((k) => !env[k]).join(', ')}`,
    );
  }
  if (!isTrue(env.ALIBABA_CLOUD_CLI_PROFILE_DISABLED) && existsSync(configPath)) {
    return fromProfile(env.ALIBABA_CLOUD_PROFILE || undefined, false);
  }
  const iniPath = env.ALIBABA_CLOUD_CREDENTIALS_FILE || join(home, '.alibabacloud', 'credentials');
  if (existsSync(iniPath)) {
    return {
      source: {
        kind: 'credentials-file',
        description: `profile "${env.ALIBABA_CLOUD_PROFILE || 'default'}" in ${tilde(iniPath, home)}`,
      },
      build: (s) => s.ProfileCredentialsProvider.builder().build(),
      secrets: iniValues(iniPath),
    };
  }
  if (env.ALIBABA_CLOUD_ECS_METADATA && !isTrue(env.ALIBABA_CLOUD_ECS_METADATA_DISABLED)) {
    const role = env.ALIBABA_CLOUD_ECS_METADATA;
    return {
      source: {
        kind: 'ecs-ram-role',
        description: `ECS RAM role "${role}" (instance metadata service, ALIBABA_CLOUD_ECS_METADATA)`,
      },
      build: (s) => s.ECSRAMRoleCredentialsProvider.builder().withRoleName(role).build(),
    };
  }
  if (env.ALIBABA_CLOUD_CREDENTIALS_URI) {
    const uri = env.ALIBABA_CLOUD_CREDENTIALS_URI;
    let shown = 'ALIBABA_CLOUD_CREDENTIALS_URI';
    try {
      shown = `${new URL(uri).host} (ALIBABA_CLOUD_CREDENTIALS_URI)`;
    } catch {
      throw new CredentialsError('ALIBABA_CLOUD_CREDENTIALS_URI is not a URL');
    }
    return {
      source: { kind: 'uri', description: `credentials URI ${shown}` },
      build: (s) => s.URICredentialsProvider.builder().withCredentialsURI(uri).build(),
    };
  }
  return {
    source: {
      kind: 'none',
      description:
        'none (no ALIBABA_CLOUD_ACCESS_KEY_ID, no OIDC variables, no ~/.aliyun/config.json, no ~/.alibabacloud/credentials, no ALIBABA_CLOUD_ECS_METADATA)',
    },
  };
}

/**
 * The region: `--region`, `ALIBABA_CLOUD_REGION_ID`, `ALIBABA_CLOUD_REGION`, the profile's
 * `region_id`, `FC_REGION`, else {@link DEFAULT_REGION}.
 * @throws UsageError when the chosen value is not a region id (`cn-hangzhou`, `ap-southeast-1`).
 */
export function chooseRegion(
  options: CredentialOptions,
  env: NodeJS.ProcessEnv,
  profileRegion?: { region: string; profile: string },
): { region: string; regionSource: string } {
  const candidates: Array<[string | undefined, string]> = [
    [options.region, '--region'],
    [env.ALIBABA_CLOUD_REGION_ID, 'ALIBABA_CLOUD_REGION_ID'],
    [env.ALIBABA_CLOUD_REGION, 'ALIBABA_CLOUD_REGION'],
    [
      profileRegion?.region,
      profileRegion?.profile.startsWith('#')
        ? `profile ${profileRegion.profile}`
        : `profile "${profileRegion?.profile}"`,
    ],
    [env.FC_REGION, 'FC_REGION'],
  ];
  for (const [value, from] of candidates) {
    if (value === undefined || value === '') continue;
    const region = value.trim();
    if (!REGION_ID.test(region)) {
      // Never the value: a credentials file or a variable can hold a secret in any field.
      const field = from.startsWith('profile ') ? `the "region_id" field of ${from}` : from;
      throw new UsageError(
        `${field} must be a region id such as cn-hangzhou (its value, ${value.length} characters, is not shown)`,
      );
    }
    return { region, regionSource: from };
  }
  return { region: DEFAULT_REGION, regionSource: 'default' };
}

/**
 * Resolves the CLI's credentials and region (see the module comment for the order). Fetches
 * keys from the chosen source (a file, the environment, or STS / the metadata service for role
 * sources); nothing else is tried when the chosen source fails.
 * @throws CredentialsError naming the source when it is misconfigured or gives no keys;
 *   UsageError for a malformed region.
 */
export async function resolveCredentials(
  options: CredentialOptions = {},
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): Promise<ResolvedCredentials> {
  const chosen = chooseSource(options, env, home);
  const { region, regionSource } = chooseRegion(options, env, chosen.profileRegion);
  if (!chosen.build) return { source: chosen.source, region, regionSource };
  let keys: Awaited<ReturnType<Provider['getCredentials']>>;
  try {
    keys = await chosen.build(loadSdk()).getCredentials();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new CredentialsError(
      `could not get credentials from ${chosen.source.description}: ${scrub(message, [...cliSecrets(env, home), ...(chosen.secrets ?? [])])}`,
    );
  }
  if (!keys?.accessKeyId || !keys.accessKeySecret) {
    throw new CredentialsError(`${chosen.source.description} gave no AccessKey id and secret`);
  }
  resolvedSecrets.add(keys.accessKeySecret);
  if (keys.securityToken) resolvedSecrets.add(keys.securityToken);
  return {
    credentials: {
      accessKeyId: keys.accessKeyId,
      accessKeySecret: keys.accessKeySecret,
      ...(keys.securityToken ? { securityToken: keys.securityToken } : {}),
    },
    source: chosen.source,
    region,
    regionSource,
  };
}

/** `credentials: profile "prod" (mode AK) in ~/.aliyun/config.json; region cn-shanghai (--region)`. */
export function describeResolved(resolved: ResolvedCredentials): string {
  return `credentials: ${resolved.source.description}; region ${resolved.region} (${resolved.regionSource})`;
}
