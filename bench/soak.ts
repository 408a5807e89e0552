/**
 * The soak runner (issues 7 and 11): `npm run soak` runs every section at full size,
 * `npm run soak -- --scale ci` a scaled-down run for .ci/run, `--only <name>[,<name>...]` some
 * sections, `--list` their names. Each section lives in bench/soak/<name>.ts and prints one
 * line per figure: `ok  ` or `FAIL`, the name, the measured value and the target. At the end
 * the runner scans everything the run printed or produced for the run's secrets, checks that
 * nothing threw unhandled, and prints `soak: N checks passed, N checks failed` (the test run
 * owns the plain `N passed, N failed` line); it exits 1 when any line was FAIL.
 * Everything runs on loopback: the Web+ sandbox and the SLS stand-in, through the real handler.
 */
import { alarmBudgetsSection } from './soak/alarm-budgets.js';
import { attacksSection } from './soak/attacks.js';
import { badInputSection } from './soak/bad-input.js';
import {
  consoleReporter,
  type Scale,
  SECRETS,
  type SoakContext,
  type SoakSection,
  seconds,
  type Tally,
} from './soak/context.js';
import { deadlineSection } from './soak/deadline.js';
import { faultSoakSection } from './soak/fault-soak.js';
import { fileNeighboursSection } from './soak/file-neighbours.js';
import { killNineSection } from './soak/kill-nine.js';
import { logStoreOutageSection } from './soak/log-store-outage.js';
import { memorySection } from './soak/memory.js';
import { oneChangeStormSection } from './soak/one-change-storm.js';
import { oracleWorldsSection } from './soak/oracle-worlds.js';
import { platformWorldsSection } from './soak/platform-worlds.js';
import { securitySection } from './soak/security.js';
import { slsSlowSection } from './soak/sls-slow.js';
import { sweep1000Section } from './soak/sweep-1000.js';

/** Every section, in run order. */
const SECTIONS: SoakSection[] = [
  faultSoakSection,
  logStoreOutageSection,
  badInputSection,
  securitySection,
  deadlineSection,
  sweep1000Section,
  alarmBudgetsSection,
  oneChangeStormSection,
  killNineSection,
  fileNeighboursSection,
  slsSlowSection,
  memorySection,
  attacksSection,
  oracleWorldsSection,
  platformWorldsSection,
];

function parseArgs(argv: string[]): { scale: Scale; only?: string[]; list: boolean } {
  const at = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const scaleText = at('--scale') ?? 'full';
  if (scaleText !== 'ci' && scaleText !== 'full') {
    throw new Error(`--scale must be ci or full, got ${JSON.stringify(scaleText)}`);
  }
  const onlyText = at('--only');
  const only = onlyText?.split(',').map((s) => s.trim());
  const names = SECTIONS.map((s) => s.name);
  const unknown = (only ?? []).filter((n) => !names.includes(n));
  if (unknown.length > 0) {
    throw new Error(`--only: unknown section ${unknown.join(', ')}; sections: ${names.join(', ')}`);
  }
  return { scale: scaleText, ...(only ? { only } : {}), list: argv.includes('--list') };
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`soak: ${(err as Error).message}`);
    process.exitCode = 2;
    return;
  }
  if (args.list) {
    for (const s of SECTIONS) console.log(`${s.name}\t${s.title}`);
    return;
  }
  // Everything the run prints is kept for the secret scan.
  const captured: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream) as (...a: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      captured.push(
        typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(),
      );
      return original(chunk, ...rest);
    }) as typeof stream.write;
  }
  const uncaught: unknown[] = [];
  process.on('uncaughtException', (err) => uncaught.push(err));
  process.on('unhandledRejection', (err) => uncaught.push(err));

  const tally: Tally = { passed: 0, failed: 0, failures: [] };
  const reporter = consoleReporter(tally);
  const ctx: SoakContext = {
    ...reporter,
    scale: args.scale,
    ci: args.scale === 'ci',
    pick: (ci, full) => (args.scale === 'ci' ? ci : full),
    outputs: [],
  };
  const started = Date.now();
  console.log(`soak: scale ${args.scale}, node ${process.version}`);
  for (const section of SECTIONS) {
    if (args.only && !args.only.includes(section.name)) continue;
    console.log(`== ${section.name}: ${section.title}`);
    const t = Date.now();
    try {
      await section.run(ctx);
    } catch (err) {
      reporter.check(
        `${section.name}: ran to the end`,
        false,
        String((err as Error)?.stack ?? err),
      );
    }
    reporter.info(`${section.name}: ${seconds(Date.now() - t)}`);
  }
  const haystack = [...ctx.outputs, ...captured];
  for (const [name, secret] of SECRETS) {
    const hits = haystack.filter((text) => text.includes(secret)).length;
    reporter.figure(
      `security: ${name} in any output`,
      `${hits} hits in ${haystack.length} outputs`,
      '0',
      hits === 0,
    );
  }
  reporter.figure(
    'uncaught exceptions and unhandled rejections',
    `${uncaught.length}${uncaught.length ? `: ${uncaught.map(String).join('; ')}` : ''}`,
    '0',
    uncaught.length === 0,
  );
  console.log(`soak summary: scale ${args.scale}, ${seconds(Date.now() - started)}`);
  if (tally.failures.length > 0) console.log(`soak FAIL lines:\n  ${tally.failures.join('\n  ')}`);
  console.log(`soak: ${tally.passed} checks passed, ${tally.failed} checks failed`);
  process.exitCode = tally.failed > 0 ? 1 : 0;
}

await main();
