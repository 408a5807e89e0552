/**
 * A child process for the SAE sweep kill test: starts the SAE emulator (the scenario's
 * `faults` make one application's DescribeApplicationStatus hang) and a harness writing to a
 * temp file store, prints `outcomes <path>`, then runs one timer sweep of SAE through the real
 * handler. The parent kills it (SIGKILL) while the sweep still waits on the hung read.
 * Usage: node --import tsx test/helpers/platform-sweep-child.ts <scenario.json>
 */
import { readFileSync } from 'node:fs';
import { startSaeSandbox } from '../../sandbox/sae/server.js';
import { fakeContext } from './fc-context.js';
import { startHarness } from './harness.js';
import { timerEvent } from './world.js';

const scenario = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as unknown;
const sae = await startSaeSandbox(scenario);
const h = await startHarness(
  { apps: [], envs: [], changes: [] },
  {
    env: {
      PLATFORMS: 'sae',
      SAE_ENDPOINT: sae.url,
      SAE_QPS: '1000',
      ATTEMPT_TIMEOUT_MS: '30000',
      RETRY_MAX_ATTEMPTS: '1',
    },
  },
);
process.stdout.write(`outcomes ${h.outcomeFile}\n`);
await h.handler(
  timerEvent({}),
  fakeContext({ function: { name: 'f', handler: 'index.handler', memory: 256, timeout: 60 } }),
);
process.stdout.write('sweep returned\n');
