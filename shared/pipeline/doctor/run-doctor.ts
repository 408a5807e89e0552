import { type Config, loadConfig } from '../../config/config.js';
import { ConfigError } from '../../config/errors.js';
import type { Credentials } from '../../core/credentials.js';
import { createRedactor } from '../../core/redact.js';
import { NotifyConfigError } from '../../notify/errors.js';
import { createNotifier, urlSecrets } from '../../notify/notifier.js';
import type { PlatformApp, PlatformName } from '../../platform/platform.js';
import { PolicyError } from '../../policy/errors.js';
import { loadPolicy } from '../../policy/load.js';
import type { Policy } from '../../policy/schema.js';
import { notifyRows, notifyTestRows } from './notify-check.js';
import { type ChangeOrderPlatform, checkPlatformRegion } from './platform-check.js';
import { platformPolicyRows, policyRows, type ReadApplication } from './policy-check.js';
import { type DoctorCheck, type DoctorReport, summarise } from './report.js';
import { checkSlsWrite } from './sls-check.js';
import { checkHttpTokens, httpTokensOf } from './token-check.js';
import { checkWebplusRegion } from './webplus-check.js';

/** Where the keys came from, as the caller found them (cli/credentials.ts names the sources). */
export interface CredentialSourceInfo {
  /** `env`, `profile`, `oidc`, `credentials-file`, `ecs-ram-role`, `uri`, `sandbox`, `none`. */
  kind: string;
  /** In words, never a value: `profile "prod" (mode AK) in ~/.aliyun/config.json`. */
  description: string;
}

export interface DoctorInput {
  /**
   * More secrets for the redactor, beyond the keys and variables below: the CLI gives every
   * secret it knows (cli/secrets.ts `cliSecrets`: every profile of `~/.aliyun/config.json`).
   * @default []
   */
  extraSecrets?: readonly string[];
  /**
   * The environment the function's configuration is read from (docs/reference/configuration.md),
   * as the function would see it: `WEBPLUS_REGIONS` / `FC_REGION`, `WEBPLUS_ENDPOINT`, `LOG_STORE`,
   * `SLS_*`, `HTTP_AUTH_TOKENS`, `POLICY_FILE` / `POLICY`, `ABORT_DRY_RUN`, `ATTEMPT_TIMEOUT_MS`.
   */
  env: NodeJS.ProcessEnv;
  /** The keys to sign the reads with; undefined: nothing is sent, the reads are `skipped`. */
  credentials?: Credentials;
  credentialSource: CredentialSourceInfo;
  /**
   * The platforms to check, in order (`webplus`, `sae`, `edas`): `--platform`; undefined: the
   * ones the configuration enables (`PLATFORMS`, default `webplus`), as the function would.
   */
  platforms?: readonly PlatformName[];
  /**
   * Set when the CLI started the sandbox (`--scenario`): Web+ then goes to `WEBPLUS_ENDPOINT`
   * and SAE / EDAS to these emulators' URLs.
   */
  sandbox?: { sae?: string; edas?: string };
  /**
   * Where the CLI took the region it put in `FC_REGION` from (`--region`, `profile "prod"`,
   * `ALIBABA_CLOUD_REGION_ID`, `default`): named in the configuration row instead of `FC_REGION`.
   * Undefined: the variable's own name.
   */
  regionSource?: string;
  /** `--sls-write`: write one doctor record to SLS. @default false */
  slsWrite?: boolean;
  /**
   * `--notify-test`: send one test message to each notify target and report delivered / not
   * (the only thing the doctor sends besides its reads). @default false
   */
  notifyTest?: boolean;
  /** The package version (shared/version.ts). */
  version: string;
}

/**
 * `webplus-abort doctor`: the read-only preflight (docs/operator-guide.md, "Before enforce: run
 * doctor"). Checks, in this order, each contributing its own rows: where the credentials come
 * from (`credentials`, never a value), the configuration as cold start reads it
 * (`configuration`), the HTTP tokens (`http-tokens`), per enabled platform and region ONE
 * read-only list call (`webplus`: DescribeApplications; `sae`: ListApplications; `edas`:
 * ListApplication), the SLS write (`sls-write`, only with `slsWrite`), and what the policy means
 * per environment (`policy`). Nothing else is sent: never AbortChange, AbortChangeOrder or any
 * other write; SLS only with `slsWrite`. Every string of the report has passed the redactor
 * (shared/core/redact.ts) with the keys in use, the environment's keys, the HTTP tokens and
 * the notification variables.
 * @returns the report; its `verdict` decides the exit status (docs/reference/cli.md)
 * @throws nothing on purpose: a check that cannot run is a row saying why
 */
export async function runDoctor(input: DoctorInput): Promise<DoctorReport> {
  const rows: DoctorCheck[] = [credentialsRow(input)];
  const rawTokens = httpTokensOf(input.env.HTTP_AUTH_TOKENS);
  const secrets = [
    input.credentials?.accessKeyId,
    input.credentials?.accessKeySecret,
    input.credentials?.securityToken,
    input.env.ALIBABA_CLOUD_ACCESS_KEY_ID,
    input.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
    input.env.ALIBABA_CLOUD_SECURITY_TOKEN,
    ...rawTokens,
    ...(input.extraSecrets ?? []),
  ];
  const redactor = (extra: readonly (string | undefined)[]) =>
    createRedactor([...secrets, ...extra]);

  // Cold start refuses bad tokens; the doctor names every one in its own row and goes on.
  const configEnv: NodeJS.ProcessEnv = { ...input.env };
  delete configEnv.HTTP_AUTH_TOKENS;
  let config: Config;
  try {
    config = loadConfig(configEnv);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    rows.push({
      check: 'configuration',
      subject: err.variable,
      status: 'fail',
      blocks: 'usage',
      detail: `${err.message}: cold start would refuse it; nothing else can be checked until it is fixed`,
    });
    rows.push(checkHttpTokens(input.env.HTTP_AUTH_TOKENS, false));
    return finish(
      {
        platforms: input.platforms ?? [],
        version: input.version,
        sandbox: input.sandbox !== undefined,
      },
      [],
      rows,
      redactor([]),
    );
  }
  const configurationOk: DoctorCheck = {
    check: 'configuration',
    status: 'ok',
    detail: `valid: regions ${config.webplusRegions.join(', ')} (${config.webplusRegionsFrom === 'FC_REGION' && input.regionSource ? input.regionSource : config.webplusRegionsFrom}); Web+ endpoint ${config.webplusEndpoint ? `WEBPLUS_ENDPOINT ${config.webplusEndpoint}` : 'from the SDK endpoint map'}; records to ${config.logStore}; ${config.attemptTimeoutMs} ms per attempt`,
  };

  let policy: Policy | undefined;
  const policySource = config.policyFile
    ? { variable: 'POLICY_FILE' as const, words: `policy file ${config.policyFile}` }
    : config.policyInline
      ? { variable: 'POLICY' as const, words: 'the inline POLICY' }
      : { variable: 'built-in' as const, words: 'no policy given, the built-in defaults' };
  try {
    policy = loadPolicy({ file: config.policyFile, inline: config.policyInline });
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    policy = undefined;
    rows.push({
      check: 'policy',
      subject: policySource.variable,
      status: 'fail',
      blocks: 'usage',
      detail: `${err.message}: cold start would refuse it`,
    });
  }
  const notifySecrets: string[] = [];
  let notifyFailed = false;
  let notifier: ReturnType<typeof createNotifier>;
  if (policy) {
    for (const t of policy.notify.targets) {
      // The URL's secret parts (query values, token segments), as the notifier redacts them:
      // not the whole URL, whose host the notify row names. An unparsable URL: all of it.
      const url = input.env[t.urlEnv]?.trim();
      if (url) {
        try {
          notifySecrets.push(...urlSecrets(url));
        } catch {
          notifySecrets.push(url);
        }
      }
      for (const name of [t.secretEnv]) {
        const value = name ? input.env[name] : undefined;
        if (value) notifySecrets.push(value);
      }
    }
    rows.push(...notifyRows(policy.notify, input.env, input.notifyTest === true));
    try {
      notifier = createNotifier(policy.notify, input.env);
    } catch (err) {
      if (!(err instanceof NotifyConfigError)) throw err;
      notifyFailed = true;
      rows.push({
        check: 'configuration',
        subject: 'notify.targets',
        status: 'fail',
        blocks: 'usage',
        detail: `${err.message}: cold start would refuse it`,
      });
    }
  }

  // The configuration is valid only when nothing of it failed: never `ok` beside a FAIL.
  if (!notifyFailed) rows.push(configurationOk);
  if (input.notifyTest) {
    if (notifier) {
      rows.push(
        ...(await notifyTestRows(notifier, {
          invocationId: `doctor-${Date.now()}`,
          functionName: input.env.FC_FUNCTION_NAME || 'abort-stuck-changes',
          region: config.region,
          deadlineMs: Date.now() + 10_000,
        })),
      );
    } else if (!notifyFailed) {
      rows.push({
        check: 'notify-test',
        status: 'skipped',
        detail: 'no notify.targets in the policy: nothing to send a test message to',
      });
    }
  }

  const timeoutMs = config.attemptTimeoutMs;
  const platforms = input.platforms ?? config.platforms;
  const regions: string[] = [];
  const applications: ReadApplication[] = [];
  const platformApps: Record<ChangeOrderPlatform, PlatformApp[]> = { sae: [], edas: [] };
  const platformRows: DoctorCheck[] = [];
  for (const platform of platforms) {
    if (platform === 'webplus') {
      const results = await Promise.all(
        config.webplusRegions.map((regionId) =>
          checkWebplusRegion({
            regionId,
            endpointOverride: config.webplusEndpoint,
            sandbox: input.sandbox !== undefined,
            credentials: input.credentials,
            timeoutMs,
            extraSecrets: rawTokens,
          }),
        ),
      );
      for (const result of results) {
        const regionId = result.row.regionId!;
        if (!regions.includes(regionId)) regions.push(regionId);
        for (const app of result.applications) {
          applications.push({ appId: app.appId, appName: app.appName || undefined, regionId });
        }
        platformRows.push(result.row);
      }
      continue;
    }
    // SAE and EDAS: one row per region (SAE_REGIONS / EDAS_REGIONS), at the endpoint cold start
    // resolves (runtime.ts `resolvePlatformRegion`).
    const regionIds = platform === 'sae' ? config.saeRegions : config.edasRegions;
    const explicit = platform === 'sae' ? config.saeEndpoint : config.edasEndpoint;
    const sandboxUrl = input.sandbox?.[platform];
    const results = await Promise.all(
      regionIds.map((regionId) =>
        checkPlatformRegion({
          platform,
          regionId,
          ...(sandboxUrl
            ? { endpointOverride: { url: sandboxUrl, source: 'sandbox' as const } }
            : explicit
              ? {
                  endpointOverride: {
                    url: explicit,
                    source:
                      platform === 'sae' ? ('SAE_ENDPOINT' as const) : ('EDAS_ENDPOINT' as const),
                  },
                }
              : {}),
          credentials: input.credentials,
          timeoutMs,
        }),
      ),
    );
    for (const [i, result] of results.entries()) {
      if (!regions.includes(regionIds[i]!)) regions.push(regionIds[i]!);
      platformApps[platform].push(...result.applications);
      platformRows.push(result.row);
    }
  }

  const slsRow = await checkSlsWrite({
    config,
    write: input.slsWrite === true,
    credentials: input.credentials,
    version: input.version,
    budgetMs: (config.attemptTimeoutMs + config.retryMaxDelayMs) * config.retryMaxAttempts,
  });

  const meaning = policy
    ? [
        ...policyRows({ policy, source: policySource, killSwitch: config.dryRun, applications }),
        ...platforms
          .filter((p): p is ChangeOrderPlatform => p !== 'webplus')
          .flatMap((platform) =>
            platformPolicyRows({
              policy,
              platform,
              killSwitch: config.dryRun,
              applications: platformApps[platform],
            }),
          ),
      ]
    : [];
  const enforcing = meaning.some((r) => r.mode === 'enforce');
  rows.push(checkHttpTokens(input.env.HTTP_AUTH_TOKENS, enforcing), ...platformRows, slsRow);
  rows.push(...meaning);
  return finish(
    { platforms, version: input.version, sandbox: input.sandbox !== undefined },
    regions,
    rows,
    redactor(notifySecrets),
  );
}

/** Orders the rows by check (each check's rows keep their order), redacts, and counts. */
function finish(
  input: { platforms: readonly PlatformName[]; version: string; sandbox: boolean },
  regions: readonly string[],
  rows: DoctorCheck[],
  redactor: ReturnType<typeof createRedactor>,
): DoctorReport {
  const order: DoctorCheck['check'][] = [
    'credentials',
    'configuration',
    'http-tokens',
    'webplus',
    'sae',
    'edas',
    'sls-write',
    'notify',
    'notify-test',
    'policy',
  ];
  // Stable: rows of one check keep their order.
  const sorted = rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => order.indexOf(a.row.check) - order.indexOf(b.row.check) || a.i - b.i)
    .map(({ row }) => row);
  const checks = redactor.value(sorted);
  return {
    version: input.version,
    target: input.sandbox ? 'sandbox' : 'cloud',
    platforms: [...input.platforms],
    regions: [...regions],
    ...summarise(checks),
    checks,
  };
}

/** The `credentials` row: the source in words, and whether the keys are temporary (STS). */
function credentialsRow(input: DoctorInput): DoctorCheck {
  const { credentials, credentialSource } = input;
  if (!credentials) {
    return {
      check: 'credentials',
      subject: credentialSource.kind,
      status: 'fail',
      blocks: 'usage',
      detail: `no Alibaba Cloud credentials (${credentialSource.description}): run \`aliyun configure\`, set ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET, pass --profile NAME, or --scenario FILE for the sandbox`,
    };
  }
  const kind = credentials.securityToken
    ? 'temporary keys with an STS token (Web+ may refuse STS: see the webplus rows)'
    : 'an AccessKey pair';
  return {
    check: 'credentials',
    subject: credentialSource.kind,
    status: 'ok',
    detail: `${credentialSource.description}: ${kind}; values never shown`,
  };
}
