/**
 * Which platforms a sandbox run (`--scenario`, `start` without credentials) may call, and where:
 * every enabled platform goes to a loopback emulator the CLI started, never to a cloud host.
 * `PLATFORMS` is honoured as the function honours it (docs/reference/configuration.md; unset means
 * `webplus` only); a platform it lists but the scenario has no section for is not enabled, and
 * its requests get a `failed` `PlatformNotEnabled` record saying so (docs/sandbox.md, "Platforms
 * in the sandbox").
 */

/** The emulators a scenario started: Web+ always; SAE / EDAS when the scenario has their section. */
export interface SandboxEmulators {
  webplus: string;
  sae?: string;
  edas?: string;
}

/** What the run's configuration and runtime get. */
export interface SandboxPlatforms {
  /** The environment with the emulators' endpoints; no endpoint variable of the caller survives. */
  env: NodeJS.ProcessEnv;
  /**
   * SAE / EDAS that have no emulator: forced off in the runtime whatever `PLATFORMS` says
   * (shared/pipeline/runtime.ts, `platformNotEnabled`), with the words their records carry.
   */
  notEnabled: Partial<Record<'sae' | 'edas', string>>;
}

/**
 * Endpoint variables a sandbox run never takes from the caller's environment: each is replaced by
 * the emulator's URL or removed, so no platform can be pointed at a real host.
 */
export const ENDPOINT_VARIABLES = ['WEBPLUS_ENDPOINT', 'SAE_ENDPOINT', 'EDAS_ENDPOINT'] as const;

/**
 * The environment and not-enabled reasons of a sandbox run.
 * @param base the caller's environment (`PLATFORMS` and the rest pass through; endpoint
 *   variables do not)
 * @param emulators the URLs of the emulators the scenario started (loopback)
 * @param scenario how to name the scenario in a record's detail (its path)
 * @param unsetPlatforms `PLATFORMS` to use when the caller's is unset; @default undefined (the
 *   function's own default, `webplus`). `start`'s demo passes the platforms its scenario has.
 */
export function sandboxPlatforms(
  base: NodeJS.ProcessEnv,
  emulators: SandboxEmulators,
  scenario: string,
  unsetPlatforms?: readonly string[],
): SandboxPlatforms {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const key of ENDPOINT_VARIABLES) delete env[key];
  env.WEBPLUS_ENDPOINT = emulators.webplus;
  if (!env.PLATFORMS?.trim() && unsetPlatforms) env.PLATFORMS = unsetPlatforms.join(',');
  const notEnabled: SandboxPlatforms['notEnabled'] = {};
  for (const name of ['sae', 'edas'] as const) {
    const url = emulators[name];
    if (url) {
      env[name === 'sae' ? 'SAE_ENDPOINT' : 'EDAS_ENDPOINT'] = url;
      // the emulators throttle only when the scenario says so (qpsLimit): no need for SAE's 1/s
      env[name === 'sae' ? 'SAE_QPS' : 'EDAS_QPS'] = '50';
    } else {
      notEnabled[name] =
        `platform ${name} is not enabled in this sandbox run: the scenario ${scenario} has no ${name} section (nothing is sent to a cloud host); add one, or use sandbox/scenarios/demo-all-platforms.json`;
    }
  }
  return { env, notEnabled };
}

/** Host names that are this machine. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** True when `url` is http(s) to a loopback host (`127.0.0.0/8`, `localhost`, `::1`). */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return LOOPBACK_HOSTS.has(host) || /^127(?:\.\d{1,3}){3}$/.test(host);
}
