import type { SlsAdmin, SlsResourceKind } from './admin-client.js';

/** One resource to make exist: `name` is the logstore for an index. */
export interface SlsResource {
  kind: SlsResourceKind;
  name: string;
  body: Record<string, unknown>;
}

/** What `applySlsResources` did to one resource. */
export interface SetupStep {
  kind: SlsResourceKind;
  name: string;
  action: 'created' | 'updated' | 'unchanged';
}

/**
 * Makes each resource exist as defined, idempotently: GET it; create it when SLS answers 404;
 * update it when a key of the definition differs from what SLS holds (keys SLS adds, such as
 * `lastModifyTime`, are ignored); leave it alone otherwise. Resources are applied in order (the
 * index first, so saved searches and charts can use its keys).
 * @throws SlsApiError from the first call that fails; the steps before it are done.
 */
export async function applySlsResources(
  admin: SlsAdmin,
  resources: readonly SlsResource[],
  onStep: (step: SetupStep) => void = () => {},
): Promise<SetupStep[]> {
  const steps: SetupStep[] = [];
  for (const resource of resources) {
    const current = await admin.get(resource.kind, resource.name);
    let action: SetupStep['action'];
    if (current === undefined) {
      await admin.create(resource.kind, resource.name, resource.body);
      action = 'created';
    } else if (!contains(current, resource.body)) {
      await admin.update(resource.kind, resource.name, resource.body);
      action = 'updated';
    } else {
      action = 'unchanged';
    }
    const step = { kind: resource.kind, name: resource.name, action };
    steps.push(step);
    onStep(step);
  }
  return steps;
}

/** True when every key of `wanted` has the same value in `held` (objects compared key by key). */
export function contains(held: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted)) {
    return (
      Array.isArray(held) &&
      held.length === wanted.length &&
      wanted.every((item, i) => contains(held[i], item))
    );
  }
  if (wanted && typeof wanted === 'object') {
    if (!held || typeof held !== 'object' || Array.isArray(held)) return false;
    return Object.entries(wanted).every(([k, v]) =>
      contains((held as Record<string, unknown>)[k], v),
    );
  }
  return held === wanted;
}
