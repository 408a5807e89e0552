/**
 * Child process of the memory section: runs the real handler against a Web+ sandbox running in
 * the parent (so the sandbox's 50 MB bodies are not counted here), then prints one JSON line
 * `{"maxRssMb":..., "records":[...]}` with this process's peak RSS (process.resourceUsage).
 * Usage: node --import tsx bench/soak/memory-child.ts <sandboxUrl> <eventsJson>, with the
 * sandbox's keys in SOAK_ACCESS_KEY_ID / SOAK_ACCESS_KEY_SECRET (never on the command line),
 * where eventsJson is a JSON array of FC event objects (each is Buffered and handled in turn).
 */
import { createHandler } from '../../functions/abort-stuck-changes/handler.js';
import { loadConfig } from '../../shared/config/config.js';
import { createRuntime } from '../../shared/pipeline/runtime.js';
import { parsePolicy } from '../../shared/policy/load.js';
import { fcContext, memoryStore } from '../helpers.js';

const [url, eventsJson] = process.argv.slice(2);
const accessKeyId = process.env.SOAK_ACCESS_KEY_ID ?? '';
const accessKeySecret = process.env.SOAK_ACCESS_KEY_SECRET ?? '';
const store = memoryStore();
const runtime = createRuntime({
  config: loadConfig({
    WEBPLUS_ENDPOINT: url!,
    LOG_STORE: 'stdout',
    WEBPLUS_QPS: '1000',
    WEBPLUS_CONCURRENCY: '8',
    RETRY_MAX_ATTEMPTS: '2',
    RETRY_BASE_MS: '1',
    RETRY_MAX_DELAY_MS: '5',
  }),
  policy: parsePolicy({}),
  version: 'soak',
  store,
  sink: () => {},
  warn: () => {},
});
const handler = createHandler(runtime);
for (const event of JSON.parse(eventsJson!) as unknown[]) {
  await handler(
    Buffer.from(JSON.stringify(event)),
    fcContext({ accessKeyId, accessKeySecret }, 60),
  );
}
const maxRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ maxRssMb, records: store.records })}\n`);
