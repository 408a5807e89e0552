/**
 * Worlds on all three platforms for the fail-closed property test: SAE and EDAS applications
 * and change orders (random statuses, unknown numbers and strings included; paused-equivalents;
 * missing and malformed batch times as strings or numbers; unreadable application ids), a
 * policy with per-platform rules (modes, thresholds, protect by application, per-application
 * overrides, change types, `onAbort: rollback`), which platforms `PLATFORMS` enables, one
 * request, the kill switch and the platforms' clock skew. Plain data plus fast-check
 * arbitraries; nothing here imports the code under test (shared/).
 */
import fc from 'fast-check';

export type PlatformName = 'sae' | 'edas';
export type Mode = 'off' | 'dry-run' | 'enforce';

const hex12 = (n: number): string => n.toString(16).padStart(12, '0');
/** Well-formed ids: lower-case UUIDs, distinct per platform and kind. */
export const pids = {
  app: (p: PlatformName, n: number): string =>
    p === 'sae' ? `7171a6ca-d1cd-4928-8642-${hex12(n)}` : `6826ccd2-5c57-46c0-a2e5-${hex12(n)}`,
  order: (p: PlatformName, n: number): string =>
    p === 'sae' ? `ba8e6c3c-9b1a-4ad2-9e1f-${hex12(n)}` : `28ab8de8-22b9-430d-9952-${hex12(n)}`,
  /** A well-formed application id that is none of the world's. */
  other: '0f0f0f0f-0000-4000-8000-00000000ffff',
};

/** How the order's `Status` goes on the wire: `ok` = the JSON number. */
export type StatusWire = 'ok' | 'string' | 'null' | 'absent' | 'fraction' | 'negative';
/** How a batch time goes on the wire: `ok` = the platform's own form; `number` / `digits` also readable. */
export type BatchTimeWire =
  | 'ok'
  | 'number'
  | 'digits'
  | 'padded'
  | 'spaced'
  | 'seconds'
  | 'iso'
  | 'zoneless'
  | 'zero'
  | 'null'
  | 'absent'
  | 'float'
  | 'negative';
/**
 * A flaw in the order's read or its listing (red-team 25): `none`; G4 `finish-read` (a
 * FinishTime on the read), `finish-listing` (EDAS: on the ListRecentChangeOrder item),
 * `current-succeeded` (the current batch's status 2), `batch-overlap` (the batch before the
 * current one updated a minute after the current one started), `batch-misnamed` (batch 1 named
 * "Batch 2"), `unstarted-start` (the batch after the current one, not started, has a StartTime);
 * G5 `name-number` (batch 1 PipelineName 7), `cotype-array` (CoTypeCode an array),
 * `batchtype-7` (BatchType 7), `auto-yes` (SAE Auto "yes"); G14 `list-createtime` (EDAS: the
 * listing's CreateTime a second off), `list-status` (the listing names another status),
 * `list-substatus` (SAE: DescribeApplicationStatus RUNNING_BUT_HAS_ERROR beside SubStatus 0).
 */
export type OrderFlaw =
  | 'none'
  | 'finish-read'
  | 'finish-listing'
  | 'current-succeeded'
  | 'batch-overlap'
  | 'batch-misnamed'
  | 'unstarted-start'
  | 'name-number'
  | 'cotype-array'
  | 'batchtype-7'
  | 'auto-yes'
  | 'list-createtime'
  | 'list-status'
  | 'list-substatus';

/** The AppId of an SAE DescribeChangeOrder read: `ok`, left out, upper-cased, or another app's. */
export type AppIdWire = 'ok' | 'absent' | 'upper' | 'other';
/**
 * The AppId of the order's listing entry (EDAS ListRecentChangeOrder item; SAE
 * DescribeApplicationStatus `Data.AppId` when the order is its application's latest): its own
 * application's, left out, or another's (red-team 25 G9).
 */
export type ListAppIdWire = 'ok' | 'absent' | 'other';

export interface WorldOrder {
  platform: PlatformName;
  n: number;
  /** index of its application on its platform */
  app: number;
  /** the status the emulator holds */
  status: number;
  statusWire: StatusWire;
  /** minutes (plus 20 s and n × 100 ms) before the emulator's clock at start */
  startedMinAgo: number;
  /** minutes (plus 20 s) without progress; at most startedMinAgo */
  idleMin: number;
  batchCount: number;
  currentBatch: number;
  coType: string;
  /** the current batch's StartTime / UpdateTime */
  startWire: BatchTimeWire;
  updateWire: BatchTimeWire;
  /** SAE only (EDAS reads carry no AppId) */
  appIdWire: AppIdWire;
  listAppIdWire: ListAppIdWire;
  /**
   * EDAS only: another application whose ListRecentChangeOrder lists the order too, its entry
   * naming the order's own application (a platform placing it under the wrong one, G9).
   */
  listedUnder?: number;
  supportRollback: boolean;
  /** red-team 25: a flaw of the read or its listing */
  flaw: OrderFlaw;
}

export interface PlatformPolicySpec {
  mode?: Mode;
  maxIdleMinutes?: number;
  maxDurationMinutes?: number;
  includePaused?: boolean;
  onAbort?: 'abort' | 'rollback';
  changeTypes?: string[];
  protect: number[];
  apps: {
    app: number;
    mode?: Mode;
    maxIdleMinutes?: number;
    includePaused?: boolean;
    onAbort?: 'abort' | 'rollback';
  }[];
  sweepApps?: number[];
}

export type PlatformWorldPolicy =
  | { kind: 'defaults' }
  | { kind: 'nothing'; text: string }
  | {
      kind: 'given';
      defaultsMode: Mode;
      maxIdleMinutes?: number;
      maxDurationMinutes?: number;
      includePaused?: boolean;
      sae?: PlatformPolicySpec;
      edas?: PlatformPolicySpec;
      cap?: number;
      alarmMaxAgeMinutes?: number;
    };

/** An id named by a request: a known one (index), a well-formed unknown one, or garbage. */
export type PIdRef = { known: number } | { unknown: number } | { bad: string };

export type DryRunValue = boolean | 'true' | 'false' | 'TRUE' | 'yes' | 1 | null;

export const PLATFORM_EXTRA_KEYS = [
  'DryRun',
  'dry_run',
  'dryrun',
  'force',
  'changeIds',
  'envIds',
  'rollback',
] as const;

export type PlatformWorldRequest =
  | {
      kind: 'timer';
      dryRun?: DryRunValue;
      maxIdleMinutes?: number;
      maxDurationMinutes?: number;
      extra?: [string, unknown];
    }
  | {
      kind: 'http-sweep';
      platform: PlatformName;
      appIds?: PIdRef[];
      dryRun?: DryRunValue;
      extra?: [string, unknown];
      queryDryRun?: string;
      queryExtra?: string;
    }
  | {
      kind: 'http-abort';
      platform: PlatformName;
      changeOrderIds?: PIdRef[];
      appIds?: PIdRef[];
      dryRun?: DryRunValue;
      extra?: [string, unknown];
      queryDryRun?: string;
      queryExtra?: string;
    }
  | {
      /** A CloudMonitor alarm on SAE's namespace `acs_serverless` (callback or EventBridge). */
      kind: 'sae-cms';
      via: 'callback' | 'eventbridge';
      state: 'ALERT' | 'OK';
      appId?: PIdRef;
      /** minutes (plus 10 s) before the real clock; negative = future; undefined = no time */
      firedMinAgo?: number;
    }
  | {
      /** An EventBridge `acs.sae` event. */
      kind: 'sae-event';
      type: string;
      resourceId?: PIdRef;
      /** the application the `subject` ends with: the same as `resourceId`, another, or none */
      subject: 'same' | 'other' | 'none';
      region: 'same' | 'other';
      /**
       * `data.namespaceId`: the region itself, `<region>:<name>`, another region's namespace,
       * or no namespace id (red-team s24 F12)
       */
      namespace: 'region' | 'named' | 'other' | 'bad';
      /** `data.time`: absent, the envelope's time, or a year before it (F12) */
      dataTime: 'none' | 'same' | 'year-old';
      firedMinAgo?: number;
    }
  | {
      /** An EventBridge `acs.edas` `edas:ApplicationChange:ChangeOrder` event. */
      kind: 'edas-event';
      eventType: 'onFailure' | 'onTimeout' | 'onSuccess' | 'onStart';
      appId?: PIdRef;
      /**
       * `own`: one of the application's orders (by `orderPick`); `foreign`: one of another
       * application's orders (G9); `absent`: none named
       */
      order: 'own' | 'foreign' | 'unknown' | 'bad' | 'absent';
      orderPick: number;
      /**
       * `data.event.involvedObject.id`: the same application as `data.appId`, another one, the
       * same in upper case, or left out (red-team 25 G13)
       */
      objectId: 'same' | 'other' | 'upper' | 'none';
      firedMinAgo?: number;
    };

export interface PlatformWorld {
  /** applications per platform */
  apps: Record<PlatformName, number>;
  orders: WorldOrder[];
  /** what `PLATFORMS` says */
  enabled: ('webplus' | PlatformName)[];
  policy: PlatformWorldPolicy;
  request: PlatformWorldRequest;
  killSwitch: boolean;
  /** the platforms' clock minus the real one, ms */
  skewMs: number;
  /**
   * The outcome log: `ok` stores every record; `refuses` fails every write, so no record reaches
   * the store (red-team 25 G15: no abort may be sent before its intent record is stored).
   */
  logStore: 'ok' | 'refuses';
}

const MODES: Mode[] = ['off', 'dry-run', 'enforce'];
const CO_TYPES = ['CoDeploy', 'CoRestartApplication', 'CoScaleOut'];

/** Statuses each platform's emulator is seeded with: documented ones and unknown ones. */
const STATUSES: Record<PlatformName, { common: number[]; rare: number[] }> = {
  sae: { common: [1, 1, 1, 0, 9, 8, 11, 12], rare: [2, 3, 6, 10, 4, 5, 7, 13, 99] },
  edas: { common: [1, 1, 1, 0, 9, 8], rare: [2, 3, 6, 10, 7, 11, 12, 99] },
};

const often = <T>(ok: T, arb: fc.Arbitrary<T>, weight = 10): fc.Arbitrary<T> =>
  fc.oneof({ weight, arbitrary: fc.constant(ok) }, { weight: 1, arbitrary: arb });

const statusWire = often<StatusWire>(
  'ok',
  fc.constantFrom<StatusWire>('string', 'null', 'absent', 'fraction', 'negative'),
  14,
);
const batchTimeWire = often<BatchTimeWire>(
  'ok',
  fc.constantFrom<BatchTimeWire>(
    'number',
    'digits',
    'padded',
    'spaced',
    'seconds',
    'iso',
    'zoneless',
    'zero',
    'null',
    'absent',
    'float',
    'negative',
  ),
  8,
);
const FLAWS: OrderFlaw[] = [
  'finish-read',
  'finish-listing',
  'current-succeeded',
  'batch-overlap',
  'batch-misnamed',
  'unstarted-start',
  'name-number',
  'cotype-array',
  'batchtype-7',
  'auto-yes',
  'list-createtime',
  'list-status',
  'list-substatus',
];
const flaw = often<OrderFlaw>('none', fc.constantFrom<OrderFlaw>(...FLAWS), 6);

/** Whether `f` can be given to an order of this shape (else it is `none`). */
function flawFits(
  f: OrderFlaw,
  o: { platform: PlatformName; status: number; batchCount: number; currentBatch: number },
): boolean {
  if (f === 'finish-listing' || f === 'list-createtime') return o.platform === 'edas';
  if (f === 'auto-yes' || f === 'list-substatus') return o.platform === 'sae';
  if (f === 'current-succeeded') return o.status !== 0;
  if (f === 'batch-overlap') return o.currentBatch >= 2;
  if (f === 'unstarted-start') return o.currentBatch < o.batchCount;
  return true;
}

const appIdWire = often<AppIdWire>(
  'ok',
  fc.constantFrom<AppIdWire>('absent', 'upper', 'other'),
  12,
);

const dryRun: fc.Arbitrary<DryRunValue | undefined> = fc.oneof(
  { weight: 12, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constantFrom<DryRunValue>(false, 'false') },
  { weight: 1, arbitrary: fc.constantFrom<DryRunValue>(true, 'true', 'TRUE', 'yes', 1, null) },
);

const extra: fc.Arbitrary<[string, unknown] | undefined> = fc.oneof(
  { weight: 12, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.constantFrom<string>(...PLATFORM_EXTRA_KEYS),
      fc.constantFrom<unknown>(true, 'true', false, 1, null),
    ),
  },
);

const queryDryRun = fc.oneof(
  { weight: 8, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('true', 'false', '', 'yes') },
);
const queryExtra = fc.oneof(
  { weight: 10, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('dry-run', 'DryRun', 'platform', 'force') },
);

function idRef(known: number): fc.Arbitrary<PIdRef> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.nat({ max: Math.max(0, known - 1) }).map((n) => ({ known: n })) },
    { weight: 1, arbitrary: fc.constant({ unknown: 0xfff0 }) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          '',
          ' ',
          'BA8E6C3C-9B1A-4AD2-9E1F-000000000000',
          'wc-5d3a963d5802611c4ddc0001',
          '*',
        )
        .map((bad) => ({ bad })),
    },
  );
}

const idList = (known: number) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    { weight: 8, arbitrary: fc.array(idRef(known), { minLength: 1, maxLength: 3 }) },
    { weight: 1, arbitrary: fc.constant([] as PIdRef[]) },
  );

function platformPolicy(apps: number): fc.Arbitrary<PlatformPolicySpec> {
  const appIdx = fc.nat({ max: apps - 1 });
  return fc.record(
    {
      mode: fc.oneof(
        { weight: 3, arbitrary: fc.constant(undefined) },
        { weight: 2, arbitrary: fc.constant<Mode>('enforce') },
        { weight: 1, arbitrary: fc.constantFrom<Mode>('off', 'dry-run') },
      ),
      maxIdleMinutes: fc.option(fc.constantFrom(5, 30, 60, 120), { nil: undefined }),
      maxDurationMinutes: fc.option(fc.constantFrom(60, 240), { nil: undefined }),
      includePaused: fc.option(fc.boolean(), { nil: undefined }),
      onAbort: fc.option(fc.constantFrom<'abort' | 'rollback'>('abort', 'rollback'), {
        nil: undefined,
      }),
      changeTypes: fc.oneof(
        { weight: 5, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.subarray(CO_TYPES, { minLength: 1 }) },
      ),
      protect: fc.oneof(
        { weight: 3, arbitrary: fc.constant([] as number[]) },
        { weight: 1, arbitrary: appIdx.map((a) => [a]) },
      ),
      apps: fc.uniqueArray(
        fc.record(
          {
            app: appIdx,
            mode: fc.constantFrom<Mode>('enforce', ...MODES),
            maxIdleMinutes: fc.constantFrom(5, 90),
            includePaused: fc.boolean(),
            onAbort: fc.constantFrom<'abort' | 'rollback'>('abort', 'rollback'),
          },
          { requiredKeys: ['app'] },
        ),
        { maxLength: 2, selector: (a) => a.app },
      ),
      sweepApps: fc.option(fc.uniqueArray(appIdx, { minLength: 1, maxLength: 2 }), {
        nil: undefined,
        freq: 4,
      }),
    },
    { requiredKeys: ['protect', 'apps'] },
  );
}

function policy(apps: Record<PlatformName, number>): fc.Arbitrary<PlatformWorldPolicy> {
  const given = fc.record(
    {
      kind: fc.constant('given' as const),
      // A given policy states its mode (a policy without one is refused at cold start).
      defaultsMode: fc.oneof(
        { weight: 6, arbitrary: fc.constant<Mode>('enforce') },
        { weight: 1, arbitrary: fc.constantFrom<Mode>('off', 'dry-run') },
      ),
      maxIdleMinutes: fc.option(fc.constantFrom(5, 30, 60), { nil: undefined }),
      maxDurationMinutes: fc.option(fc.constantFrom(60, 240), { nil: undefined }),
      includePaused: fc.option(fc.boolean(), { nil: undefined }),
      sae: fc.option(platformPolicy(apps.sae), { nil: undefined, freq: 4 }),
      edas: fc.option(platformPolicy(apps.edas), { nil: undefined, freq: 4 }),
      cap: fc.option(fc.constantFrom(0, 1, 2, 20), { nil: undefined }),
      alarmMaxAgeMinutes: fc.option(fc.constantFrom(5, 15, 60), { nil: undefined }),
    },
    { requiredKeys: ['kind', 'defaultsMode'] },
  );
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant({ kind: 'defaults' as const }) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('', '   ', '# only a comment\n', 'null', '~')
        .map((text) => ({ kind: 'nothing' as const, text })),
    },
    { weight: 20, arbitrary: given },
  );
}

function request(
  apps: Record<PlatformName, number>,
  orders: Record<PlatformName, number>,
): fc.Arbitrary<PlatformWorldRequest> {
  const minutesValue = fc.option(fc.constantFrom(5, 30, 60, 240), { nil: undefined, freq: 3 });
  const platform = fc.constantFrom<PlatformName>('sae', 'edas');
  // Mostly fresh alarms (the rule has something to allow), sometimes stale, late or from the future.
  const fired = fc.option(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(0, 1, 3, 10) },
      { weight: 3, arbitrary: fc.constantFrom(14, 16, 30, 120, -3) },
    ),
    { nil: undefined, freq: 10 },
  );
  const ref = (p: PlatformName) => fc.option(idRef(apps[p]), { nil: undefined, freq: 10 });
  return fc.oneof(
    fc.record(
      {
        kind: fc.constant('timer' as const),
        dryRun,
        maxIdleMinutes: minutesValue,
        maxDurationMinutes: minutesValue,
        extra,
      },
      { requiredKeys: ['kind'] },
    ),
    platform.chain((p) =>
      fc.record(
        {
          kind: fc.constant('http-sweep' as const),
          platform: fc.constant(p),
          appIds: idList(apps[p]),
          dryRun,
          extra,
          queryDryRun,
          queryExtra,
        },
        { requiredKeys: ['kind', 'platform'] },
      ),
    ),
    platform.chain((p) =>
      fc.record(
        {
          kind: fc.constant('http-abort' as const),
          platform: fc.constant(p),
          changeOrderIds: idList(orders[p]),
          appIds: idList(apps[p]),
          dryRun,
          extra,
          queryDryRun,
          queryExtra,
        },
        { requiredKeys: ['kind', 'platform'] },
      ),
    ),
    fc.record(
      {
        kind: fc.constant('sae-cms' as const),
        via: fc.constantFrom('callback' as const, 'eventbridge' as const),
        state: often<'ALERT' | 'OK'>('ALERT', fc.constant<'OK'>('OK'), 8),
        appId: ref('sae'),
        firedMinAgo: fired,
      },
      { requiredKeys: ['kind', 'via', 'state'] },
    ),
    fc.record(
      {
        kind: fc.constant('sae-event' as const),
        type: fc.constantFrom(
          'sae:ChangeOrder:SaeChangeOrderFailEvent',
          'sae:ChangeOrder:SaeChangeOrderFailEvent',
          'sae:ChangeOrder:SaeWaitBatchConfirmEvent',
          'sae:ChangeOrder:SaeK8sUnhealthyEvent',
          'sae:Runtime:SaeInstanceRestartEvent',
        ),
        resourceId: ref('sae'),
        subject: often<'same' | 'other' | 'none'>(
          'same',
          fc.constantFrom<'other' | 'none'>('other', 'none'),
          6,
        ),
        region: often<'same' | 'other'>('same', fc.constant<'other'>('other'), 10),
        namespace: often<'region' | 'named' | 'other' | 'bad'>(
          'region',
          fc.constantFrom<'named' | 'other' | 'bad'>('named', 'named', 'other', 'bad'),
          6,
        ),
        dataTime: often<'none' | 'same' | 'year-old'>(
          'none',
          fc.constantFrom<'same' | 'year-old'>('same', 'year-old'),
          6,
        ),
        firedMinAgo: fired,
      },
      { requiredKeys: ['kind', 'type', 'subject', 'region', 'namespace', 'dataTime'] },
    ),
    fc.record(
      {
        kind: fc.constant('edas-event' as const),
        eventType: often<'onFailure' | 'onTimeout' | 'onSuccess' | 'onStart'>(
          'onFailure',
          fc.constantFrom<'onTimeout' | 'onSuccess' | 'onStart'>(
            'onTimeout',
            'onSuccess',
            'onStart',
          ),
          4,
        ),
        appId: ref('edas'),
        order: often<'own' | 'foreign' | 'unknown' | 'bad' | 'absent'>(
          'own',
          fc.constantFrom<'foreign' | 'unknown' | 'bad' | 'absent'>(
            'foreign',
            'unknown',
            'bad',
            'absent',
            'absent',
          ),
          4,
        ),
        orderPick: fc.nat({ max: 3 }),
        objectId: often<'same' | 'other' | 'upper' | 'none'>(
          'same',
          fc.constantFrom<'other' | 'upper' | 'none'>('other', 'upper', 'none'),
          6,
        ),
        firedMinAgo: fired,
      },
      { requiredKeys: ['kind', 'eventType', 'order', 'orderPick', 'objectId'] },
    ),
  );
}

function order(p: PlatformName, apps: number) {
  return fc
    .record({
      platform: fc.constant(p),
      app: fc.nat({ max: apps - 1 }),
      status: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...STATUSES[p].common) },
        { weight: 1, arbitrary: fc.constantFrom(...STATUSES[p].rare) },
      ),
      statusWire,
      startedMinAgo: fc.constantFrom(2, 10, 29, 31, 45, 59, 61, 89, 91, 119, 121, 239, 241, 600),
      idleFraction: fc.constantFrom(0, 0.1, 0.5, 0.9, 1, 1),
      batchCount: fc.integer({ min: 1, max: 3 }),
      batchPick: fc.nat({ max: 2 }),
      coType: fc.constantFrom(...CO_TYPES),
      startWire: batchTimeWire,
      updateWire: batchTimeWire,
      appIdWire: p === 'sae' ? appIdWire : fc.constant<AppIdWire>('ok'),
      listAppIdWire: often<ListAppIdWire>(
        'ok',
        fc.constantFrom<ListAppIdWire>('absent', 'other'),
        12,
      ),
      // EDAS: sometimes listed under another application too (SAE's status reply names one
      // order per application: a foreign order there is its listing's own word).
      listedUnderPick:
        p === 'edas' ? fc.option(fc.nat({ max: 2 }), { freq: 5 }) : fc.constant(null),
      supportRollback: often(true, fc.constant(false), 6),
      flaw,
    })
    .map(({ idleFraction, batchPick, listedUnderPick, flaw: f, ...o }) => {
      const other = listedUnderPick === null ? undefined : listedUnderPick % apps;
      const shaped = {
        ...o,
        idleMin: Math.floor(o.startedMinAgo * idleFraction),
        currentBatch: 1 + (batchPick % o.batchCount),
        ...(other === undefined || other === o.app ? {} : { listedUnder: other }),
      };
      return { ...shaped, flaw: flawFits(f, shaped) ? f : ('none' as const) };
    });
}

/** A whole world: 1–3 applications and 0–4 change orders per platform, one request. */
export const platformWorldArb: fc.Arbitrary<PlatformWorld> = fc
  .record({ sae: fc.integer({ min: 1, max: 3 }), edas: fc.integer({ min: 1, max: 3 }) })
  .chain((apps) =>
    fc
      .record({
        sae: fc.array(order('sae', apps.sae), { maxLength: 4 }),
        edas: fc.array(order('edas', apps.edas), { maxLength: 4 }),
        enabled: fc.constantFrom<PlatformWorld['enabled']>(
          ['sae', 'edas'],
          ['webplus', 'sae', 'edas'],
          ['sae', 'edas'],
          ['webplus', 'sae'],
          ['edas'],
        ),
        killSwitch: fc.oneof(
          { weight: 9, arbitrary: fc.constant(false) },
          { weight: 1, arbitrary: fc.constant(true) },
        ),
        // 4 min and 4 min 50 s: within the 5 min trust tolerance, both clocks judge and the
        // smaller age is used (red-team 12 H2); 10 and 20 min: beyond the tolerance
        // (shared/webplus/server-clock.ts), the clock is unknown (red-team 12 F8)
        skewMs: fc.constantFrom(
          0,
          0,
          0,
          30_000,
          -30_000,
          4 * 60_000,
          -4 * 60_000,
          290_000,
          -290_000,
          10 * 60_000,
          20 * 60_000,
        ),
        logStore: fc.oneof(
          { weight: 9, arbitrary: fc.constant<'ok' | 'refuses'>('ok') },
          { weight: 1, arbitrary: fc.constant<'ok' | 'refuses'>('refuses') },
        ),
        policy: policy(apps),
      })
      .chain((w) =>
        request(apps, { sae: w.sae.length, edas: w.edas.length }).map((r) => ({
          apps,
          orders: [...w.sae.map((o, n) => ({ ...o, n })), ...w.edas.map((o, n) => ({ ...o, n }))],
          enabled: w.enabled,
          policy: w.policy,
          request: r,
          killSwitch: w.killSwitch,
          skewMs: w.skewMs,
          logStore: w.logStore,
        })),
      ),
  );

/** An order's start and last progress on the emulator's clock (`startedAtMs` = its start). */
export function orderInstants(
  o: WorldOrder,
  startedAtMs: number,
): { start: number; progress: number } {
  const start = startedAtMs - o.startedMinAgo * 60_000 - 20_000 - o.n * 100;
  const progress = Math.max(start, startedAtMs - o.idleMin * 60_000 - 20_000);
  return { start, progress };
}

/** The value of an id reference as the request carries it. */
export function pidValue(ref: PIdRef, make: (n: number) => string): string {
  if ('known' in ref) return make(ref.known);
  if ('unknown' in ref) return make(ref.unknown);
  return ref.bad;
}
