/**
 * What a local run talks to: the Web+ sandbox of a scenario, or the cloud with credentials and
 * region found like the aliyun CLI finds them (cli/credentials.ts). One place, so `sweep`,
 * `abort`, `invoke`, `serve` and `start` all say the same thing about where they point.
 */
import type { Credentials } from '#shared/core/credentials.js';
import { describeResolved, type ResolvedCredentials, resolveCredentials } from './credentials.js';
import type { SandboxPlatforms } from './sandbox-platforms.js';
import { type ScenarioSandbox, sandboxEnv, startScenario } from './setup.js';

/** `Web+ sandbox at URL, SAE sandbox at URL, EDAS sandbox at URL`: every emulator started. */
export function emulatorUrls(started: Pick<ScenarioSandbox, 'emulators'>): string {
  const e = started.emulators;
  return [
    `Web+ sandbox at ${e.webplus}`,
    ...(e.sae ? [`SAE sandbox at ${e.sae}`] : []),
    ...(e.edas ? [`EDAS sandbox at ${e.edas}`] : []),
  ].join(', ');
}

/** `--profile` and `--region`, taken by every command that may call the cloud. */
export interface CloudOptions {
  profile?: string;
  region?: string;
}

export interface RunTarget {
  /** The environment the handler's configuration is read from. */
  env: NodeJS.ProcessEnv;
  /** Keys the invocation signs with; absent when no source has any. */
  credentials?: Credentials;
  /** Region id put in the FC context and in `FC_REGION`. */
  region: string;
  /** The started sandbox (close it when done). */
  sandbox?: ScenarioSandbox;
  /** With a sandbox: the platforms forced off (pass to `buildRuntime` as `sandbox`). */
  sandboxPlatforms?: Pick<SandboxPlatforms, 'notEnabled'>;
  /** The resolved cloud credentials (no sandbox). */
  resolved?: ResolvedCredentials;
  /** One line: where this run points and which credential source it uses (never a value). */
  description: string;
}

/**
 * With `scenario`: starts the Web+ sandbox seeded from it; the run signs with the scenario's
 * keys and account credentials are dropped from its environment. Without: resolves the cloud
 * credentials and region (`--profile`, `--region`, environment, OIDC, `~/.aliyun/config.json`,
 * ECS RAM role) and sets `FC_REGION` to the region.
 * @throws UsageError for an unreadable scenario; CredentialsError for a broken source.
 */
export async function runTarget(
  options: CloudOptions & { scenario?: string },
  base: NodeJS.ProcessEnv = process.env,
): Promise<RunTarget> {
  if (options.scenario) {
    const sandbox = await startScenario(options.scenario);
    const region = options.region ?? base.FC_REGION ?? 'cn-hangzhou';
    const platforms = sandboxEnv(base, sandbox);
    return {
      env: { ...platforms.env, FC_REGION: region },
      credentials: sandbox.credentials,
      region,
      sandbox,
      sandboxPlatforms: platforms,
      description: `${emulatorUrls(sandbox)} (scenario ${options.scenario}); credentials: the scenario's keys`,
    };
  }
  const resolved = await resolveCredentials(options, base);
  return {
    env: { ...base, FC_REGION: resolved.region },
    ...(resolved.credentials ? { credentials: resolved.credentials } : {}),
    region: resolved.region,
    resolved,
    description: describeResolved(resolved),
  };
}
