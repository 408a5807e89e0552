import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type CredentialSourceInfo, runDoctor } from '#shared/pipeline/doctor/run-doctor.js';
import { PLATFORM_NAMES, type PlatformName } from '#shared/platform/platform.js';
import { VERSION } from '#shared/version.js';
import { type EdasSandbox, startEdasSandbox } from '../../sandbox/edas/server.js';
import { type SaeSandbox, startSaeSandbox } from '../../sandbox/sae/server.js';
import { type SlsStandIn, startSlsStandIn } from '../../sandbox/sls/server.js';
import { CredentialsError, describeResolved, resolveCredentials } from '../credentials.js';
import { UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { terminalColumns, useColor } from '../render/style.js';
import { cliSecrets } from '../secrets.js';
import {
  readJsonObject,
  type ScenarioSandbox,
  sandboxEnv,
  slsEnv,
  startScenario,
  stderrLine,
} from '../setup.js';
import type { CloudOptions } from '../target.js';
import { doctorJson, doctorText } from './doctor-render.js';

export interface DoctorOptions extends CloudOptions {
  /**
   * `--platform`: which platforms to check (repeatable, comma-joined). Default: those the
   * configuration enables (`PLATFORMS`, default `webplus`).
   */
  platform?: string[];
  /** Check against the sandbox seeded from this scenario instead of the cloud. */
  scenario?: string;
  /** With `--scenario`: write every request the emulators received here (JSON lines). */
  journal?: string;
  /** Write one doctor record to SLS (the stand-in with `--scenario` when no SLS is configured). */
  slsWrite?: boolean;
  /** Send one test message to each notify target of the policy and report delivered / not. */
  notifyTest?: boolean;
  json?: boolean;
  wide?: boolean;
}

/**
 * `webplus-abort doctor [--platform NAME …] [--sls-write] [--scenario FILE [--journal FILE]]
 * [--json] [--wide] [--profile NAME] [--region ID]`: the read-only preflight
 * (docs/reference/cli.md, "doctor"). Prints the checklist (or `--json`, one document) on stdout,
 * where it points on stderr.
 * @returns 0 when nothing failed (warnings do not fail), 1 when a platform or SLS check failed,
 *   2 when the configuration, policy or credentials are invalid (the table still shows every row)
 * @throws UsageError for an unknown `--platform`, `--journal` without `--scenario`, a bad region;
 *   InputFileError for an unreadable scenario
 */
export async function doctorCommand(options: DoctorOptions): Promise<ExitCode> {
  // Undefined: the platforms the configuration enables (PLATFORMS), as the function would.
  const platforms = options.platform ? parsePlatforms(options.platform) : undefined;
  if (options.journal && !options.scenario) {
    throw new UsageError('--journal needs --scenario (it is the sandbox request journal)');
  }
  let web: ScenarioSandbox | undefined;
  let sae: SaeSandbox | undefined;
  let edas: EdasSandbox | undefined;
  let sls: SlsStandIn | undefined;
  try {
    let env: NodeJS.ProcessEnv;
    let credentials: ScenarioSandbox['credentials'] | undefined;
    let source: CredentialSourceInfo;
    let sandbox: { sae?: string; edas?: string } | undefined;
    let regionSource: string;
    if (options.scenario) {
      web = await startScenario(options.scenario);
      const raw = await readJsonObject(options.scenario, 'scenario');
      // Both emulators start (loopback, cheap); the doctor calls those of enabled platforms only.
      sae = await startSaeSandbox(raw);
      edas = await startEdasSandbox(raw);
      const region = options.region ?? process.env.FC_REGION ?? 'cn-hangzhou';
      regionSource = options.region ? '--region' : process.env.FC_REGION ? 'FC_REGION' : 'default';
      env = { ...sandboxEnv(process.env, web).env, FC_REGION: region };
      credentials = web.credentials;
      if (options.slsWrite && !env.SLS_PROJECT) {
        sls = await startSlsStandIn({ credentials: [credentials] });
        env = slsEnv(env, sls.url);
      }
      source = {
        kind: 'sandbox',
        description: `the scenario's keys (scenario ${options.scenario})`,
      };
      sandbox = { sae: sae.url, edas: edas.url };
      stderrLine(
        `webplus-abort: doctor against the sandbox: Web+ at ${web.sandbox.url}, SAE at ${sae.url}, EDAS at ${edas.url}${sls ? `, SLS stand-in at ${sls.url}` : ''}`,
      );
    } else {
      try {
        const resolved = await resolveCredentials(options, process.env);
        env = { ...process.env, FC_REGION: resolved.region };
        credentials = resolved.credentials;
        source = resolved.source;
        regionSource = resolved.regionSource;
        stderrLine(`webplus-abort: doctor: ${describeResolved(resolved)}`);
      } catch (err) {
        if (!(err instanceof CredentialsError)) throw err;
        // The region is still the one asked for: --region, else the environment's.
        const region = options.region ?? process.env.FC_REGION;
        env = { ...process.env, ...(region ? { FC_REGION: region } : {}) };
        regionSource = options.region
          ? '--region'
          : process.env.FC_REGION
            ? 'FC_REGION'
            : 'default';
        credentials = undefined;
        source = { kind: 'none', description: err.message };
      }
    }
    const report = await runDoctor({
      env,
      extraSecrets: cliSecrets(),
      credentials,
      credentialSource: source,
      ...(platforms ? { platforms } : {}),
      ...(sandbox ? { sandbox } : {}),
      slsWrite: options.slsWrite === true,
      notifyTest: options.notifyTest === true,
      regionSource,
      version: VERSION,
    });
    const code: ExitCode =
      report.verdict === 'ok' ? EXIT.ok : report.verdict === 'usage' ? EXIT.usage : EXIT.failed;
    if (options.json) {
      process.stdout.write(doctorJson(report, code));
    } else {
      process.stdout.write(
        doctorText(report, {
          width: options.wide ? undefined : terminalColumns(process.stdout),
          color: useColor(process.stdout),
        }),
      );
    }
    if (options.journal) await writeJournal(options.journal, web, sae, edas);
    return code;
  } finally {
    await web?.sandbox.close();
    await sae?.close();
    await edas?.close();
    await sls?.close();
  }
}

/**
 * `--platform` values: each of `webplus`, `sae`, `edas`, repeatable and comma-joined, kept in
 * the order given without repeats.
 * @throws UsageError naming the unknown value, or for an empty list
 */
export function parsePlatforms(values: readonly string[]): PlatformName[] {
  if (values.length === 0) {
    // `--platform ""`: checking nothing would print a checklist that proves nothing.
    throw new UsageError(`--platform needs at least one of ${PLATFORM_NAMES.join(', ')}`);
  }
  const out: PlatformName[] = [];
  for (const raw of values) {
    const value = raw.trim().toLowerCase();
    if (!(PLATFORM_NAMES as readonly string[]).includes(value)) {
      throw new UsageError(
        `--platform must be one of ${PLATFORM_NAMES.join(', ')}, got ${JSON.stringify(raw.slice(0, 40))}`,
      );
    }
    if (!out.includes(value as PlatformName)) out.push(value as PlatformName);
  }
  return out;
}

/** Every request the emulators received, as JSON lines `{"product": "webplus" | "sae" | "edas", ...entry}`. */
async function writeJournal(
  path: string,
  web: ScenarioSandbox | undefined,
  sae: SaeSandbox | undefined,
  edas: EdasSandbox | undefined,
): Promise<void> {
  const lines = [
    ...(web?.sandbox.journal() ?? []).map((e) => ({ product: 'webplus', ...e })),
    ...(sae?.journal() ?? []).map((e) => ({ product: 'sae', ...e })),
    ...(edas?.journal() ?? []).map((e) => ({ product: 'edas', ...e })),
  ].map((e) => JSON.stringify(e));
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, lines.length > 0 ? `${lines.join('\n')}\n` : '', 'utf8');
}
