/**
 * Option helpers shared by the command registrations in cli/main.ts. Kept free of heavy imports:
 * main.ts loads this module for every command, `--version` and `--help` included.
 */
import type { Command } from 'commander';

/** Commander collector for repeatable options; also splits comma-joined values. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').filter((v) => v.trim() !== '')];
}

/**
 * Adds `--profile NAME` and `--region ID` (credentials and region like the aliyun CLI; see
 * cli/credentials.ts) to a command that may call the cloud.
 */
export function withCloudOptions(command: Command): Command {
  return command
    .option(
      '--profile <name>',
      'profile of ~/.aliyun/config.json to sign with (aliyun CLI profiles)',
    )
    .option(
      '--region <id>',
      'region id, e.g. cn-shanghai (default: environment, profile, cn-hangzhou)',
    );
}

/** Adds `--wide`: tables at full width, nothing wrapped. */
export function withWide(command: Command): Command {
  return command.option('--wide', 'print tables at full width (no wrapping of the "why" column)');
}

/**
 * After a usage error of `command` (unknown option, missing argument), commander prints this:
 * the usage line of that command only, and where the full help is.
 */
export function usageOf(command: Command): string {
  const path: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) path.unshift(c.name());
  return `usage: ${path.join(' ')} ${command.usage()}\n(\`${path.join(' ')} --help\` lists every option)`;
}
