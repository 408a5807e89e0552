/**
 * Worlds for the fail-closed property test: environments, changes (with missing and malformed
 * wire fields), a policy, one request or alarm, the kill switch and Web+'s clock skew. Plain
 * data plus fast-check arbitraries; nothing here imports the code under test (shared/).
 */
import fc from 'fast-check';

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
/** Well-formed Web+ ids: `wa-`/`we-`/`wc-` + 24 lower-case hex digits. */
export const ids = {
  app: (n: number): string => `wa-5d39b8ba6786bd4b1496${hex4(n)}`,
  env: (n: number): string => `we-5d39b8ba6786bd4b1495${hex4(n)}`,
  change: (n: number): string => `wc-5d3a963d5802611c4ddc${hex4(n)}`,
};

export type Mode = 'off' | 'dry-run' | 'enforce';
export type Phase = 'running' | 'paused' | 'aborting' | 'aborted' | 'succeeded' | 'failed';
/** How a time field goes on the wire: `ok` = the number, `digits` = the same as a digit string. */
export type WireTime =
  | 'ok'
  | 'digits'
  | 'absent'
  | 'null'
  | 'empty'
  | 'iso'
  | 'seconds'
  | 'zero'
  | 'float'
  | 'negative'
  | 'object'
  | 'spaced';
/**
 * A flag on the wire: `ok` = the real boolean; the rest are malformed (never a lying boolean);
 * `text` is the string that would read as the dangerous value (`"false"` for ChangeFinished,
 * `"true"` for ApplyingChange, ...): a JSON boolean only is a boolean.
 */
export type WireFlag = 'ok' | 'absent' | 'null' | 'yes' | 'one' | 'object' | 'text';
/** An id on the wire: `ok`, or malformed (never another valid id: that would be Web+ lying). */
export type WireId = 'ok' | 'absent' | 'empty' | 'upper' | 'garbage';
/**
 * A listing item's own AppId on the wire: a {@link WireId}, or `other`: another well-formed
 * AppId than the application it is listed under (red-team 25 G3: the item contradicts its
 * listing).
 */
export type WireAppId = WireId | 'other';

export interface WorldChange {
  n: number;
  env: number;
  /** minutes (plus 20 s and n × 100 ms) before the sandbox clock at seeding */
  createdMinAgo: number;
  /** minutes (plus 20 s) without progress; at most createdMinAgo */
  idleMin: number;
  phase: Phase;
  action: string;
  createTime: WireTime;
  updateTime: WireTime;
  finished: WireFlag;
  aborted: WireFlag;
  paused: WireFlag;
  envId: WireId;
  /**
   * Readable times that cannot both be true (sent only when both times are `ok`):
   * `create-after-update` (CreateTime 5 min after UpdateTime), `future-update` (UpdateTime
   * 10 min after Web+'s now), `future-create` (both 10 and 11 min ahead). Absent: consistent.
   */
  clash?: 'create-after-update' | 'future-update' | 'future-create';
  /**
   * `ChangeTimedout: true` on the wire (red-team 25 G2). Beside an unfinished change it is not a
   * state the policy judged (the docs say nothing of a timed-out change still running).
   */
  timedOut?: boolean;
  /**
   * DescribeChange answers this change in an envelope that is not the documented one (red-team
   * 25 G16): `message` (Message "Change does not exist." beside Code "OK"), `no-request-id`,
   * `extra-name` (an EnvChange naming another change beside Change), `code-200` (Code "200"),
   * `success` (Success true), `host-id` (a HostId of another region). Absent: documented.
   */
  envelope?: Envelope;
}

/** The undocumented DescribeChange envelopes a world may give a change (WorldChange.envelope). */
export const ENVELOPES = [
  'message',
  'no-request-id',
  'extra-name',
  'code-200',
  'success',
  'host-id',
] as const;
export type Envelope = (typeof ENVELOPES)[number];

export interface WorldEnv {
  n: number;
  app: number;
  terminated: boolean;
  appId: WireAppId;
  /** `ApplyingChange` / `AbortingChange` on the wire (absent in older worlds: `ok`) */
  applying?: WireFlag;
  aborting?: WireFlag;
  /**
   * `EnvStatus` on the wire of an environment that is not terminated (absent: `RUNNING`).
   * Documented live: `RUNNING`, `INITIALIZING`; documented, not live: `TERMINATING`,
   * `ABNORMAL`; undocumented: `STOPPED`, `running`; malformed: `absent`, `blank`, `number`
   * (red-team 25 G1).
   */
  status?: WireEnvStatus;
}

/** An environment's `EnvStatus` as a world serves it (see `WorldEnv.status`). */
export type WireEnvStatus =
  | 'RUNNING'
  | 'INITIALIZING'
  | 'TERMINATING'
  | 'ABNORMAL'
  | 'STOPPED'
  | 'running'
  | 'absent'
  | 'blank'
  | 'number';

export interface AlarmRuleSpec {
  match: { ruleId?: string; dimensions?: Record<string, string> };
  envs: number[];
}

export type WorldPolicy =
  | { kind: 'defaults' }
  /** A policy text that states no mode (`{}`, `defaults: {}`): refused at cold start. */
  | { kind: 'modeless'; text: string }
  | { kind: 'nothing'; text: string }
  | {
      kind: 'given';
      form: 'json' | 'yaml';
      defaultsMode?: Mode;
      maxIdleMinutes?: number;
      maxDurationMinutes?: number;
      includePaused?: boolean;
      actions?: string[];
      envs: { env: number; mode?: Mode; maxIdleMinutes?: number; includePaused?: boolean }[];
      protectEnvs: number[];
      protectApps: number[];
      sweepApps?: number[];
      cap?: number;
      alarmMaxAgeMinutes?: number;
      alarms: AlarmRuleSpec[];
    };

/** An id named by a request: a known one (index), a well-formed unknown one, or garbage. */
export type IdRef = { known: number } | { unknown: number } | { bad: string };

/** A `dryRun` value as a caller might write it; `undefined` = key absent. */
export type DryRunValue = boolean | 'true' | 'false' | 'TRUE' | 'yes' | 1 | null;

/** Keys a payload or body may smuggle in (all unknown to the function). */
export const EXTRA_KEYS = [
  'DryRun',
  'dry_run',
  'dryrun',
  'dry-run',
  'envIDs',
  'changeID',
  'force',
  'mode',
  '__proto__',
] as const;

/** Keys a hand-made timer event may carry beside triggerTime, triggerName, payload. */
export const TIMER_EVENT_EXTRA = ['dryRun', 'DryRun', 'Payload', 'note', 'zz', 'force'] as const;

export interface ScopeSpec {
  envIds?: IdRef[];
  appIds?: IdRef[];
  dryRun?: DryRunValue;
  maxIdleMinutes?: number | string;
  maxDurationMinutes?: number | string;
  extra?: [string, unknown];
}

export type WorldRequest =
  | {
      kind: 'timer';
      payload: ScopeSpec | 'empty' | 'not-json';
      /**
       * The event itself said more than FC sends: a key beside its three (`extra`, one of
       * {@link TIMER_EVENT_EXTRA}), or `payload` given twice (first '', then the payload).
       */
      outer?: { extra: string } | 'repeat-payload';
    }
  | { kind: 'http-sweep'; body: ScopeSpec | 'empty'; queryDryRun?: string; queryExtra?: string }
  | {
      kind: 'http-abort';
      changeIds?: IdRef[];
      envIds?: IdRef[];
      dryRun?: DryRunValue;
      extra?: [string, unknown];
      queryDryRun?: string;
      queryExtra?: string;
    }
  | {
      kind: 'alarm';
      via: 'callback' | 'eventbridge' | 'rule-push';
      state: 'ALERT' | 'ALARM' | 'OK' | 'INSUFFICIENT_DATA' | 'alert' | 'Alarm';
      ruleId: string;
      changeId?: IdRef;
      envId?: IdRef;
      app?: string;
      /** minutes (plus 10 s) before the real clock; negative = in the future; undefined = no time */
      firedMinAgo?: number;
      /**
       * The alarm's second time: the EventBridge envelope's `time`, a rule push's `time` (the
       * first is `data.timestamp` / `metricData.timestamp`); minutes ago like `firedMinAgo`,
       * `bad` = unreadable; undefined = not sent. The callback carries only one.
       */
      outerMinAgo?: number | 'bad';
      /** The first time is sent unreadable (`soon`). */
      timeBad?: boolean;
      /** How the changeId dimension key is spelt. */
      changeKey?: 'changeId' | 'ChangeId' | 'CHANGE_ID' | 'change-id';
      /** A dimension given a second time, with the same or a different value. */
      dupe?: { key: 'changeId' | 'envId' | 'app'; same: boolean };
      /** A top-level key added to the callback fields, EventBridge data or rule push. */
      extraKey?: string;
      /** A field repeated with a different value (form field, or a JSON name of a rule push). */
      repeat?: 'timestamp' | 'alertState' | 'triggerLevel';
      /** The callback's `triggerLevel` (absent: not sent). */
      triggerLevel?: 'CRITICAL' | 'OK' | 'critical';
    };

export interface World {
  apps: number;
  envs: WorldEnv[];
  changes: WorldChange[];
  policy: WorldPolicy;
  request: WorldRequest;
  killSwitch: boolean;
  /** Web+'s clock minus the real one, ms */
  skewMs: number;
  /**
   * The outcome log: `ok` stores every record; `refuses` fails every write (an SLS outage, an
   * unwritable file), so no record reaches the store and every one goes to the fallback
   * (red-team 25 G15: no abort may be sent before its intent record is stored).
   */
  logStore: 'ok' | 'refuses';
  /**
   * WEBPLUS_REGIONS also lists cn-shanghai, whose every Web+ read fails (503 beyond the
   * retries): which region holds a change is then unknown (red-team 25 G6). Absent: one region.
   */
  failingRegion?: boolean;
}

/** The second region of a world with `failingRegion`. */
export const FAILING_REGION = 'cn-shanghai';

const MODES: Mode[] = ['off', 'dry-run', 'enforce'];
const ACTIONS = ['Apply', 'RestartApp', 'StopApp'];
export const RULE_IDS = ['rule-a', 'rule-b'];

const often = <T>(ok: T, arb: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ weight: 14, arbitrary: fc.constant(ok) }, { weight: 1, arbitrary: arb });

const wireTime = often<WireTime>(
  'ok',
  fc.constantFrom<WireTime>(
    'digits',
    'absent',
    'null',
    'empty',
    'iso',
    'seconds',
    'zero',
    'float',
    'negative',
    'object',
    'spaced',
  ),
);
const wireFlag = fc.oneof(
  { weight: 30, arbitrary: fc.constant<WireFlag>('ok') },
  {
    weight: 1,
    arbitrary: fc.constantFrom<WireFlag>('absent', 'null', 'yes', 'one', 'object', 'text', 'text'),
  },
);
const envFlag = fc.oneof(
  { weight: 80, arbitrary: fc.constant<WireFlag>('ok') },
  { weight: 1, arbitrary: fc.constantFrom<WireFlag>('text', 'absent', 'null', 'one') },
);

/** Top-level keys an alarm may smuggle in (documented ones, control words, other spellings). */
export const ALARM_EXTRA_KEYS = [
  'DryRun',
  'dry_run',
  'dryrun',
  'dry-run',
  'force',
  'mode',
  'Timestamp',
  'AlertState',
  'curValue',
  'customField',
  'changeID',
  '__proto__',
] as const;
const wireId = often<WireId>('ok', fc.constantFrom<WireId>('absent', 'empty', 'upper', 'garbage'));
const wireAppId = often<WireAppId>(
  'ok',
  fc.constantFrom<WireAppId>('absent', 'empty', 'upper', 'garbage', 'other', 'other'),
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
      fc.constantFrom<string>(...EXTRA_KEYS),
      fc.constantFrom<unknown>(true, 'true', false, 1, null),
    ),
  },
);

function idRef(known: number): fc.Arbitrary<IdRef> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.nat({ max: Math.max(0, known - 1) }).map((n) => ({ known: n })) },
    { weight: 1, arbitrary: fc.constant({ unknown: 0xfff0 }) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('', ' ', 'wc-x&ChangeId=wc-other', 'WE-5D39', 'null', '*')
        .map((bad) => ({ bad })),
    },
  );
}

const idList = (known: number) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constant(undefined) },
    { weight: 6, arbitrary: fc.array(idRef(known), { minLength: 1, maxLength: 3 }) },
    // A valid id with one bad element beside it (`[E1, " "]`, `[E1, "we-zz"]`).
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.nat({ max: Math.max(0, known - 1) }),
          fc.constantFrom('', ' ', 'we-zz', 'wa-', 'x'),
          fc.boolean(),
        )
        .map(([n, bad, first]) =>
          first ? [{ bad }, { known: n }] : ([{ known: n }, { bad }] as IdRef[]),
        ),
    },
    { weight: 1, arbitrary: fc.constant([] as IdRef[]) },
  );

const minutesValue = fc.oneof(
  { weight: 10, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: fc.constantFrom<number | string>(5, 30, 60, 240) },
  { weight: 1, arbitrary: fc.constantFrom<number | string>(0, -5, 2.5, '30', '$' + '{idle}') },
);

function scope(envs: number, apps: number): fc.Arbitrary<ScopeSpec> {
  return fc.record(
    {
      envIds: idList(envs),
      appIds: idList(apps),
      dryRun,
      maxIdleMinutes: minutesValue,
      maxDurationMinutes: minutesValue,
      extra,
    },
    { requiredKeys: [] },
  );
}

const queryDryRun = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('true', 'false', '', 'yes') },
);
const queryExtra = fc.oneof(
  { weight: 8, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('dry-run', 'DryRun', 'dry_run', 'force') },
);

function request(envs: number, apps: number, changes: number): fc.Arbitrary<WorldRequest> {
  return fc.oneof(
    fc.record(
      {
        kind: fc.constant('timer' as const),
        payload: fc.oneof(
          { weight: 1, arbitrary: fc.constantFrom('empty' as const, 'not-json' as const) },
          { weight: 4, arbitrary: scope(envs, apps) },
        ),
        outer: fc.oneof(
          { weight: 12, arbitrary: fc.constant(undefined) },
          {
            weight: 1,
            arbitrary: fc.oneof(
              fc.constantFrom(...TIMER_EVENT_EXTRA).map((extra) => ({ extra })),
              fc.constant('repeat-payload' as const),
            ),
          },
        ),
      },
      { requiredKeys: ['kind', 'payload'] },
    ),
    fc.record(
      {
        kind: fc.constant('http-sweep' as const),
        body: fc.oneof(
          { weight: 1, arbitrary: fc.constant('empty' as const) },
          { weight: 4, arbitrary: scope(envs, apps) },
        ),
        queryDryRun,
        queryExtra,
      },
      { requiredKeys: ['kind', 'body'] },
    ),
    fc.record(
      {
        kind: fc.constant('http-abort' as const),
        changeIds: idList(changes),
        envIds: idList(envs),
        dryRun,
        extra,
        queryDryRun,
        queryExtra,
      },
      { requiredKeys: ['kind'] },
    ),
    {
      // Alarms carry the most kinds of malformed input: they get more of the worlds.
      weight: 3,
      arbitrary: fc.record(
        {
          kind: fc.constant('alarm' as const),
          via: fc.constantFrom('callback' as const, 'eventbridge' as const, 'rule-push' as const),
          state: fc.oneof(
            { weight: 10, arbitrary: fc.constantFrom('ALERT' as const, 'ALARM' as const) },
            { weight: 2, arbitrary: fc.constantFrom('OK' as const, 'INSUFFICIENT_DATA' as const) },
            { weight: 1, arbitrary: fc.constantFrom('alert' as const, 'Alarm' as const) },
          ),
          ruleId: fc.constantFrom(...RULE_IDS),
          changeId: fc.option(idRef(changes), { nil: undefined }),
          envId: fc.option(idRef(envs), { nil: undefined }),
          app: fc.option(fc.constantFrom('shop', 'billing'), { nil: undefined }),
          firedMinAgo: fc.option(fc.constantFrom(0, 1, 3, 10, 14, 16, 30, 120, -3), {
            nil: undefined,
            freq: 6,
          }),
          outerMinAgo: fc.oneof(
            { weight: 6, arbitrary: fc.constant(undefined) },
            { weight: 3, arbitrary: fc.constantFrom<number | 'bad'>(0, 1, 3, 10, 16, 30, -3) },
            { weight: 1, arbitrary: fc.constant<'bad'>('bad') },
          ),
          timeBad: fc.oneof(
            { weight: 15, arbitrary: fc.constant(false) },
            { weight: 1, arbitrary: fc.constant(true) },
          ),
          changeKey: fc.oneof(
            { weight: 8, arbitrary: fc.constant('changeId' as const) },
            { weight: 1, arbitrary: fc.constantFrom('ChangeId', 'CHANGE_ID', 'change-id') },
          ),
          dupe: fc.oneof(
            { weight: 10, arbitrary: fc.constant(undefined) },
            {
              weight: 1,
              arbitrary: fc.record({
                key: fc.constantFrom('changeId' as const, 'envId' as const, 'app' as const),
                same: fc.boolean(),
              }),
            },
          ),
          extraKey: fc.oneof(
            { weight: 10, arbitrary: fc.constant(undefined) },
            { weight: 1, arbitrary: fc.constantFrom<string>(...ALARM_EXTRA_KEYS) },
          ),
          repeat: fc.oneof(
            { weight: 15, arbitrary: fc.constant(undefined) },
            { weight: 1, arbitrary: fc.constantFrom('timestamp', 'alertState', 'triggerLevel') },
          ),
          triggerLevel: fc.oneof(
            { weight: 6, arbitrary: fc.constant(undefined) },
            { weight: 6, arbitrary: fc.constant('CRITICAL' as const) },
            { weight: 1, arbitrary: fc.constantFrom('OK' as const, 'critical' as const) },
          ),
        },
        {
          requiredKeys: [
            'kind',
            'via',
            'state',
            'ruleId',
            'timeBad',
            'changeKey',
            'dupe',
            'extraKey',
            'repeat',
            'triggerLevel',
            'outerMinAgo',
          ],
        },
      ),
    },
  );
}

function policy(envs: number, apps: number): fc.Arbitrary<WorldPolicy> {
  const envIdx = fc.nat({ max: envs - 1 });
  const appIdx = fc.nat({ max: apps - 1 });
  const given = fc.record(
    {
      kind: fc.constant('given' as const),
      form: fc.constantFrom('json' as const, 'yaml' as const),
      // A policy that states no mode is refused at cold start (it never means enforce).
      defaultsMode: fc.oneof(
        { weight: 1, arbitrary: fc.constant(undefined) },
        { weight: 5, arbitrary: fc.constant<Mode>('enforce') },
        { weight: 1, arbitrary: fc.constantFrom<Mode>('off', 'dry-run') },
      ),
      maxIdleMinutes: fc.option(fc.constantFrom(5, 30, 60), { nil: undefined }),
      maxDurationMinutes: fc.option(fc.constantFrom(60, 240), { nil: undefined }),
      includePaused: fc.option(fc.boolean(), { nil: undefined }),
      actions: fc.oneof(
        { weight: 4, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.subarray(ACTIONS, { minLength: 1 }) },
      ),
      envs: fc.uniqueArray(
        fc.record(
          {
            env: envIdx,
            mode: fc.constantFrom<Mode>('enforce', 'enforce', ...MODES),
            maxIdleMinutes: fc.constantFrom(5, 60),
            includePaused: fc.boolean(),
          },
          { requiredKeys: ['env'] },
        ),
        { maxLength: 3, selector: (e) => e.env },
      ),
      protectEnvs: fc.oneof(
        { weight: 3, arbitrary: fc.constant([] as number[]) },
        { weight: 1, arbitrary: envIdx.map((e) => [e]) },
      ),
      protectApps: fc.oneof(
        { weight: 3, arbitrary: fc.constant([] as number[]) },
        { weight: 1, arbitrary: appIdx.map((a) => [a]) },
      ),
      sweepApps: fc.option(fc.uniqueArray(appIdx, { minLength: 1, maxLength: 2 }), {
        nil: undefined,
        freq: 4,
      }),
      cap: fc.option(fc.constantFrom(0, 1, 2, 20), { nil: undefined }),
      alarmMaxAgeMinutes: fc.option(fc.constantFrom(5, 15, 60), { nil: undefined }),
      alarms: fc.array(
        fc.record({
          match: fc.oneof(
            { weight: 3, arbitrary: fc.constantFrom(...RULE_IDS).map((ruleId) => ({ ruleId })) },
            {
              weight: 2,
              arbitrary: fc.constantFrom('shop', 'billing').map((app) => ({ dimensions: { app } })),
            },
            { weight: 1, arbitrary: fc.constantFrom({}, { dimensions: {} }) },
            { weight: 6, arbitrary: fc.constant({ ruleId: RULE_IDS[0] }) },
          ),
          envs: fc.uniqueArray(envIdx, { minLength: 1, maxLength: 2 }),
        }),
        { maxLength: 2 },
      ),
    },
    {
      requiredKeys: ['kind', 'form', 'envs', 'protectEnvs', 'protectApps', 'alarms'],
    },
  );
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant({ kind: 'defaults' as const }) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('', '   ', '\n', '# nothing but a comment\n', 'null', '~', '---\n')
        .map((text) => ({ kind: 'nothing' as const, text })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('{}', 'defaults: {}', '{"defaults":{"maxIdleMinutes":5}}', 'protect: {}')
        .map((text) => ({ kind: 'modeless' as const, text })),
    },
    { weight: 24, arbitrary: given },
  );
}

/** A whole world: 1–2 applications, 1–5 environments, 0–6 changes, one request. */
export const worldArb: fc.Arbitrary<World> = fc
  .record({ apps: fc.integer({ min: 1, max: 2 }), envCount: fc.integer({ min: 1, max: 5 }) })
  .chain(({ apps, envCount }) =>
    fc
      .record({
        envs: fc.tuple(
          ...Array.from({ length: envCount }, (_, n) =>
            fc.record({
              n: fc.constant(n),
              app: fc.nat({ max: apps - 1 }),
              terminated: fc.boolean().map((b) => b && n % 4 === 3),
              appId: wireAppId,
              applying: envFlag,
              aborting: envFlag,
              status: fc.oneof(
                { weight: 40, arbitrary: fc.constant<WireEnvStatus>('RUNNING') },
                { weight: 4, arbitrary: fc.constant<WireEnvStatus>('INITIALIZING') },
                {
                  weight: 3,
                  arbitrary: fc.constantFrom<WireEnvStatus>(
                    'TERMINATING',
                    'ABNORMAL',
                    'STOPPED',
                    'running',
                    'absent',
                    'blank',
                    'number',
                  ),
                },
              ),
            }),
          ),
        ),
        changes: fc.array(
          fc
            .record(
              {
                env: fc.nat({ max: envCount - 1 }),
                createdMinAgo: fc.constantFrom(
                  2,
                  10,
                  29,
                  30,
                  31,
                  45,
                  59,
                  61,
                  120,
                  239,
                  241,
                  600,
                  900,
                ),
                idleFraction: fc.constantFrom(0, 0.1, 0.5, 0.9, 1, 1),
                phase: fc.oneof(
                  { weight: 10, arbitrary: fc.constant<Phase>('running') },
                  {
                    weight: 1,
                    arbitrary: fc.constantFrom<Phase>(
                      'paused',
                      'aborting',
                      'aborted',
                      'succeeded',
                      'failed',
                    ),
                  },
                ),
                action: fc.constantFrom(...ACTIONS),
                createTime: wireTime,
                updateTime: wireTime,
                finished: wireFlag,
                aborted: wireFlag,
                paused: wireFlag,
                envId: wireId,
                timedOut: fc.oneof(
                  { weight: 20, arbitrary: fc.constant(undefined) },
                  { weight: 1, arbitrary: fc.constant(true) },
                ),
                envelope: fc.oneof(
                  { weight: 20, arbitrary: fc.constant(undefined) },
                  { weight: 1, arbitrary: fc.constantFrom(...ENVELOPES) },
                ),
                clash: fc.oneof(
                  { weight: 20, arbitrary: fc.constant(undefined) },
                  {
                    weight: 1,
                    arbitrary: fc.constantFrom(
                      'create-after-update' as const,
                      'future-update' as const,
                      'future-create' as const,
                    ),
                  },
                ),
              },
              {
                requiredKeys: [
                  'env',
                  'createdMinAgo',
                  'idleFraction',
                  'phase',
                  'action',
                  'createTime',
                  'updateTime',
                  'finished',
                  'aborted',
                  'paused',
                  'envId',
                ],
              },
            )
            .map(({ idleFraction, ...c }) => ({
              ...c,
              idleMin: Math.floor(c.createdMinAgo * idleFraction),
            })),
          { minLength: 1, maxLength: 6 },
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
        failingRegion: fc.oneof(
          { weight: 12, arbitrary: fc.constant(false) },
          { weight: 1, arbitrary: fc.constant(true) },
        ),
      })
      .chain((w) =>
        fc
          .record({
            policy: policy(envCount, apps),
            request: request(envCount, apps, w.changes.length),
          })
          .map(({ policy: p, request: r }) => ({
            apps,
            envs: w.envs,
            changes: w.changes.map((c, n) => ({ ...c, n })),
            killSwitch: w.killSwitch,
            skewMs: w.skewMs,
            logStore: w.logStore,
            ...(w.failingRegion ? { failingRegion: true } : {}),
            policy: p,
            request: r,
          })),
      ),
  );

/** The change's real times on the sandbox clock, from `serverNowMs` at seeding. */
export function changeTimes(
  c: WorldChange,
  serverNowMs: number,
): { create: number; update: number } {
  const create = serverNowMs - c.createdMinAgo * 60_000 - 20_000 - c.n * 100;
  const update = Math.max(create, serverNowMs - c.idleMin * 60_000 - 20_000);
  return { create, update };
}

/** When the alarm fired on the real clock, from `realNowMs` at seeding, or undefined. */
export function alarmTime(r: WorldRequest, realNowMs: number): number | undefined {
  if (r.kind !== 'alarm' || r.firedMinAgo === undefined) return undefined;
  return realNowMs - r.firedMinAgo * 60_000 - 10_000;
}

/** The alarm's second time on the real clock (see `outerMinAgo`), or undefined / `bad`. */
export function outerTime(r: WorldRequest, realNowMs: number): number | 'bad' | undefined {
  if (r.kind !== 'alarm' || r.outerMinAgo === undefined || r.via === 'callback') return undefined;
  if (r.outerMinAgo === 'bad') return 'bad';
  return realNowMs - r.outerMinAgo * 60_000 - 10_000;
}

/** The value of an `IdRef` as the request carries it. */
export function idValue(ref: IdRef, make: (n: number) => string): string {
  if ('known' in ref) return make(ref.known);
  if ('unknown' in ref) return make(ref.unknown);
  return ref.bad;
}
