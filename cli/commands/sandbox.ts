import { EXIT, type ExitCode } from '../exit-codes.js';
import { DEMO_SCENARIO, parsePort, startScenario, stderrLine, untilSignal } from '../setup.js';

export interface SandboxOptions {
  port?: string;
  scenario?: string;
}

/**
 * `webplus-abort sandbox [--port N] [--scenario FILE]`: the Web+ emulator alone (default port
 * 9100, scenario the demo). First stdout line: `listening on http://127.0.0.1:PORT`. Prints the
 * accepted AccessKey ids (never a secret). Ctrl-C closes it.
 */
export async function sandboxCommand(options: SandboxOptions): Promise<ExitCode> {
  const port = parsePort(options.port ?? '9100');
  const { sandbox, scenario } = await startScenario(options.scenario ?? DEMO_SCENARIO, port);
  try {
    process.stdout.write(`listening on http://127.0.0.1:${sandbox.port}\n`);
    stderrLine(
      `webplus-abort: Web+ sandbox (${scenario.apps.length} apps, ${scenario.envs.length} environments, ${scenario.changes.length} changes); AccessKey ids: ${scenario.credentials.map((c) => c.accessKeyId).join(', ')}`,
    );
    stderrLine(`webplus-abort: point the function at it with WEBPLUS_ENDPOINT=${sandbox.url}`);
    await untilSignal();
    return EXIT.ok;
  } finally {
    await sandbox.close();
  }
}
