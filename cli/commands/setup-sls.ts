/**
 * `webplus-abort setup-sls [--action-policy ID] [--json]`: makes the SLS resources of
 * deploy/sls/ exist in `SLS_PROJECT` / `SLS_LOGSTORE`, idempotently (created, updated when they
 * differ, unchanged otherwise): the index with typed fields for every record key, four saved
 * searches, the dashboard, and the alert when `--action-policy` names the action policy that
 * should be told. Exit 0 when all are in place, 1 when an SLS call failed, 2 for bad usage.
 */
import { applySlsResources, type SetupStep } from '#shared/sls/setup.js';
import { UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { slsResources } from '../sls-definitions.js';
import { slsTarget } from '../sls-target.js';

export interface SetupSlsOptions {
  actionPolicy?: string;
  profile?: string;
  region?: string;
  json?: boolean;
}

/** @throws UsageError, ConfigError, SlsApiError (exit 1) */
export async function setupSlsCommand(options: SetupSlsOptions): Promise<ExitCode> {
  if (options.actionPolicy !== undefined && !/^[A-Za-z0-9._-]{1,128}$/.test(options.actionPolicy)) {
    throw new UsageError(
      `--action-policy must be an SLS action policy id, got ${JSON.stringify(options.actionPolicy)}`,
    );
  }
  const target = await slsTarget(
    {
      ...(options.profile ? { profile: options.profile } : {}),
      ...(options.region ? { region: options.region } : {}),
    },
    process.env,
  );
  const resources = slsResources({
    project: target.project,
    logstore: target.logstore,
    region: target.region,
    ...(options.actionPolicy ? { actionPolicyId: options.actionPolicy } : {}),
  });
  const line = (step: SetupStep) => `${step.action.padEnd(9)} ${step.kind.padEnd(11)} ${step.name}`;
  const steps = await applySlsResources(target.admin, resources, (step) => {
    if (!options.json) process.stdout.write(`${line(step)}\n`);
  });
  const count = (a: SetupStep['action']) => steps.filter((s) => s.action === a).length;
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ project: target.project, logstore: target.logstore, steps })}\n`,
    );
  } else {
    process.stdout.write(
      `SLS ${target.project}/${target.logstore}: ${count('created')} created, ${count('updated')} updated, ${count('unchanged')} unchanged${options.actionPolicy ? '' : ' (no alert: pass --action-policy <id> to add one)'}\n`,
    );
  }
  return EXIT.ok;
}
