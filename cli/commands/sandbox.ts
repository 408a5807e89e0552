import { type SlsStandIn, startSlsStandIn } from '../../sandbox/sls/server.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import {
  DEMO_SCENARIO,
  listenFailure,
  parsePort,
  startScenario,
  stderrLine,
  untilSignal,
} from '../setup.js';
import { slsStandInUsage } from '../sls-stand-in.js';
import { emulatorUrls } from '../target.js';

export interface SandboxOptions {
  port?: string;
  scenario?: string;
  /** Also keep an SLS stand-in running (its port: `slsPort`). */
  sls?: boolean;
  slsPort?: string;
}

/**
 * `webplus-abort sandbox [--port N] [--scenario FILE] [--sls [--sls-port N]]`: the Web+ emulator
 * (default port 9100, scenario the demo), the SAE / EDAS emulators of the scenario's sections,
 * and with `--sls` an SLS stand-in (default port 9101) accepting the scenario's keys. First stdout
 * line: `listening on http://127.0.0.1:PORT`; with `--sls` the stand-in's usage follows on
 * stdout (the exact environment for `setup-sls` / `log --sls`). Prints the accepted AccessKey
 * ids. Ctrl-C closes everything.
 * @throws PortInUseError (exit 2) for a port in use; UsageError for a bad port
 */
export async function sandboxCommand(options: SandboxOptions): Promise<ExitCode> {
  const port = parsePort(options.port ?? '9100');
  const slsPort = options.sls ? parsePort(options.slsPort ?? '9101') : undefined;
  const scenarioPath = options.scenario ?? DEMO_SCENARIO;
  const started = await startScenario(scenarioPath, port);
  const { sandbox, scenario } = started;
  let sls: SlsStandIn | undefined;
  try {
    if (slsPort !== undefined) {
      try {
        sls = await startSlsStandIn({ port: slsPort, credentials: [started.credentials] });
      } catch (err) {
        throw listenFailure(err, slsPort, '--sls-port');
      }
    }
    process.stdout.write(`listening on http://127.0.0.1:${sandbox.port}\n`);
    stderrLine(
      `webplus-abort: Web+ sandbox (${scenario.apps.length} apps, ${scenario.envs.length} environments, ${scenario.changes.length} changes); AccessKey ids: ${scenario.credentials.map((c) => c.accessKeyId).join(', ')}`,
    );
    stderrLine(`webplus-abort: ${emulatorUrls(started)}`);
    stderrLine(`webplus-abort: point the function at it with WEBPLUS_ENDPOINT=${sandbox.url}`);
    if (sls) {
      const shown = options.scenario ?? 'sandbox/scenarios/demo.json';
      process.stdout.write(`${slsStandInUsage(sls.url, started.credentials, shown).join('\n')}\n`);
    }
    await untilSignal();
    if (sls) stderrLine(`webplus-abort: SLS stand-in held ${sls.logs().length} log(s)`);
    return EXIT.ok;
  } finally {
    await sandbox.close();
    await sls?.close();
  }
}
