/**
 * Deadline with a hung Web+: every AbortChange answers after 60 s; production-like
 * ATTEMPT_TIMEOUT_MS 3000, DEADLINE_MARGIN_MS 2000, RETRY_BASE_MS 200, function.timeout 10 s.
 * The handler returns within timeout − margin with one record per change.
 */
import { fcContext, memoryStore, startRig, timerEvent } from '../helpers.js';
import { BASE_ENV, CREDENTIALS, type SoakContext, type SoakSection } from './context.js';
import { buildWorld } from './world.js';

// Deadline

async function deadline(ctx: SoakContext): Promise<void> {
  const { check, info, outputs } = ctx;
  const TIMEOUT_S = 10;
  const MARGIN_MS = 2000;
  info(`== deadline (function.timeout ${TIMEOUT_S} s, Web+ AbortChange hung)`);
  const world = buildWorld({ stuck: 5, healthy: 0, paused: 0, protected: 0, dryRun: 0, quiet: 0 });
  world.scenario.faults = world.ids.stuck.map((id) => ({
    action: 'AbortChange',
    changeId: id,
    responses: Array(10).fill({ delayMs: 60_000, status: 503, code: 'ServiceUnavailable' }),
  }));
  const store = memoryStore();
  const rig = await startRig(world.scenario, {
    env: {
      ...BASE_ENV,
      RETRY_BASE_MS: '200',
      RETRY_MAX_DELAY_MS: '5000',
      ATTEMPT_TIMEOUT_MS: '3000',
      DEADLINE_MARGIN_MS: String(MARGIN_MS),
    },
    policy: world.policy,
    store,
  });
  try {
    const started = Date.now();
    const result = await rig.handler(timerEvent(), fcContext(CREDENTIALS, TIMEOUT_S));
    const elapsed = Date.now() - started;
    outputs.push(JSON.stringify(result));
    const budget = TIMEOUT_S * 1000 - MARGIN_MS;
    check(
      `deadline: handler returned within timeout - margin (${budget} ms)`,
      elapsed <= budget,
      `${elapsed} ms`,
    );
    const ids = store.records.map((r) => r.changeId);
    check(
      'deadline: one record per change',
      ids.length === world.ids.stuck.length &&
        new Set(ids).size === ids.length &&
        world.ids.stuck.every((id) => ids.includes(id)),
      `${ids.length} records: ${store.records.map((r) => r.outcome).join(', ')}`,
    );
    outputs.push(JSON.stringify(store.records), ...rig.stdoutLines, ...rig.warnings);
  } finally {
    await rig.close();
  }
}

export const deadlineSection: SoakSection = {
  name: 'deadline-hung-abort',
  title: 'deadline (function.timeout 10 s, Web+ AbortChange hung)',
  run: deadline,
};
