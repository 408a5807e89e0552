/**
 * Runs the built command line (bin/webplus-abort.js) in a child process, as an operator would:
 * in a pipe (`runCli`), or on a pseudo-terminal through util-linux `script` (`runCliOnTty`), so
 * that what the CLI does only on a terminal (colour, the progress line) is tested for real.
 * Every run gets a temp HOME (no ~/.aliyun of the machine is read) and no Alibaba Cloud keys
 * unless `env` gives them.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = join(process.cwd(), 'bin', 'webplus-abort.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The child's environment: the parent's without Alibaba Cloud keys, tokens or colour hints. */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (
      key.startsWith('ALIBABA_CLOUD_') ||
      ['HTTP_AUTH_TOKENS', 'LOG_STORE', 'NO_COLOR', 'COLUMNS', 'FORCE_COLOR'].includes(key)
    ) {
      delete env[key];
    }
  }
  const home = mkdtempSync(join(tmpdir(), 'webplus-abort-home-'));
  const merged: NodeJS.ProcessEnv = {
    ...env,
    HOME: home,
    OUTCOME_LOG_FILE: join(home, 'outcomes.jsonl'),
  };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete merged[k];
    else merged[k] = v;
  }
  return merged;
}

/** Runs `webplus-abort ARGS` with stdout and stderr as pipes. */
export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = cliEnv(),
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * Runs `webplus-abort ARGS` on a pseudo-terminal (`script -qfec CMD /dev/null`): stdout and
 * stderr are both the terminal, so their bytes arrive interleaved in `output`. The exit status
 * is the command's (`-e`).
 */
export function runCliOnTty(
  args: readonly string[],
  env: NodeJS.ProcessEnv = cliEnv(),
): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
