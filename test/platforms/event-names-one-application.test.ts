/**
 * Red-team 25 G13: an EDAS event names its application in several places (`data.appId`,
 * `data.event.involvedObject.id`, the last segment of `subject`; docs/reference/sae-edas.md
 * §5.2, docs/reference/fc-triggers.md). When they disagree, even only in case, which
 * application is meant is a guess: one `ignored` record naming both fields, no call. And one
 * event is one decision and one record: an application id the event spells wrongly (upper
 * case) gave an `invalid` record beside the `ignored` one; now the one `ignored` record names
 * it. Through the real handler and the SAE / EDAS emulators.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import { type EdasSandbox, startEdasSandbox } from '../../sandbox/edas/server.js';
import { type SaeSandbox, startSaeSandbox } from '../../sandbox/sae/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { freshAlarm } from '../helpers/world.js';

const EDAS_APP = '6826ccd2-5c57-46c0-a2e5-6caca07cc001';
const EDAS_OTHER = '6826ccd2-5c57-46c0-a2e5-6caca07cc0b2';
const EDAS_ORDER = '28ab8de8-22b9-430d-9952-00f67693c001';
const SAE_APP = '7171a6ca-d1cd-4928-8642-7d5cfe69c001';
const SAE_ORDER = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5ec001';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
// biome-ignore lint/suspicious/noExplicitAny: a test edits parsed fixture JSON freely
type Json = Record<string, any>;
const edited = (name: string, edit: (e: Json) => void): Buffer => {
  const event = JSON.parse(freshAlarm(fixture(name)).toString());
  edit(event);
  return Buffer.from(JSON.stringify(event));
};
const edas_ = (edit: (e: Json) => void) =>
  edited('eventbridge-edas-change-order-failed.json', edit);
const sae_ = (edit: (e: Json) => void) => edited('eventbridge-sae-change-order-fail.json', edit);

const scenario = {
  apps: [],
  envs: [],
  changes: [],
  sae: {
    apps: [{ AppId: SAE_APP, AppName: 'checkout' }],
    changeOrders: [
      {
        ChangeOrderId: SAE_ORDER,
        AppId: SAE_APP,
        Status: 1,
        startedMinutesAgo: 20,
        idleMinutes: 10,
      },
    ],
  },
  edas: {
    apps: [
      { AppId: EDAS_APP, Name: 'ticketcore-service' },
      { AppId: EDAS_OTHER, Name: 'payments' },
    ],
    changeOrders: [
      {
        ChangeOrderId: EDAS_ORDER,
        AppId: EDAS_APP,
        Status: 1,
        startedMinutesAgo: 20,
        idleMinutes: 10,
      },
    ],
  },
};

let h: Harness | undefined;
let sae: SaeSandbox | undefined;
let edas: EdasSandbox | undefined;
afterEach(async () => {
  await h?.close();
  await sae?.close();
  await edas?.close();
  h = sae = edas = undefined;
});

async function start() {
  sae = await startSaeSandbox(scenario);
  edas = await startEdasSandbox(scenario);
  h = await startHarness(
    { apps: [], envs: [], changes: [] },
    {
      policy: { defaults: { mode: 'enforce' } },
      env: {
        PLATFORMS: 'sae,edas',
        SAE_ENDPOINT: sae.url,
        EDAS_ENDPOINT: edas.url,
        SAE_QPS: '1000',
        EDAS_QPS: '1000',
      },
    },
  );
  return h;
}

const only = (records: OutcomeRecord[]): OutcomeRecord => {
  expect(records).toHaveLength(1);
  return records[0]!;
};
const noCalls = () => {
  expect(edas!.journal()).toHaveLength(0);
  expect(sae!.journal()).toHaveLength(0);
};

describe('G13: every place an EDAS event names its application must agree exactly', () => {
  it.each([
    [
      'data.event.involvedObject.id names another application',
      (e: Json) => {
        e.data.event.involvedObject.id = EDAS_OTHER;
      },
      `data.appId ${EDAS_APP}, data.event.involvedObject.id ${EDAS_OTHER}`,
    ],
    [
      'data.event.involvedObject.id differs only in case',
      (e: Json) => {
        e.data.event.involvedObject.id = EDAS_APP.toUpperCase();
      },
      `data.appId ${EDAS_APP}, data.event.involvedObject.id ${EDAS_APP.toUpperCase()}`,
    ],
    [
      "subject's last segment names another application",
      (e: Json) => {
        e.subject = `acs.edas:cn-hangzhou:1234567890123456:${EDAS_OTHER}`;
      },
      `data.appId ${EDAS_APP}, subject ${EDAS_OTHER}`,
    ],
    [
      'data.appId differs only in case from the other two',
      (e: Json) => {
        e.data.appId = EDAS_APP.toUpperCase();
      },
      `data.appId ${EDAS_APP.toUpperCase()}, data.event.involvedObject.id ${EDAS_APP}`,
    ],
  ])('%s: one ignored record naming both fields, no call', async (_label, edit, named) => {
    const harness = await start();
    await harness.handler(edas_(edit), fakeContext());
    const rec = only(harness.records());
    expect(rec.outcome).toBe('ignored');
    expect(rec.detail).toBe(
      `the event names two applications (${named}): which one is meant is ambiguous; nothing is aborted (fail closed)`,
    );
    noCalls();
  });

  it('an upper-case appId everywhere: one ignored record naming the field and value, no invalid record', async () => {
    const harness = await start();
    const upper = EDAS_APP.toUpperCase();
    await harness.handler(
      edas_((e) => {
        e.data.appId = upper;
        e.data.event.involvedObject.id = upper;
        e.subject = `acs.edas:cn-hangzhou:1234567890123456:${upper}`;
      }),
      fakeContext(),
    );
    const rec = only(harness.records());
    expect(rec.outcome).toBe('ignored');
    expect(rec.detail).toContain(
      'the event names its application with a value that is not an EDAS application id',
    );
    expect(rec.detail).toContain(`[data.appId: not a PlatformAppId (expected a lower-case UUID`);
    expect(rec.detail).toContain(`(got "${upper}")]`);
    noCalls();
  });

  it('the three places agreeing: the order is read and aborted as before', async () => {
    const harness = await start();
    await harness.handler(
      edas_(() => {}),
      fakeContext(),
    );
    expect(only(harness.records())).toMatchObject({ changeId: EDAS_ORDER, outcome: 'aborted' });
  });
});

describe('G13 on SAE: data.resourceId and subject', () => {
  it('resourceId upper-case, subject lower-case: one ignored record naming both, no call', async () => {
    const harness = await start();
    await harness.handler(
      sae_((e) => {
        e.data.resourceId = SAE_APP.toUpperCase();
      }),
      fakeContext(),
    );
    const rec = only(harness.records());
    expect(rec.outcome).toBe('ignored');
    expect(rec.detail).toBe(
      `the event names two applications (data.resourceId ${SAE_APP.toUpperCase()}, subject ${SAE_APP}): which one is meant is ambiguous; nothing is aborted (fail closed)`,
    );
    noCalls();
  });

  it('resourceId and subject both upper-case: one ignored record, no invalid beside it', async () => {
    const harness = await start();
    const upper = SAE_APP.toUpperCase();
    await harness.handler(
      sae_((e) => {
        e.data.resourceId = upper;
        e.subject = `acs.sae:cn-hangzhou:1234567890123456:${upper}`;
      }),
      fakeContext(),
    );
    const rec = only(harness.records());
    expect(rec.outcome).toBe('ignored');
    expect(rec.detail).toContain('data.resourceId');
    noCalls();
  });
});
