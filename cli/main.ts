/**
 * `webplus-abort`: the command line (docs/reference/cli.md). Run as built JavaScript
 * (dist-cli/main.mjs, bundled by scripts/build-cli.mjs; bin/webplus-abort.js builds it when
 * missing or older than the sources); `npm run dev --` runs these sources through tsx.
 * Commands are loaded when they run, so `--version` and `--help` load only this file and
 * commander. Exit status: 0 ok; 1 a result ended failed or timeout, a named id was not found, or
 * an HTTP status >= 400; 2 bad usage, an unreadable or non-JSON file, a port in use, invalid
 * configuration, policy or credentials; 3 the handler threw.
 */
import { Command, CommanderError, Option } from 'commander';
import { WebplusAbortError } from '#shared/core/errors.js';
import { createRedactor } from '#shared/core/redact.js';
import { VERSION } from '#shared/version.js';
import { ScenarioError } from '../sandbox/webplus/errors.js';
import { UsageError } from './errors.js';
import { EXIT } from './exit-codes.js';
import { collect, usageOf, withCloudOptions, withWide } from './options.js';
import { cliSecrets } from './secrets.js';

let exitCode: number = EXIT.ok;
/** The command being run (set before its action), for the usage line after a UsageError. */
let current: Command | undefined;
const run =
  <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
  async (...args: A) => {
    exitCode = await fn(...args);
  };

const program = new Command('webplus-abort')
  .description('Find stuck Alibaba Cloud Web+ deployment changes and abort them.')
  .version(VERSION, '-V, --version', 'print the package version')
  .exitOverride()
  .hook('preAction', (_program, actionCommand) => {
    current = actionCommand;
  });

withWide(
  withCloudOptions(
    program
      .command('start')
      .description(
        'demo on the local sandbox without credentials; with credentials, sweep real Web+ (dry-run unless --enforce)',
      )
      .option('--enforce', 'with real credentials, really abort stuck changes')
      .option('--sls', 'also start the SLS stand-in and write the records there'),
  ),
).action(run(async (opts) => (await import('./commands/start.js')).startCommand(opts)));

withCloudOptions(
  program
    .command('invoke')
    .description(
      'run the FC handler in-process with a JSON file as the event; stdout is one JSON document',
    )
    .requiredOption('--event <file>', 'event payload file, JSON (passed as a Buffer)')
    .option('--context <file>', 'JSON overriding fields of the default FC context')
    .option('--scenario <file>', 'start the Web+ sandbox seeded from this scenario')
    .option('--journal <file>', "write the sandbox's request journal here (with --scenario)")
    .option('--remote', 'send the event to a deployed function through the FC API')
    .option('--function <name>', 'the deployed function (with --remote)')
    .option(
      '--service <name>',
      'FC 2.0: the service of the function (with --remote; uses @alicloud/fc2)',
    )
    .option('--qualifier <q>', 'version or alias of the deployed function (with --remote)')
    .option('--async', 'asynchronous invocation (with --remote)'),
).action(run(async (opts) => (await import('./commands/invoke.js')).invokeCommand(opts)));

withWide(
  withCloudOptions(
    program
      .command('sweep')
      .description('sweep for stuck changes from the shell')
      .option('--env <id>', 'limit to this EnvId (repeatable)', collect)
      .option('--app <id>', 'limit to this AppId (repeatable)', collect)
      .option('--platform <name>', 'webplus (default), sae or edas')
      .option('--dry-run', 'record what would be aborted, abort nothing')
      .option('--scenario <file>', 'run against the Web+ sandbox seeded from this scenario')
      .option('--json', 'print the run summary as JSON'),
  ),
).action(run(async (opts) => (await import('./commands/sweep.js')).sweepCommand(opts)));

withWide(
  withCloudOptions(
    program
      .command('abort')
      .description(
        'abort the named changes (skips the stuck rules; protect, mode and actions apply)',
      )
      .argument(
        '[changeIds...]',
        'ChangeIds (wc- and 24 hex digits), or ChangeOrderIds with --platform',
      )
      .option('--platform <name>', 'webplus (default), sae or edas')
      .option(
        '--app <id>',
        "with --platform sae|edas: abort this application's in-flight change order (repeatable)",
        collect,
      )
      .option('--dry-run', 'record what would be aborted, abort nothing')
      .option('--note <text>', 'note recorded with each decision')
      .option('--scenario <file>', 'run against the Web+ sandbox seeded from this scenario')
      .option('--json', 'print the run summary as JSON'),
  ),
).action(
  run(async (ids: string[], opts) => (await import('./commands/abort.js')).abortCommand(ids, opts)),
);

withCloudOptions(
  program
    .command('serve')
    .description('local HTTP server wrapping each request into the FC 3.0 HTTP event')
    .addOption(new Option('--port <n>', 'port (0 = any free port)').default('9000'))
    .option('--scenario <file>', 'run against the Web+ sandbox seeded from this scenario')
    .option('--sls', 'also start the SLS stand-in and write the records there'),
).action(run(async (opts) => (await import('./commands/serve.js')).serveCommand(opts)));

program
  .command('sandbox')
  .description(
    'the Web+ emulator (and SAE / EDAS for the scenario; --sls an SLS stand-in) until Ctrl-C',
  )
  .addOption(new Option('--port <n>', 'port (0 = any free port)').default('9100'))
  .option('--scenario <file>', 'scenario file (default: the demo scenario)')
  .option('--sls', 'also keep an SLS stand-in running and print the environment to use it')
  .option(
    '--notify <kind>',
    'also run a notification receiver (dingtalk, lark, wecom, slack, webhook) that checks signatures (repeatable)',
    collect,
  )
  .addOption(
    new Option('--sls-port <n>', 'port of the SLS stand-in (0 = any free port)').default('9101'),
  )
  .action(run(async (opts) => (await import('./commands/sandbox.js')).sandboxCommand(opts)));

withCloudOptions(
  program
    .command('log')
    .description('read outcome records back: the file store (OUTCOME_LOG_FILE), or SLS with --sls')
    .option('--since <when>', '30m, 2h, 7d or an ISO 8601 time (--sls default: 24h)')
    .option('--outcome <name>', 'only this outcome (repeatable)', collect)
    .option('--change <id>', 'only this ChangeId or SAE/EDAS ChangeOrderId (repeatable)', collect)
    .option('--env <id>', 'only this EnvId (repeatable)', collect)
    .option('--platform <name>', 'only this platform: webplus, sae, edas (repeatable)', collect)
    .option('--app <id>', 'only this AppId, Web+ or SAE/EDAS (repeatable)', collect)
    .option('--trigger <name>', 'only this trigger (repeatable)', collect)
    .option('--invocation <id>', 'only this invocation (FC request id; repeatable)', collect)
    .option('--limit <n>', 'only the newest n records')
    .option('--summary', 'counts by outcome, and by platform and environment / application')
    .option('--follow', 'keep printing new records until Ctrl-C')
    .option('--sls', 'read SLS_PROJECT / SLS_LOGSTORE through GetLogs instead of the file')
    .option('--json', 'print JSON lines')
    .action(run(async (opts) => (await import('./commands/log.js')).logCommand(opts))),
);

withCloudOptions(
  program
    .command('setup-sls')
    .description(
      'create or update the SLS index, saved searches, dashboard (and alert) for the records',
    )
    .option('--action-policy <id>', 'also create the failure alert, telling this action policy')
    .option('--json', 'print the steps as JSON')
    .action(run(async (opts) => (await import('./commands/setup-sls.js')).setupSlsCommand(opts))),
);

withWide(
  withCloudOptions(
    program
      .command('doctor')
      .description(
        'read-only preflight before enforce: credentials, regions and endpoints, one read per platform and region, SLS, tokens, policy',
      )
      .option(
        '--platform <name>',
        'check this platform: webplus, sae, edas (repeatable; default: PLATFORMS, else webplus)',
        collect,
      )
      .option('--sls-write', 'also write one doctor record to SLS to prove it accepts writes')
      .option(
        '--notify-test',
        'send one test message to each notify target and report delivered / not',
      )
      .option('--scenario <file>', 'check against the sandbox seeded from this scenario')
      .option('--journal <file>', "write the sandbox's request journal here (with --scenario)")
      .option('--json', 'print the report as one JSON document'),
  ),
).action(run(async (opts) => (await import('./commands/doctor.js')).doctorCommand(opts)));

// A usage error prints the usage line of that command only (not the whole help).
program.showHelpAfterError(usageOf(program));
for (const command of program.commands) command.showHelpAfterError(usageOf(command));

/**
 * Every error line passes the one redactor: a cloud SDK's message can quote the string to sign
 * (and with it an STS token) or echo a key. It knows the keys and tokens of the environment; the
 * string-to-sign cut and the secret-name rules need none (shared/core/redact.ts).
 */
const errorLine = (text: string): void => {
  // The resolved keys, every secret-named variable (ALIBABA_CLOUD_*, HTTP_AUTH_TOKENS, NOTIFY_*)
  // and every profile's secrets of ~/.aliyun/config.json (cli/secrets.ts).
  const redactor = createRedactor(cliSecrets());
  process.stderr.write(redactor.text(text));
};

/** Maps what went wrong to an exit status and a message without a stack (a bug keeps its stack). */
function exitFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // Commander already printed the message (or the help / version).
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (
    err instanceof ScenarioError ||
    (err instanceof WebplusAbortError && err.exitKind === 'usage')
  ) {
    errorLine(`webplus-abort: ${err.message}\n`);
    // Bad options or arguments of a command: its usage line too (not for config or credentials).
    if (err instanceof UsageError && current) errorLine(`${usageOf(current)}\n`);
    return EXIT.usage;
  }
  if (err instanceof WebplusAbortError && err.exitKind === 'failed') {
    errorLine(`webplus-abort: ${err.message}\n`);
    return EXIT.failed;
  }
  if (err instanceof WebplusAbortError) {
    const original = err.cause;
    errorLine(
      `webplus-abort: ${err.message}\n${original instanceof Error && original.stack ? `${original.stack}\n` : ''}`,
    );
    return EXIT.bug;
  }
  errorLine(
    `webplus-abort: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  return EXIT.bug;
}

// A closed pipe (`webplus-abort log | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(exitCode);
  throw err;
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  exitCode = exitFor(err);
}
// Flush stdout before exiting: keep-alive sockets and timers must not hold the process open.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
process.exit(exitCode);
