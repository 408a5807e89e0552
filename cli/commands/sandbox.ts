import { randomBytes } from 'node:crypto';
import {
  type NotifyReceiver,
  type ReceiverKind,
  startNotifyReceiver,
} from '../../sandbox/notify/server.js';
import { type SlsStandIn, startSlsStandIn } from '../../sandbox/sls/server.js';
import { UsageError } from '../errors.js';
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
  /** Also run a notification receiver of this kind that checks the service's signature. */
  notify?: string;
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
  let receiver: NotifyReceiver | undefined;
  let receiverLines: string[] | undefined;
  try {
    if (slsPort !== undefined) {
      try {
        sls = await startSlsStandIn({ port: slsPort, credentials: [started.credentials] });
      } catch (err) {
        throw listenFailure(err, slsPort, '--sls-port');
      }
    }
    if (options.notify !== undefined) {
      const kind = receiverKind(options.notify);
      const secret =
        kind === 'wecom' || kind === 'slack' ? undefined : randomBytes(16).toString('hex');
      receiver = await startNotifyReceiver({ kind, ...(secret ? { secret } : {}) });
      receiverLines = notifyReceiverUsage(kind, receiver.url, secret);
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
    if (receiverLines) process.stdout.write(`${receiverLines.join('\n')}\n`);
    const seen = { n: 0 };
    const poll = receiver
      ? setInterval(() => {
          const calls = receiver!.calls();
          for (const call of calls.slice(seen.n)) {
            stderrLine(
              `webplus-abort: ${receiver!.kind} receiver: ${call.accepted ? 'accepted' : `REFUSED (${call.problem ?? 'refused'})`}${call.text ? `: ${call.text.split('\n')[0]}` : ''}`,
            );
          }
          seen.n = calls.length;
        }, 200)
      : undefined;
    await untilSignal();
    if (poll) clearInterval(poll);
    if (sls) stderrLine(`webplus-abort: SLS stand-in held ${sls.logs().length} log(s)`);
    return EXIT.ok;
  } finally {
    await sandbox.close();
    await sls?.close();
    await receiver?.close();
  }
}

/** The receiver kinds (`--notify KIND`): the notification target kinds. */
const RECEIVER_KINDS: readonly ReceiverKind[] = ['dingtalk', 'lark', 'wecom', 'slack', 'webhook'];

/** @throws UsageError for an unknown kind */
function receiverKind(value: string): ReceiverKind {
  if ((RECEIVER_KINDS as readonly string[]).includes(value)) return value as ReceiverKind;
  throw new UsageError(
    `--notify must be one of ${RECEIVER_KINDS.join(', ')}, got ${JSON.stringify(value.slice(0, 40))}`,
  );
}

/**
 * The lines printed for a running receiver: the variables a policy's target reads (its URL, and
 * the signing secret generated for this run: a local test value, not a robot's), and the policy.
 */
export function notifyReceiverUsage(kind: ReceiverKind, url: string, secret?: string): string[] {
  const prefix = `NOTIFY_${kind.toUpperCase()}`;
  return [
    `${kind} receiver at ${url.replace(/[?#].*$/, '').replace(/\/[^/]*$/, '/…')}: it checks ${kind}'s payload${secret ? ' and signature' : ''} as the service documents them, and prints each message it gets on stderr`,
    'use it from another shell, with a policy naming it:',
    `  export ${prefix}_URL='${url}'${secret ? ` ${prefix}_SECRET=${secret}` : ''}`,
    `  printf 'defaults:\\n  mode: enforce\\nnotify:\\n  targets:\\n    - kind: ${kind}\\n      urlEnv: ${prefix}_URL\\n${secret ? `      secretEnv: ${prefix}_SECRET\\n` : ''}' > /tmp/notify-policy.yaml`,
    '  POLICY_FILE=/tmp/notify-policy.yaml npx webplus-abort doctor --scenario sandbox/scenarios/demo.json --notify-test',
    '  POLICY_FILE=/tmp/notify-policy.yaml npx webplus-abort sweep --scenario sandbox/scenarios/demo.json',
  ];
}
