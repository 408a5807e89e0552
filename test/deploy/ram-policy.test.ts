/**
 * The RAM policies (docs/ram/<platform>.json, docs/ram/sls.json, and docs/ram-policy.json, all
 * of them in one) grant exactly what the function calls, each on the narrowest resource the
 * reference allows. What the function calls is not read from the JSON nor copied from it: each
 * platform's flows (timer sweep, alarm or event, manual abort by id and by application, the abort
 * with rollback) run through the real handler against the platform's emulator, and the actions
 * the emulators journal are mapped to RAM actions by the clients' own action tables
 * (shared/webplus/actions.ts: `webplus:<Action>`; shared/sae/actions.ts, shared/edas/actions.ts:
 * `ram`). A client action no flow calls (Web+ DescribeChanges, SAE ListChangeOrders) is not
 * granted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDAS_ACTIONS } from '#shared/edas/actions.js';
import { SAE_ACTIONS } from '#shared/sae/actions.js';
import { WEBPLUS_ACTIONS } from '#shared/webplus/actions.js';
import { startEdasSandbox } from '../../sandbox/edas/server.js';
import { startSaeSandbox } from '../../sandbox/sae/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { startHarness } from '../helpers/harness.js';
import {
  change,
  envId,
  eventBridgeEvent,
  httpEvent,
  scenario,
  timerEvent,
} from '../helpers/world.js';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}
interface Policy {
  Version: string;
  Statement: Statement[];
}

const docs = join(import.meta.dirname, '../../docs');
const load = (file: string): Policy => JSON.parse(readFileSync(join(docs, file), 'utf8')) as Policy;
const list = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);
const actionsOf = (p: Policy) => p.Statement.flatMap((s) => list(s.Action)).sort();

const PLATFORMS = ['webplus', 'sae', 'edas'] as const;
type Platform = (typeof PLATFORMS)[number];

/** RAM action → the resources each statement granting it names. */
function resourcesByAction(p: Policy): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of p.Statement)
    for (const a of list(s.Action)) out.set(a, [...(out.get(a) ?? []), ...list(s.Resource)]);
  return out;
}

/** What the function calls, per platform: filled by running the flows once (beforeAll). */
const called: Record<Platform, Set<string>> = {
  webplus: new Set(),
  sae: new Set(),
  edas: new Set(),
};

const SAE_APP = '7171a6ca-d1cd-4928-8642-7d5cfe69d001';
const SAE_APP2 = '7171a6ca-d1cd-4928-8642-7d5cfe69d002';
const SAE_ORDER = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5ed001';
const SAE_ORDER2 = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5ed002';
const EDAS_APP = '6826ccd2-5c57-46c0-a2e5-6caca07cd001';
const EDAS_APP2 = '6826ccd2-5c57-46c0-a2e5-6caca07cd002';
const EDAS_ORDER = '28ab8de8-22b9-430d-9952-00f67693d001';
const EDAS_ORDER2 = '28ab8de8-22b9-430d-9952-00f67693d002';

const stuck = { Status: 1, startedMinutesAgo: 150, idleMinutes: 120 };
const platformWorld = {
  apps: [],
  envs: [],
  changes: [],
  sae: {
    apps: [
      { AppId: SAE_APP, AppName: 'checkout' },
      { AppId: SAE_APP2, AppName: 'search' },
    ],
    changeOrders: [
      { ChangeOrderId: SAE_ORDER, AppId: SAE_APP, ...stuck },
      { ChangeOrderId: SAE_ORDER2, AppId: SAE_APP2, ...stuck },
    ],
  },
  edas: {
    apps: [
      { AppId: EDAS_APP, Name: 'orders' },
      { AppId: EDAS_APP2, Name: 'payments' },
    ],
    changeOrders: [
      { ChangeOrderId: EDAS_ORDER, AppId: EDAS_APP, ...stuck },
      { ChangeOrderId: EDAS_ORDER2, AppId: EDAS_APP2, ...stuck },
    ],
  },
};

beforeAll(async () => {
  // Web+: a sweep that aborts, an alarm naming an environment, an operator naming a change and
  // an environment.
  const web = await startHarness(
    scenario([3], [change({ n: 1, env: 0, idleMin: 90 }), change({ n: 2, env: 1, idleMin: 5 })]),
  );
  try {
    await web.handler(timerEvent({}), fakeContext());
    await web.handler(eventBridgeEvent('ram-test-1', `[{"envId":"${envId(1)}"}]`), fakeContext());
    await web.handler(
      httpEvent({ path: '/abort', body: JSON.stringify({ envIds: [envId(2)], changeIds: [] }) }),
      fakeContext(),
    );
    for (const e of web.sandbox.journal()) if (e.action) called.webplus.add(`webplus:${e.action}`);
  } finally {
    await web.close();
  }
  // SAE and EDAS: a sweep that aborts one order, then an operator's abort by application with
  // `onAbort: rollback`.
  const sae = await startSaeSandbox(platformWorld);
  const edas = await startEdasSandbox(platformWorld);
  try {
    // sweep.maxAbortsPerRun is one cap for the whole sweep (every platform): a capped sweep
    // per platform, so that each platform's AbortChangeOrder is called once.
    for (const [policy, platforms, aborts] of [
      [{ sweep: { maxAbortsPerRun: 1 } }, 'sae', 1],
      [{ sweep: { maxAbortsPerRun: 1 } }, 'edas', 1],
      [
        { platforms: { sae: { onAbort: 'rollback' }, edas: { onAbort: 'rollback' } } },
        'sae,edas',
        2,
      ],
    ] as const) {
      const h = await startHarness(
        { apps: [], envs: [], changes: [] },
        {
          policy,
          env: {
            PLATFORMS: platforms,
            SAE_ENDPOINT: sae.url,
            EDAS_ENDPOINT: edas.url,
            SAE_QPS: '1000',
            EDAS_QPS: '1000',
          },
        },
      );
      try {
        if ('sweep' in policy) await h.handler(timerEvent({}), fakeContext());
        else
          for (const [platform, appIds] of [
            ['sae', [SAE_APP2]],
            ['edas', [EDAS_APP2]],
          ] as const)
            await h.handler(
              httpEvent({ path: '/abort', body: JSON.stringify({ platform, appIds }) }),
              fakeContext(),
            );
        expect(h.records().filter((r) => r.outcome === 'aborted')).toHaveLength(aborts);
      } finally {
        await h.close();
      }
    }
    const ram = { sae: SAE_ACTIONS, edas: EDAS_ACTIONS } as const;
    for (const [name, emulator] of [
      ['sae', sae],
      ['edas', edas],
    ] as const)
      for (const e of emulator.journal()) {
        const action = e.action as keyof (typeof ram)[typeof name] | null;
        if (action) called[name].add((ram[name] as Record<string, { ram: string }>)[action]!.ram);
      }
    expect(sae.rolledBack(SAE_ORDER2)).toBe(true);
  } finally {
    await sae.close();
    await edas.close();
  }
}, 60_000);

afterAll(() => undefined);

describe('what the function calls (the flows above)', () => {
  it('covers every action of the clients but Web+ DescribeChanges and SAE ListChangeOrders', () => {
    expect([...called.webplus].sort()).toEqual(
      Object.keys(WEBPLUS_ACTIONS)
        .filter((a) => a !== 'DescribeChanges')
        .map((a) => `webplus:${a}`)
        .sort(),
    );
    expect([...called.sae].sort()).toEqual(
      Object.values(SAE_ACTIONS)
        .map((a) => a.ram)
        .filter((a) => a !== 'sae:ListChangeOrders')
        .sort(),
    );
    expect([...called.edas].sort()).toEqual(['edas:ManageApplication', 'edas:ReadApplication']);
  });
});

describe.each(PLATFORMS)('docs/ram/%s.json', (platform) => {
  const policy = load(`ram/${platform}.json`);

  it('is a version 1 policy of Allow statements', () => {
    expect(policy.Version).toBe('1');
    for (const s of policy.Statement) expect(s.Effect).toBe('Allow');
  });

  it('grants exactly the RAM actions the function calls on this platform, nothing else', () => {
    expect(actionsOf(policy)).toEqual([...called[platform]].sort());
  });

  it('names each action once, on the narrowest resource the reference allows', () => {
    const resources = resourcesByAction(policy);
    for (const [action, granted] of resources) {
      // docs/reference/sae-edas.md §3.2: AbortChangeOrder / AbortAndRollbackChangeOrder
      // (edas:ManageApplication) are authorised per application; every other action the function
      // calls is "All Resources" (Web+: webplus-api.md; SAE §2.8; EDAS ListApplication §3.2).
      const narrow = action === 'edas:ManageApplication';
      expect(granted, action).toEqual([
        narrow ? 'acs:edas:*:<account>:namespace/*/application/*' : '*',
      ]);
    }
  });
});

describe('docs/ram/sls.json', () => {
  it('grants only PostLogStoreLogs on one logstore (no wildcard action)', () => {
    const policy = load('ram/sls.json');
    expect(policy.Statement).toHaveLength(1);
    expect(list(policy.Statement[0]!.Action)).toEqual(['log:PostLogStoreLogs']);
    expect(list(policy.Statement[0]!.Resource)).toEqual([
      'acs:log:<region>:<account>:project/<project>/logstore/<logstore>',
    ]);
  });
});

describe('docs/ram-policy.json (all three platforms at once)', () => {
  it('is exactly the statements of the per-platform files and sls.json, in that order', () => {
    const merged = load('ram-policy.json');
    expect(merged.Version).toBe('1');
    expect(merged.Statement).toEqual(
      [...PLATFORMS.map((p) => `ram/${p}.json`), 'ram/sls.json'].flatMap((f) => load(f).Statement),
    );
  });
});
