import type { AlarmSignal } from '../model/request.js';
import type { AlarmRule, Policy } from './schema.js';

/**
 * The environments the policy's `alarms` rules map an alarm to. In a rule every key given must
 * match (AND; `dimensions` entries each equal); every matching rule adds its `envIds`.
 * @returns distinct EnvIds in rule order
 */
export function envIdsForAlarm(policy: Policy, alarm: AlarmSignal): string[] {
  const out = new Set<string>();
  for (const rule of policy.alarms) {
    if (matches(rule, alarm)) for (const id of rule.envIds) out.add(id);
  }
  return [...out];
}

function matches(rule: AlarmRule, alarm: AlarmSignal): boolean {
  const m = rule.match;
  if (m.ruleId !== undefined && m.ruleId !== alarm.ruleId) return false;
  if (
    m.alertName !== undefined &&
    m.alertName !== alarm.alertName &&
    m.alertName !== alarm.ruleName
  ) {
    return false;
  }
  if (m.namespace !== undefined && m.namespace !== alarm.namespace) return false;
  if (m.metricName !== undefined && m.metricName !== alarm.metricName) return false;
  for (const [key, value] of Object.entries(m.dimensions ?? {})) {
    if (alarm.dimensions[key] !== value) return false;
  }
  return true;
}
