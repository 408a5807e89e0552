/**
 * Red-team s24 F12 (open in red-team 25): the times and the namespace of SAE / EDAS events.
 * An SAE event whose `data.time` / `data.timestamp` was a year old reached `would_abort` (only
 * the envelope's `time` was read); an `aliyunpublishtime` 11 months before `time` was accepted;
 * a `data.namespaceId` of another region than the event's was accepted. Now every time the
 * event carries is read (the oldest is its age, as for CloudMonitor alarms), they must agree
 * (within 10 min; EventBridge never publishes an event before it happened), and the region of
 * `data.namespaceId` (`<region>:<name>`, or the region itself: docs/reference/sae-edas.md)
 * must be the event's. Through the real handler and the SAE / EDAS emulators.
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
const YEAR_MS = 365 * 24 * 3_600_000;

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
// biome-ignore lint/suspicious/noExplicitAny: a test edits parsed fixture JSON freely
type Json = Record<string, any>;
const edited = (name: string, edit: (e: Json) => void): Buffer => {
  const event = JSON.parse(freshAlarm(fixture(name)).toString());
  edit(event);
  return Buffer.from(JSON.stringify(event));
};
const saeEvent = (edit: (e: Json) => void) =>
  edited('eventbridge-sae-change-order-fail.json', edit);
const edasEvent = (edit: (e: Json) => void) =>
  edited('eventbridge-edas-change-order-failed.json', edit);
/** `aliyunpublishtime` as EventBridge writes it: China time, `…SSSPRC`. */
const prc = (ms: number): string => `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 23)}PRC`;

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
    apps: [{ AppId: EDAS_APP, Name: 'ticketcore-service' }],
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
      policy: { defaults: { mode: 'dry-run' } },
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
  expect(sae!.journal()).toHaveLength(0);
  expect(edas!.journal()).toHaveLength(0);
};

describe('F12: every time an SAE / EDAS event carries is read, and they agree', () => {
  it.each([
    [
      'data.time a year old (RFC 3339)',
      (e: Json) => {
        e.data.time = new Date(Date.now() - YEAR_MS).toISOString();
      },
      'data.time',
    ],
    [
      'data.timestamp a year old (epoch ms)',
      (e: Json) => {
        e.data.timestamp = Date.now() - YEAR_MS;
      },
      'data.timestamp',
    ],
    [
      'aliyunpublishtime 11 months before time',
      (e: Json) => {
        e.aliyunpublishtime = prc(Date.now() - (11 * YEAR_MS) / 12);
      },
      'aliyunpublishtime',
    ],
  ])('an SAE event with %s: ignored naming it, no call', async (_label, edit, field) => {
    const harness = await start();
    await harness.handler(saeEvent(edit), fakeContext());
    const rec = only(harness.records());
    expect(rec.outcome).toBe('ignored');
    expect(rec.detail).toContain("the event's times disagree");
    expect(rec.detail).toContain(field);
    expect(rec.detail).toContain('time ');
    noCalls();
  });

  it('an EDAS event whose aliyunpublishtime is before its time by more than the slack: ignored', async () => {
    const harness = await start();
    await harness.handler(
      edasEvent((e) => {
        e.aliyunpublishtime = prc(Date.now() - 5 * 60_000);
      }),
      fakeContext(),
    );
    const rec = only(harness.records());
    expect(rec.outcome).toBe('ignored');
    expect(rec.detail).toContain('aliyunpublishtime');
    expect(rec.detail).toContain('EventBridge publishes an event only after it happened');
    noCalls();
  });

  it('an SAE event whose every time is a year old: ignored as stale, naming the time field', async () => {
    const harness = await start();
    const at = Date.now() - YEAR_MS;
    await harness.handler(
      saeEvent((e) => {
        e.time = new Date(at).toISOString();
        e.aliyunpublishtime = prc(at + 1000);
        e.data.time = new Date(at).toISOString();
      }),
      fakeContext(),
    );
    const rec = only(harness.records());
    expect(rec.outcome).toBe('ignored');
    expect(rec.detail).toContain('more than alarmMaxAgeMinutes (15 min): too old to act on');
    expect(rec.detail).toContain('(by its time)');
    noCalls();
  });

  it("an SAE event whose times agree (the fixture's, moved to now) is acted on", async () => {
    const harness = await start();
    await harness.handler(
      saeEvent(() => {}),
      fakeContext(),
    );
    expect(only(harness.records())).toMatchObject({
      changeId: SAE_ORDER,
      outcome: 'would_abort',
    });
  });
});

describe("F12: an SAE event's namespace is in the event's region", () => {
  it.each([
    ['cn-shanghai', 'cn-shanghai'],
    ['cn-shanghai:demo', 'cn-shanghai'],
  ])('namespaceId %s in a cn-hangzhou event: ignored naming both, no call', async (ns, region) => {
    const harness = await start();
    await harness.handler(
      saeEvent((e) => {
        e.data.namespaceId = ns;
      }),
      fakeContext(),
    );
    const rec = only(harness.records());
    expect(rec.outcome).toBe('ignored');
    expect(rec.detail).toBe(
      `the event names two regions (aliyunregionid cn-hangzhou, data.namespaceId ${region}): which one is meant is ambiguous; nothing is aborted (fail closed)`,
    );
    noCalls();
  });

  it.each(['demo', 'cn-hangzhou:', ':demo', 'CN-HANGZHOU:demo', 'cn-hangzhou:de mo'])(
    'namespaceId %j is no namespace id: ignored naming it, no call',
    async (ns) => {
      const harness = await start();
      await harness.handler(
        saeEvent((e) => {
          e.data.namespaceId = ns;
        }),
        fakeContext(),
      );
      const rec = only(harness.records());
      expect(rec.outcome).toBe('ignored');
      expect(rec.detail).toContain('data.namespaceId');
      expect(rec.detail).toContain('not an SAE namespace id');
      noCalls();
    },
  );

  it('namespaceId cn-hangzhou:demo in a cn-hangzhou event is acted on', async () => {
    const harness = await start();
    await harness.handler(
      saeEvent((e) => {
        e.data.namespaceId = 'cn-hangzhou:demo';
      }),
      fakeContext(),
    );
    expect(only(harness.records())).toMatchObject({
      changeId: SAE_ORDER,
      outcome: 'would_abort',
    });
  });
});
