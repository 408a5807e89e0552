/**
 * The SLS resources `webplus-abort setup-sls` makes exist, from the files in deploy/sls/:
 * the logstore index (typed fields for every record key), the saved searches, the dashboard and
 * (optionally) the alert. Placeholders `${project}`, `${logstore}`, `${region}` and
 * `${actionPolicyId}` are filled in; other `${...}` (SLS's own alert templates) are kept.
 */

import type { SlsResource } from '#shared/sls/setup.js';
import alert from '../deploy/sls/alert.json' with { type: 'json' };
import dashboard from '../deploy/sls/dashboard.json' with { type: 'json' };
import index from '../deploy/sls/index.json' with { type: 'json' };
import savedsearches from '../deploy/sls/savedsearches.json' with { type: 'json' };

export interface DefinitionValues {
  project: string;
  logstore: string;
  region: string;
  /** The alert's action policy (who is told); the alert is left out without it. */
  actionPolicyId?: string;
}

const PLACEHOLDER = /\$\{(project|logstore|region|actionPolicyId)\}/g;

/** A deep copy of `value` with the known placeholders replaced in every string. */
export function fill<T>(value: T, values: DefinitionValues): T {
  const text = JSON.stringify(value).replace(PLACEHOLDER, (_m, key: keyof DefinitionValues) =>
    JSON.stringify(String(values[key] ?? '')).slice(1, -1),
  );
  return JSON.parse(text) as T;
}

/** The raw definitions, as the files hold them. */
export const SLS_DEFINITIONS = { index, savedsearches, dashboard, alert } as const;

/**
 * The resources in the order they are applied: index, saved searches, dashboard, then the
 * alert when `values.actionPolicyId` is given.
 */
export function slsResources(values: DefinitionValues): SlsResource[] {
  const resources: SlsResource[] = [
    { kind: 'index', name: values.logstore, body: fill(index, values) },
    ...savedsearches.map((s) => ({
      kind: 'savedsearch' as const,
      name: s.savedsearchName,
      body: fill(s, values) as Record<string, unknown>,
    })),
    { kind: 'dashboard', name: dashboard.dashboardName, body: fill(dashboard, values) },
  ];
  if (values.actionPolicyId) {
    resources.push({ kind: 'alert', name: alert.name, body: fill(alert, values) });
  }
  return resources;
}
