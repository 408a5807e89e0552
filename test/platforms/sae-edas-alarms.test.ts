/**
 * Alarms and events for SAE and EDAS through the real handler and the emulators (pop-core's real
 * signing): a CloudMonitor alarm on SAE's namespace `acs_serverless` naming its `appId`
 * dimension; EventBridge `acs.sae` change-order events (SaeChangeOrderFailEvent,
 * SaeWaitBatchConfirmEvent) and `acs.edas` `edas:ApplicationChange:ChangeOrder` events (a failed
 * change order names its order); the stale-alarm rules of issue 10 exactly as for Web+. The
 * fixtures in test/fixtures follow docs/reference/sae-edas.md §5 (the EDAS one is the published
 * sample with full ids; the `data` of SAE change-order events and EDAS failure `eventType`
 * values are UNVERIFIED there and shaped after the published samples).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import { type EdasSandbox, startEdasSandbox } from '../../sandbox/edas/server.js';
import { type SaeSandbox, startSaeSandbox } from '../../sandbox/sae/server.js';
import { fakeContext } from '../helpers/fc-context.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { freshAlarm } from '../helpers/world.js';

const SAE_APP = '7171a6ca-d1cd-4928-8642-7d5cfe69c001';
const SAE_ORDER = 'ba8e6c3c-9b1a-4ad2-9e1f-5f0e5c5ec001';
const EDAS_APP = '6826ccd2-5c57-46c0-a2e5-6caca07cc001';
const EDAS_ORDER = '28ab8de8-22b9-430d-9952-00f67693c001';
const EDAS_OTHER = '28ab8de8-22b9-430d-9952-00f67693c002';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
/** The fixture, fired `agoMs` ago (its times moved to then). */
const fired = (name: string, agoMs = 30_000): Buffer => freshAlarm(fixture(name), agoMs);
/** The fixture with `edit` applied to its JSON, fired 30 s ago. */
// biome-ignore lint/suspicious/noExplicitAny: a test edits parsed fixture JSON freely
const edited = (name: string, edit: (e: Record<string, any>) => void): Buffer => {
  const event = JSON.parse(fired(name).toString());
  edit(event);
  return Buffer.from(JSON.stringify(event));
};

function scenario(saeStatus = 1, edasOrders?: object[]) {
  return {
    apps: [],
    envs: [],
    changes: [],
    sae: {
      apps: [{ AppId: SAE_APP, AppName: 'checkout' }],
      changeOrders: [
        // Started 20 min ago, idle 10: not stuck for a sweep; an alarm is the signal itself.
        {
          ChangeOrderId: SAE_ORDER,
          AppId: SAE_APP,
          Status: saeStatus,
          startedMinutesAgo: 20,
          idleMinutes: 10,
        },
      ],
    },
    edas: {
      apps: [{ AppId: EDAS_APP, Name: 'ticketcore-service' }],
      changeOrders: edasOrders ?? [
        {
          ChangeOrderId: EDAS_ORDER,
          AppId: EDAS_APP,
          Status: 1,
          startedMinutesAgo: 20,
          idleMinutes: 10,
        },
        {
          ChangeOrderId: EDAS_OTHER,
          AppId: EDAS_APP,
          Status: 1,
          startedMinutesAgo: 25,
          idleMinutes: 10,
        },
      ],
    },
  };
}

let h: Harness | undefined;
let sae: SaeSandbox | undefined;
let edas: EdasSandbox | undefined;
afterEach(async () => {
  await h?.close();
  await sae?.close();
  await edas?.close();
  h = sae = edas = undefined;
});

async function start(
  world: unknown = scenario(),
  policy: unknown = {},
  env: Record<string, string> = {},
) {
  sae = await startSaeSandbox(world);
  edas = await startEdasSandbox(world);
  h = await startHarness(
    { apps: [], envs: [], changes: [] },
    {
      policy,
      env: {
        PLATFORMS: 'webplus,sae,edas',
        SAE_ENDPOINT: sae.url,
        EDAS_ENDPOINT: edas.url,
        SAE_QPS: '1000',
        EDAS_QPS: '1000',
        ...env,
      },
    },
  );
  return h;
}

const only = (records: OutcomeRecord[]): OutcomeRecord => {
  expect(records).toHaveLength(1);
  return records[0]!;
};
const calls = (s: SaeSandbox | EdasSandbox | undefined) => s!.journal().length;

describe('SAE alarms: CloudMonitor namespace acs_serverless, appId dimension', () => {
  it("a firing CPU alarm on an SAE application aborts that application's in-flight change order", async () => {
    // Arrange
    const harness = await start();
    // Act
    const answer = (await harness.handler(fired('cms-callback-sae-alert.json'), fakeContext())) as {
      statusCode: number;
    };
    // Assert
    expect(answer.statusCode).toBe(200);
    expect(only(harness.records())).toMatchObject({
      platform: 'sae',
      changeId: SAE_ORDER,
      appId: SAE_APP,
      trigger: 'cms-callback',
      reason: 'alarm:alarmRule_uuid_5ae0000000000000000000c1',
      mode: 'enforce',
      outcome: 'aborted',
    });
    expect(sae!.calls('DescribeApplicationStatus', undefined)).toBe(1);
    expect(sae!.calls('AbortChangeOrder', SAE_ORDER)).toBe(1);
    expect(sae!.statusOf(SAE_ORDER)).toBe(6);
    expect(calls(edas)).toBe(0);
  });

  it('an SAE alarm older than alarmMaxAgeMinutes is ignored with its age, and costs no SAE call', async () => {
    const harness = await start();
    await harness.handler(fired('cms-callback-sae-alert.json', 16 * 60_000), fakeContext());
    const rec = only(harness.records());
    expect(rec).toMatchObject({ platform: 'sae', outcome: 'ignored' });
    expect(rec.detail).toMatch(
      /^the alarm fired 16 min( \d+ s)? ago .*more than alarmMaxAgeMinutes \(15 min\): too old to act on$/,
    );
    expect(calls(sae)).toBe(0);
  });

  it('an SAE alarm that fired before the change order started is about an earlier order: skipped', async () => {
    // The alarm fired 14 min ago, the order started 5 min ago (more than the 60 s slack later).
    const world = scenario();
    world.sae.changeOrders[0] = {
      ChangeOrderId: SAE_ORDER,
      AppId: SAE_APP,
      Status: 1,
      startedMinutesAgo: 5,
      idleMinutes: 1,
    };
    const harness = await start(world);
    await harness.handler(fired('cms-callback-sae-alert.json', 14 * 60_000), fakeContext());
    const rec = only(harness.records());
    expect(rec).toMatchObject({ platform: 'sae', changeId: SAE_ORDER, outcome: 'skipped' });
    expect(rec.detail).toContain('before this change order started');
    expect(rec.detail).toContain('it is about an earlier change');
    expect(sae!.calls('AbortChangeOrder')).toBe(0);
  });

  it.each([
    ['an upper-case appId', 'appId%3D7171A6CA-D1CD-4928-8642-7D5CFE69C001'],
    ['a Web+ id', 'appId%3Dwa-5d39b8ba6786bd4b14960001'],
  ])(
    'an SAE alarm whose appId dimension is %s: ignored, the bad value named, no call',
    async (_what, dim) => {
      const harness = await start();
      const event = fired('cms-callback-sae-alert.json')
        .toString()
        .replace(`appId%3D${SAE_APP}`, dim);
      await harness.handler(Buffer.from(event), fakeContext());
      // One event, one record (red-team 25 G13): the bad value is named in the ignored one.
      const rec = only(harness.records());
      expect(rec.outcome).toBe('ignored');
      expect(rec.detail).toContain('whose appId dimension cannot be read');
      expect(rec.detail).toContain('dimensions.appId');
      expect(calls(sae)).toBe(0);
    },
  );

  it('an SAE alarm without an appId dimension names nothing: ignored, never a sweep', async () => {
    const harness = await start();
    const event = fired('cms-callback-sae-alert.json')
      .toString()
      .replace(`%2C+appId%3D${SAE_APP}`, '');
    await harness.handler(Buffer.from(event), fakeContext());
    expect(only(harness.records()).detail).toContain(
      'without an appId dimension names no application',
    );
    expect(calls(sae)).toBe(0);
  });
  it('a CloudMonitor rule push on acs_serverless names the application too (resources.appId)', async () => {
    const harness = await start();
    const push = JSON.parse(fired('cms-rule-push.json').toString());
    push.namespace = 'acs_serverless';
    push.metricName = 'cpu';
    push.resources = JSON.stringify({ userId: '1234567890123456', appId: SAE_APP });
    push.metricData = {
      timestamp: push.metricData.timestamp,
      userId: '1234567890123456',
      appId: SAE_APP,
      Maximum: 97,
    };
    await harness.handler(Buffer.from(JSON.stringify(push)), fakeContext());
    expect(only(harness.records())).toMatchObject({
      platform: 'sae',
      changeId: SAE_ORDER,
      appId: SAE_APP,
      trigger: 'cms-callback',
      outcome: 'aborted',
    });
    expect(sae!.calls('AbortChangeOrder', SAE_ORDER)).toBe(1);
  });
});

describe('EventBridge acs.sae change-order events', () => {
  it("SaeChangeOrderFailEvent aborts the application's in-flight order; a redelivery does nothing more", async () => {
    const harness = await start();
    const event = fired('eventbridge-sae-change-order-fail.json');
    await harness.handler(event, fakeContext());
    await harness.handler(event, fakeContext());
    expect(only(harness.records())).toMatchObject({
      platform: 'sae',
      changeId: SAE_ORDER,
      appId: SAE_APP,
      trigger: 'eventbridge',
      triggerRef: '5ae0e0e0-0000-4000-8000-0000000000c1',
      reason: 'alarm:sae:ChangeOrder:SaeChangeOrderFailEvent',
      outcome: 'aborted',
    });
    expect(sae!.calls('AbortChangeOrder')).toBe(1);
  });

  it('SaeWaitBatchConfirmEvent on an order waiting for batch confirmation: skipped unless includePaused', async () => {
    const harness = await start(scenario(8));
    await harness.handler(fired('eventbridge-sae-wait-batch-confirm.json'), fakeContext());
    const rec = only(harness.records());
    expect(rec).toMatchObject({ platform: 'sae', changeId: SAE_ORDER, outcome: 'skipped' });
    expect(rec.detail).toBe('change order is paused (status 8/0; includePaused is false)');
    expect(sae!.calls('AbortChangeOrder')).toBe(0);
  });

  it('SaeWaitBatchConfirmEvent with platforms.sae.includePaused: the paused order is aborted', async () => {
    const harness = await start(scenario(8), {
      defaults: { mode: 'enforce' },
      platforms: { sae: { includePaused: true } },
    });
    await harness.handler(fired('eventbridge-sae-wait-batch-confirm.json'), fakeContext());
    expect(only(harness.records())).toMatchObject({ changeId: SAE_ORDER, outcome: 'aborted' });
    expect(sae!.statusOf(SAE_ORDER)).toBe(6);
  });

  it.each([
    'sae:Runtime:SaeInstanceRestartEvent',
    'sae:System:SaeSlbConfigResetWarning',
    'sae:ChangeOrder:SomethingNew',
  ])('an acs.sae event of type %s is ignored, naming the type; no call', async (type) => {
    const harness = await start();
    await harness.handler(
      edited('eventbridge-sae-change-order-fail.json', (e) => {
        e.type = type;
      }),
      fakeContext(),
    );
    const rec = only(harness.records());
    expect(rec).toMatchObject({ outcome: 'ignored', trigger: 'eventbridge' });
    expect(rec.detail).toBe(
      `SAE event type '${type}' is not a change-order event webplus-abort acts on`,
    );
    expect(calls(sae)).toBe(0);
  });

  it('an SAE event whose resourceId and subject name different applications is ignored (ambiguous)', async () => {
    const harness = await start();
    await harness.handler(
      edited('eventbridge-sae-change-order-fail.json', (e) => {
        e.subject = 'acs.sae:cn-hangzhou:1234567890123456:7171a6ca-d1cd-4928-8642-7d5cfe69cfff';
      }),
      fakeContext(),
    );
    expect(only(harness.records()).detail).toContain('the event names two applications');
    expect(calls(sae)).toBe(0);
  });

  it("an SAE event from another region than SAE_REGIONS' is ignored", async () => {
    const harness = await start();
    await harness.handler(
      edited('eventbridge-sae-change-order-fail.json', (e) => {
        e.aliyunregionid = 'cn-shanghai';
        e.subject = e.subject.replace(':cn-hangzhou:', ':cn-shanghai:');
        e.data.namespaceId = 'cn-shanghai';
      }),
      fakeContext(),
    );
    expect(only(harness.records()).detail).toBe(
      "the event comes from region cn-shanghai, but sae is read in cn-hangzhou (SAE_REGIONS): not this function's application; nothing is aborted",
    );
    expect(calls(sae)).toBe(0);
  });

  it('an SAE event without a readable time is ignored: its age is unknown', async () => {
    const harness = await start();
    await harness.handler(
      edited('eventbridge-sae-change-order-fail.json', (e) => {
        e.time = 'yesterday';
      }),
      fakeContext(),
    );
    const rec = only(harness.records());
    expect(rec.outcome).toBe('ignored');
    expect(rec.detail).toContain("the event's age is unknown");
    expect(calls(sae)).toBe(0);
  });

  it('a control key in an SAE event (data.dryRun) is refused, never dropped', async () => {
    const harness = await start();
    await harness.handler(
      edited('eventbridge-sae-change-order-fail.json', (e) => {
        e.data.dryRun = false;
      }),
      fakeContext(),
    );
    const rec = only(harness.records());
    expect(rec).toMatchObject({ outcome: 'invalid' });
    expect(rec.detail).toContain('data.dryRun');
    expect(calls(sae)).toBe(0);
  });
});

describe('EventBridge acs.edas edas:ApplicationChange:ChangeOrder', () => {
  it('a failed change order names its order: exactly that order is read and aborted', async () => {
    const harness = await start();
    await harness.handler(fired('eventbridge-edas-change-order-failed.json'), fakeContext());
    expect(only(harness.records())).toMatchObject({
      platform: 'edas',
      changeId: EDAS_ORDER,
      appId: EDAS_APP,
      trigger: 'eventbridge',
      reason: 'alarm:edas:ApplicationChange:ChangeOrder',
      outcome: 'aborted',
    });
    // GetChangeOrderInfo carries no AppId: ListRecentChangeOrder(the event's app) proves the pair.
    expect(edas!.calls('ListRecentChangeOrder')).toBe(1);
    expect(edas!.calls('GetChangeOrderInfo', EDAS_ORDER)).toBe(1);
    expect(edas!.calls('AbortChangeOrder', EDAS_ORDER)).toBe(1);
    expect(edas!.statusOf(EDAS_OTHER)).toBe(1);
  });

  it('an EventBridge batch of 5 distinct events for one EDAS order: one read, one AbortChangeOrder, 5 records', async () => {
    const harness = await start();
    const items = Array.from({ length: 5 }, (_, i) => {
      const e = JSON.parse(fired('eventbridge-edas-change-order-failed.json').toString());
      e.id = `edas0000-0000-4000-8000-00000000010${i}`;
      return e;
    });
    await harness.handler(Buffer.from(JSON.stringify(items)), fakeContext());
    expect(edas!.calls('AbortChangeOrder', EDAS_ORDER)).toBe(1);
    const records = harness.records();
    expect(records.map((r) => [r.triggerRef, r.outcome, r.changeId])).toEqual(
      items.map((e) => [e.id, 'aborted', EDAS_ORDER]),
    );
    for (const r of records.slice(1)) {
      expect(r).toMatchObject({ platform: 'edas', attempts: 0, repeatOf: records[0]!.recordId });
      expect(r.detail).toMatch(/^repeat: this invocation already decided this change/);
    }
  });

  it('the published onSuccess event (APPLICATION_CODEPLOY_SUCCESS) is ignored: nothing to abort', async () => {
    const harness = await start();
    await harness.handler(fired('eventbridge-edas-change-order-success.json'), fakeContext());
    const rec = only(harness.records());
    expect(rec).toMatchObject({ outcome: 'ignored', trigger: 'eventbridge' });
    expect(rec.detail).toBe(
      "EDAS change-order event with eventType 'onSuccess' and reason 'APPLICATION_CODEPLOY_SUCCESS' does not say the change order failed: nothing to abort",
    );
    expect(calls(edas)).toBe(0);
  });

  it('a failure event older than alarmMaxAgeMinutes (policy 5) is ignored; no EDAS call', async () => {
    const harness = await start(scenario(), {
      defaults: { mode: 'enforce' },
      alarmMaxAgeMinutes: 5,
    });
    await harness.handler(
      fired('eventbridge-edas-change-order-failed.json', 6 * 60_000),
      fakeContext(),
    );
    const rec = only(harness.records());
    expect(rec).toMatchObject({ platform: 'edas', outcome: 'ignored' });
    expect(rec.detail).toContain('more than alarmMaxAgeMinutes (5 min)');
    expect(calls(edas)).toBe(0);
  });

  it("an EDAS failure event's application (from the event: EDAS reads carry none) is checked against protect", async () => {
    // EDAS reads carry no AppId: the event's appId is the application; protect applies to it.
    const harness = await start(scenario(), {
      defaults: { mode: 'enforce' },
      platforms: { edas: { protect: { appIds: [EDAS_APP] } } },
    });
    await harness.handler(fired('eventbridge-edas-change-order-failed.json'), fakeContext());
    const rec = only(harness.records());
    expect(rec).toMatchObject({ changeId: EDAS_ORDER, appId: EDAS_APP, outcome: 'skipped' });
    expect(rec.detail).toBe(`protected: ${EDAS_APP} is in platforms.edas.protect.appIds`);
    // GetChangeOrderInfo, then ListRecentChangeOrder placing the order in the event's app.
    expect(calls(edas)).toBe(2);
  });

  // Red-team s24 F15: the event's appId is a claim, not a fact about the order.
  const OTHER_APP = '6826ccd2-5c57-46c0-a2e5-6caca07cc002';
  const ORDER_OF_OTHER = '28ab8de8-22b9-430d-9952-00f67693c003';
  const twoApps = () => ({
    ...scenario(),
    edas: {
      apps: [
        { AppId: EDAS_APP, Name: 'ticketcore-service' },
        { AppId: OTHER_APP, Name: 'payments' },
      ],
      changeOrders: [
        {
          ChangeOrderId: EDAS_ORDER,
          AppId: EDAS_APP,
          Status: 1,
          startedMinutesAgo: 20,
          idleMinutes: 10,
        },
        {
          ChangeOrderId: ORDER_OF_OTHER,
          AppId: OTHER_APP,
          Status: 1,
          startedMinutesAgo: 100,
          idleMinutes: 95,
        },
      ],
    },
  });
  it.each([
    ['protected', { protect: { appIds: [OTHER_APP] } }],
    ['mode off', { apps: { [OTHER_APP]: { mode: 'off' } } }],
    ['unprotected', {}],
  ])(
    "an EDAS event naming app A and an order of app B (%s) is skipped: the pair is unproven, B's order is not aborted",
    async (_name, edasPolicy) => {
      const harness = await start(twoApps(), {
        defaults: { mode: 'enforce' },
        platforms: { edas: edasPolicy },
      });
      await harness.handler(
        edited('eventbridge-edas-change-order-failed.json', (e) => {
          e.data.event.involvedObject.additionalProperties.changeOrderId = ORDER_OF_OTHER;
        }),
        fakeContext(),
      );
      const rec = only(harness.records());
      expect(rec).toMatchObject({ changeId: ORDER_OF_OTHER, outcome: 'skipped' });
      expect(rec.detail).toBe(
        `the request names application ${EDAS_APP} for change order ${ORDER_OF_OTHER}, but ListRecentChangeOrder(${EDAS_APP}) does not list it as one of that application's orders in flight: the order's application is unknown; not aborted (fail closed)`,
      );
      expect(edas!.calls('AbortChangeOrder')).toBe(0);
      expect(edas!.statusOf(ORDER_OF_OTHER)).toBe(1);
    },
  );

  it('an EDAS event naming a change order that is not a ChangeOrderId is ignored, naming it', async () => {
    const harness = await start();
    await harness.handler(
      edited('eventbridge-edas-change-order-failed.json', (e) => {
        e.data.event.involvedObject.additionalProperties.changeOrderId = '28ab8de8-****';
      }),
      fakeContext(),
    );
    const rec = only(harness.records());
    expect(rec.outcome).toBe('ignored');
    expect(rec.detail).toContain('not a ChangeOrderId');
    expect(rec.detail).toContain('changeOrderId');
    expect(calls(edas)).toBe(0);
  });

  it('with EDAS not in PLATFORMS the event gets one ignored record and no call', async () => {
    const harness = await start(scenario(), {}, { PLATFORMS: 'webplus,sae' });
    await harness.handler(fired('eventbridge-edas-change-order-failed.json'), fakeContext());
    expect(only(harness.records())).toMatchObject({
      platform: 'edas',
      outcome: 'ignored',
      errorCode: 'PlatformNotEnabled',
      detail:
        'platform edas is not enabled: PLATFORMS is webplus,sae; add edas to it; the event is not acted on',
    });
    expect(calls(edas)).toBe(0);
  });

  it.each([
    ['eventbridge-sae-change-order-fail.json'],
    ['eventbridge-sae-wait-batch-confirm.json'],
    ['eventbridge-edas-change-order-failed.json'],
    ['cms-callback-sae-alert.json'],
  ])(
    'with PLATFORMS=webplus (the s.yaml default) %s gets one ignored record and no call',
    async (name) => {
      const harness = await start(scenario(), {}, { PLATFORMS: 'webplus' });
      const result = (await harness.handler(fired(name), fakeContext())) as { statusCode?: number };
      if (name.startsWith('cms-callback')) expect(result.statusCode).toBe(200);
      expect(only(harness.records())).toMatchObject({
        outcome: 'ignored',
        errorCode: 'PlatformNotEnabled',
      });
      expect(calls(sae) + calls(edas)).toBe(0);
    },
  );
});
