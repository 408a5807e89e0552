/**
 * Issue 11's storm figure: 300 CloudMonitor callbacks for one stuck change, all at once in one
 * instance (concurrent invocations of one runtime: one pacer, one in-flight set), at production
 * pacing (WEBPLUS_QPS 10). Exactly one AbortChange reaches Web+ (the sandbox journal), the
 * change is aborted in sandbox state, every callback answers within 4.5 s of its arrival, and
 * each callback's invocation writes exactly one record.
 */
import { changeId, fcContext, memoryStore, startRig, summaryOf } from '../helpers.js';
import { callbackEvent, ENFORCE, PRODUCTION_ENV, stuckWorld } from './alarm-budgets.js';
import { CREDENTIALS, type SoakContext, type SoakSection, seconds } from './context.js';

async function storm(ctx: SoakContext): Promise<void> {
  const n = 300;
  const store = memoryStore();
  const rig = await startRig(stuckWorld(1, 20), { env: PRODUCTION_ENV, policy: ENFORCE, store });
  try {
    const id = changeId(0);
    const arrival = Date.now();
    const answers = await Promise.all(
      Array.from({ length: n }, async () => {
        const result = await rig.handler(callbackEvent([id], arrival), fcContext(CREDENTIALS, 60));
        return { ms: Date.now() - arrival, summary: summaryOf(result) };
      }),
    );
    const slowest = Math.max(...answers.map((a) => a.ms));
    const aborts = rig.sandbox.journal().filter((j) => j.action === 'AbortChange');
    const perInvocation = new Map<string, number>();
    for (const r of store.records) {
      perInvocation.set(r.invocationId, (perInvocation.get(r.invocationId) ?? 0) + 1);
    }
    const outcomes = new Map<string, number>();
    for (const r of store.records) outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
    ctx.info(
      `${n} callbacks: ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}; ${rig.sandbox.journal().length} Web+ calls`,
    );
    const state = rig.sandbox.change(id);
    const env = rig.sandbox.appEnv(rig.sandbox.change(id)?.EnvId ?? '');
    const aborted = Boolean(state?.ChangeAborted || env?.AbortingChange);
    ctx.figure(
      `${n} concurrent callbacks for one change: AbortChange sent`,
      `${aborts.length}`,
      'exactly 1',
      aborts.length === 1,
    );
    ctx.figure(
      `${n} concurrent callbacks for one change: the change aborted in sandbox state`,
      aborted ? 'aborted/aborting' : 'still running',
      'aborted',
      aborted,
    );
    ctx.figure(
      `${n} concurrent callbacks for one change: slowest answer`,
      seconds(slowest),
      '≤ 4.5 s from arrival',
      slowest <= 4500,
    );
    const notOne = [...perInvocation.values()].filter((k) => k !== 1).length;
    ctx.figure(
      `${n} concurrent callbacks for one change: records per callback`,
      `${perInvocation.size} invocations recorded, ${notOne} with other than one; ${answers.filter((a) => a.summary.results.length === 1).length} answers with one result`,
      `one each for all ${n}`,
      perInvocation.size === n &&
        notOne === 0 &&
        answers.every((a) => a.summary.results.length === 1),
    );
    ctx.outputs.push(JSON.stringify(store.records), ...rig.stdoutLines, ...rig.warnings);
  } finally {
    await rig.close();
  }
}

export const oneChangeStormSection: SoakSection = {
  name: 'one-change-storm',
  title: '300 concurrent callbacks for one stuck change',
  run: storm,
};
