import type { NotifySettings } from '../../config/notify-settings.js';
import { failureWords } from '../../notify/failure-words.js';
import type { Notifier } from '../../notify/notifier.js';
import type { DoctorCheck } from './report.js';

/**
 * The `notify` rows of the doctor: one per target of the policy's `notify.targets`, naming its
 * kind, the host of its URL only (never the path or query: a webhook's token lives there) and
 * whether its variables are set (`urlEnv`, `secretEnv`; never their values). A variable unset or
 * a URL that is not one is `fail` (cold start would refuse it, exit 2). No target: no row.
 * Target names as the notifier names them (docs/reference/notifications.md): `name`, else the
 * kind, then `kind-2`, …
 */
export function notifyRows(
  settings: NotifySettings,
  env: NodeJS.ProcessEnv,
  /** `doctor --notify-test` runs: the rows then do not point at it. @default false */
  testing = false,
): DoctorCheck[] {
  const seen = new Map<string, number>();
  return settings.targets.map((target) => {
    const n = (seen.get(target.kind) ?? 0) + 1;
    seen.set(target.kind, n);
    const name = target.name ?? (n === 1 ? target.kind : `${target.kind}-${n}`);
    const raw = env[target.urlEnv]?.trim();
    const secret = target.secretEnv
      ? `; secret ${target.secretEnv} ${env[target.secretEnv]?.trim() ? 'set' : 'NOT set'}`
      : '; no signing secret';
    if (!raw) {
      return {
        check: 'notify',
        subject: name,
        status: 'fail',
        blocks: 'usage',
        detail: `${target.kind}: ${target.urlEnv} is NOT set${secret}: set it to the robot's webhook URL (cold start refuses it unset)`,
      };
    }
    let host: string;
    try {
      host = new URL(raw).host;
    } catch {
      return {
        check: 'notify',
        subject: name,
        status: 'fail',
        blocks: 'usage',
        detail: `${target.kind}: ${target.urlEnv} is set but is not a URL${secret}`,
      };
    }
    const secretMissing = target.secretEnv !== undefined && !env[target.secretEnv]?.trim();
    return {
      check: 'notify',
      subject: name,
      status: secretMissing ? 'fail' : 'ok',
      ...(secretMissing ? { blocks: 'usage' as const } : {}),
      detail: `${target.kind} to ${host}; ${target.urlEnv} set${secret}${secretMissing || testing ? '' : '; `doctor --notify-test` sends a test message'}`,
    };
  });
}

/**
 * `doctor --notify-test`: one test message to every target (the notifier's `test`, the same
 * request, signature and attempts as a real notification), one `notify-test` row per target:
 * `ok` delivered, `fail` not (exit 1). `deadlineMs`: epoch ms every delivery ends by.
 */
export async function notifyTestRows(
  notifier: Notifier,
  context: { invocationId: string; functionName: string; region: string; deadlineMs: number },
): Promise<DoctorCheck[]> {
  const results = await notifier.test({
    invocationId: context.invocationId,
    trigger: 'cli',
    functionName: context.functionName,
    region: context.region,
    dryRun: false,
    deadlineMs: context.deadlineMs,
    secrets: [],
  });
  const hosts = new Map(notifier.hosts.map((h) => [h.name, h.host]));
  return results.map((r) => ({
    check: 'notify-test',
    subject: r.name,
    status: r.delivered ? 'ok' : 'fail',
    ...(r.delivered ? {} : { blocks: 'failed' as const }),
    detail: `${r.kind} to ${hosts.get(r.name) ?? '?'}: ${r.delivered ? r.detail : `NOT delivered (${failureWords(r.detail, r.attempts)})`}`,
  }));
}
