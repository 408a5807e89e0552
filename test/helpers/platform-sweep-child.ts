/**
 * A child process for the SAE sweep kill tests. Two ways to run it:
 * - `<scenario.json>`: starts the SAE emulator itself (the scenario's `faults` make one
 *   application's DescribeApplicationStatus hang) and runs one timer sweep of SAE
 *   (test/pipeline/platform-sweep-records-stream.test.ts); the parent kills it (SIGKILL) while
 *   the sweep still waits on the hung read.
 * - `--endpoint <SAE url>`: sweeps the parent's SAE emulator in enforce (sweep.maxAbortsPerRun
 *   100; the SAE pacer's 4 slots, 3 of them a sweep's), so that the parent still sees after the kill which
 *   AbortChangeOrder requests the emulator received (red-team 25 G15,
 *   test/pipeline/abort-records-survive-kill.test.ts).
 * Either way: a harness writing to a temp file store, prints `outcomes <path>`, runs the sweep
 * through the real handler, prints `sweep returned`.
 * Usage: node --import tsx test/helpers/platform-sweep-child.ts <scenario.json>
 *        node --import tsx test/helpers/platform-sweep-child.ts --endpoint <url>
 */
import { readFileSync } from 'node:fs';
import { startSaeSandbox } from '../../sandbox/sae/server.js';
import { fakeContext } from './fc-context.js';
import { startHarness } from './harness.js';
import { timerEvent } from './world.js';

const external = process.argv[2] === '--endpoint';
const saeUrl = external
  ? process.argv[3]!
  : (await startSaeSandbox(JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as unknown)).url;
const h = await startHarness(
  { apps: [], envs: [], changes: [] },
  external
    ? {
        env: {
          PLATFORMS: 'sae',
          SAE_ENDPOINT: saeUrl,
          SAE_QPS: '1000',
        },
        policy: { defaults: { mode: 'enforce' }, sweep: { maxAbortsPerRun: 100 } },
      }
    : {
        env: {
          PLATFORMS: 'sae',
          SAE_ENDPOINT: saeUrl,
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
