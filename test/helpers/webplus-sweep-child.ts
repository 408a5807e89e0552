/**
 * A child process for the abort-phase kill test (red-team 24 F6): a harness writing to a temp
 * file store, pointed at the parent's Web+ sandbox (so the parent still sees what Web+ accepted
 * after the kill), prints `outcomes <path>`, then runs one enforce timer sweep through the real
 * handler. The parent kills it (SIGKILL) during the abort phase.
 * Usage: node --import tsx test/helpers/webplus-sweep-child.ts <endpoint> <WEBPLUS_CONCURRENCY>
 */
import { fakeContext } from './fc-context.js';
import { startHarness } from './harness.js';
import { timerEvent } from './world.js';

const h = await startHarness(
  { apps: [], envs: [], changes: [] },
  {
    env: { WEBPLUS_ENDPOINT: process.argv[2]!, WEBPLUS_CONCURRENCY: process.argv[3]! },
    policy: { defaults: { mode: 'enforce' }, sweep: { maxAbortsPerRun: 100 } },
  },
);
process.stdout.write(`outcomes ${h.outcomeFile}\n`);
await h.handler(
  timerEvent({}),
  fakeContext({ function: { name: 'f', handler: 'index.handler', memory: 256, timeout: 60 } }),
);
process.stdout.write('sweep returned\n');
