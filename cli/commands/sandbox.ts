import { randomBytes } from 'node:crypto';
import {
  type NotifyReceiver,
  type ReceivedCall,
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
  /** Also run a notification receiver of each kind (repeatable) that checks the service's signature. */
  notify?: string[];
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
  const receivers: NotifyReceiver[] = [];
  let receiverLines: string[] | undefined;
  try {
    if (slsPort !== undefined) {
      try {
        sls = await startSlsStandIn({ port: slsPort, credentials: [started.credentials] });
      } catch (err) {
        throw listenFailure(err, slsPort, '--sls-port');
      }
    }
    const kinds = receiverKinds(options.notify ?? []);
    if (kinds.length > 0) {
      const running: RunningReceiver[] = [];
      for (const kind of kinds) {
        const secret = receiverSecret(kind);
        const receiver = await startNotifyReceiver({ kind, ...(secret ? { secret } : {}) });
        receivers.push(receiver);
        running.push({ kind, url: receiver.url, ...(secret ? { secret } : {}) });
      }
      receiverLines = notifyReceiverUsage(running);
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
    const seen = new Map<NotifyReceiver, number>();
    const poll =
      receivers.length > 0
        ? setInterval(() => {
            for (const receiver of receivers) {
              const calls = receiver.calls();
              for (const call of calls.slice(seen.get(receiver) ?? 0)) {
                for (const line of receivedLines(receiver.kind, call)) stderrLine(line);
              }
              seen.set(receiver, calls.length);
            }
          }, 200)
        : undefined;
    await untilSignal();
    if (poll) clearInterval(poll);
    if (sls) stderrLine(`webplus-abort: SLS stand-in held ${sls.logs().length} log(s)`);
    return EXIT.ok;
  } finally {
    await sandbox.close();
    await sls?.close();
    for (const receiver of receivers) await receiver.close();
  }
}

/** The receiver kinds (`--notify KIND`): the notification target kinds. */
const RECEIVER_KINDS: readonly ReceiverKind[] = ['dingtalk', 'lark', 'wecom', 'slack', 'webhook'];

/**
 * The kinds named by the repeated `--notify`, each once, in the order given.
 * @throws UsageError for an unknown kind
 */
function receiverKinds(values: readonly string[]): ReceiverKind[] {
  const kinds: ReceiverKind[] = [];
  for (const value of values) {
    if (!(RECEIVER_KINDS as readonly string[]).includes(value)) {
      throw new UsageError(
        `--notify must be one of ${RECEIVER_KINDS.join(', ')}, got ${JSON.stringify(value.slice(0, 40))}`,
      );
    }
    if (!kinds.includes(value as ReceiverKind)) kinds.push(value as ReceiverKind);
  }
  return kinds;
}

/**
 * A signing secret for this run's receiver, shaped like the service's own where it has one
 * (a DingTalk robot's "加签" secret starts with `SEC`: docs/reference/notifications.md); none for
 * WeCom and Slack, whose webhooks are not signed. A local test value, never a robot's.
 */
function receiverSecret(kind: ReceiverKind): string | undefined {
  if (kind === 'wecom' || kind === 'slack') return undefined;
  const hex = randomBytes(16).toString('hex');
  return kind === 'dingtalk' ? `SEC${hex}` : hex;
}

/** A receiver of this run: its kind, its webhook URL (token included) and signing secret. */
export interface RunningReceiver {
  kind: ReceiverKind;
  url: string;
  secret?: string;
}

/**
 * What a receiver prints for one call it got, on stderr: whether it accepted it (or why not),
 * then the JSON body exactly as it arrived, so that an operator sees the message the chat
 * service would show (the body carries no signature or token: those are in the URL and headers).
 */
export function receivedLines(kind: ReceiverKind, call: ReceivedCall): string[] {
  return [
    `webplus-abort: ${kind} receiver: ${call.accepted ? 'accepted' : `REFUSED (${call.problem ?? 'refused'})`}${call.text ? `: ${call.text.split('\n')[0]}` : ''}`,
    `  body: ${call.body}`,
  ];
}

/**
 * The lines printed for the running receivers: the variables each policy target reads (its URL,
 * and the signing secret generated for this run: a local test value, not a robot's), and one
 * policy naming every receiver, written to /tmp/notify-policy.yaml by the printed command.
 */
export function notifyReceiverUsage(receivers: readonly RunningReceiver[]): string[] {
  const lines: string[] = [];
  const exports: string[] = [];
  let policy = 'defaults:\\n  mode: enforce\\nnotify:\\n  targets:\\n';
  for (const { kind, url, secret } of receivers) {
    const prefix = `NOTIFY_${kind.toUpperCase()}`;
    lines.push(
      `${kind} receiver at ${url.replace(/[?#].*$/, '').replace(/\/[^/]*$/, '/…')}: it checks ${kind}'s payload${secret ? ' and signature' : ''} as the service documents them, and prints each message it gets on stderr`,
    );
    exports.push(`  export ${prefix}_URL='${url}'${secret ? ` ${prefix}_SECRET=${secret}` : ''}`);
    policy += `    - kind: ${kind}\\n      urlEnv: ${prefix}_URL\\n${secret ? `      secretEnv: ${prefix}_SECRET\\n` : ''}`;
  }
  return [
    ...lines,
    `use ${receivers.length > 1 ? 'them' : 'it'} from another shell, with a policy naming ${receivers.length > 1 ? 'them' : 'it'}:`,
    ...exports,
    `  printf '${policy}' > /tmp/notify-policy.yaml`,
    '  POLICY_FILE=/tmp/notify-policy.yaml npx webplus-abort doctor --scenario sandbox/scenarios/demo.json --notify-test',
    '  POLICY_FILE=/tmp/notify-policy.yaml npx webplus-abort sweep --scenario sandbox/scenarios/demo.json',
  ];
}
