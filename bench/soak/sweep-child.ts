/**
 * Child process of the file-store crash section: a Web+ sandbox of its own with `stuck`
 * dry-run changes, and the real handler writing to the file store at `path`, sweeping in a
 * loop until killed (or `runs` sweeps are done). Prints `ready` once the first sweep started.
 * Usage: node --import tsx bench/soak/sweep-child.ts <path> <stuck> <runs>
 */
import { randomBytes } from 'node:crypto';
import { change, envId, fcContext, startRig, timerEvent } from '../helpers.js';

const [path, stuckText, runsText] = process.argv.slice(2);
const stuck = Number(stuckText);
const runs = Number(runsText);
const credentials = { accessKeyId: 'crash-ak', accessKeySecret: randomBytes(12).toString('hex') };
const envs = Array.from({ length: stuck }, (_, e) => ({
  EnvId: envId(e),
  AppId: 'wa-5d39b8ba6786bd4b14000000',
  EnvName: `env-${e}`,
}));
const changes = Array.from({ length: stuck }, (_, n) =>
  change({ n, env: n, idleMin: 90, ageMin: 95 }),
);
const rig = await startRig(
  {
    credentials: [credentials],
    apps: [{ AppId: 'wa-5d39b8ba6786bd4b14000000', AppName: 'app' }],
    envs,
    changes,
  },
  {
    env: {
      LOG_STORE: 'file',
      OUTCOME_LOG_FILE: path!,
      ABORT_DRY_RUN: 'true',
      WEBPLUS_QPS: '10000',
      WEBPLUS_CONCURRENCY: '32',
    },
  },
);
let ready = false;
for (let run = 0; run < runs; run++) {
  const pending = rig.handler(timerEvent(), fcContext(credentials, 600));
  if (!ready) {
    ready = true;
    process.stdout.write('ready\n');
  }
  await pending;
  process.stdout.write(`swept ${run + 1}\n`);
}
await rig.close();
