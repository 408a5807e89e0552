/**
 * The sandbox scenario: what the emulated Web+ account holds and how it misbehaves.
 *
 * Format: docs/reference/scenario.md. Only `apps`, `envs` and `changes` are required
 * (they may be empty); the optional `sae` and `edas` sections (sandbox/sae/scenario.ts,
 * sandbox/edas/scenario.ts) hold the SAE and EDAS accounts of the same credentials.
 * Times are either relative to the moment the sandbox starts (`startedMinutesAgo`, `idleMinutes`,
 * in minutes) or absolute (`CreateTime`, `UpdateTime`, epoch ms); the server resolves them at start.
 * Unknown keys are rejected so that a typo fails loudly instead of being ignored.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { edasSectionSchema } from '../edas/scenario.js';
import { saeSectionSchema } from '../sae/scenario.js';
import { ScenarioError } from './errors.js';
import { faultResponseSchema } from './fault-response.js';

/** Names of the Web+ actions the sandbox serves (Web+ API 2019-03-20, ROA). */
export const ACTIONS = [
  'AbortChange',
  'DescribeChange',
  'DescribeChanges',
  'DescribeAppEnvs',
  'DescribeAppEnvStatus',
  'DescribeApplications',
] as const;
export type ActionName = (typeof ACTIONS)[number];

const nonEmpty = z.string().min(1);
const minutes = z.number().nonnegative();
const epochMs = z.number().int().nonnegative();

/** Fields of a change on the wire (DescribeChange / DescribeChanges) that `wire` may replace. */
export const CHANGE_WIRE_FIELDS = [
  'ChangeId',
  'EnvId',
  'ChangeName',
  'ActionName',
  'ChangeFinished',
  'ChangeSucceed',
  'ChangeAborted',
  'ChangePaused',
  'ChangeTimedout',
  'CreateTime',
  'UpdateTime',
  'FinishTime',
] as const;

/** Fields of an environment on the wire (DescribeAppEnvs, DescribeAppEnvStatus) that `wire` may replace. */
export const ENV_WIRE_FIELDS = [
  'EnvId',
  'AppId',
  'EnvName',
  'EnvStatus',
  'ApplyingChange',
  'AbortingChange',
  'LatestChangeId',
] as const;

/**
 * `wire`: values put on the wire in place of the computed ones, any JSON (a string time, null, an
 * object), to serve malformed replies; `wireOmit`: fields left out. The sandbox's own lifecycle
 * (phases, LatestChangeId, ordering) still runs on the scenario's real values.
 */
const wireOverrides = <const T extends readonly [string, ...string[]]>(fields: T) => ({
  wire: z.partialRecord(z.enum(fields), z.unknown()).optional(),
  wireOmit: z.array(z.enum(fields)).optional(),
});

const credentialSchema = z.strictObject({
  accessKeyId: nonEmpty,
  accessKeySecret: nonEmpty,
  securityToken: nonEmpty.optional(),
});

const regionId = z
  .string()
  .regex(/^[a-z]{2,}(?:-[a-z0-9]+)+$/, 'must be a region id such as cn-hangzhou');

const appSchema = z.strictObject({
  AppId: nonEmpty,
  AppName: nonEmpty,
  Description: z.string().optional(),
  /** the region the application (and its environments and changes) lives in; default the scenario's `regionId` */
  RegionId: regionId.optional(),
});

const envSchema = z.strictObject({
  EnvId: nonEmpty,
  AppId: nonEmpty,
  EnvName: nonEmpty,
  /** RUNNING, INITIALIZING, TERMINATED, ABNORMAL, ... (Web+ DescribeAppEnvStatus) */
  EnvStatus: nonEmpty.default('RUNNING'),
  EnvDescription: z.string().optional(),
  ...wireOverrides(ENV_WIRE_FIELDS),
});

const changeSchema = z
  .strictObject({
    ChangeId: nonEmpty,
    EnvId: nonEmpty,
    ActionName: nonEmpty.default('Apply'),
    ChangeName: nonEmpty.optional(),
    ChangeDescription: z.string().optional(),
    CreateUsername: z.string().optional(),
    /** minutes before sandbox start that the change was created (ignored when CreateTime is set) */
    startedMinutesAgo: minutes.optional(),
    /** minutes before sandbox start of its last progress (ignored when UpdateTime is set) */
    idleMinutes: minutes.optional(),
    /** absolute creation time, epoch ms */
    CreateTime: epochMs.optional(),
    /** absolute time of the last progress, epoch ms */
    UpdateTime: epochMs.optional(),
    finished: z.boolean().default(false),
    succeed: z.boolean().default(false),
    paused: z.boolean().default(false),
    /** an abort is in progress at sandbox start; it completes abortStepSeconds after start */
    aborting: z.boolean().default(false),
    /** already aborted (implies finished, not succeed) */
    aborted: z.boolean().default(false),
    timedout: z.boolean().default(false),
    /** seconds from AbortChange to aborted; null = the abort never completes (stays aborting) */
    abortStepSeconds: z.number().nonnegative().nullable().default(5),
    /** the change belongs to another account: DescribeChange 403, AbortChange 500 ResourceAuthFailed */
    foreign: z.boolean().default(false),
    /**
     * top-level names of this change's DescribeChange success replies, set after `Code`,
     * `Message` and `RequestId` (null removes one): an envelope that is not the documented one
     */
    envelope: z.record(z.string(), z.unknown()).optional(),
    ...wireOverrides(CHANGE_WIRE_FIELDS),
  })
  .superRefine((c, ctx) => {
    const bad = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (c.aborted && c.succeed) bad('aborted', 'a change cannot be both aborted and succeed');
    if (c.succeed && !c.finished) bad('succeed', 'succeed requires finished: true');
    if (c.aborting && (c.finished || c.aborted))
      bad('aborting', 'an aborting change cannot be finished or aborted');
    if (c.paused && (c.finished || c.aborted))
      bad('paused', 'a paused change cannot be finished or aborted');
    if (
      c.startedMinutesAgo !== undefined &&
      c.idleMinutes !== undefined &&
      c.idleMinutes > c.startedMinutesAgo
    )
      bad('idleMinutes', 'idleMinutes cannot exceed startedMinutesAgo (progress before creation)');
    if (c.CreateTime !== undefined && c.UpdateTime !== undefined && c.UpdateTime < c.CreateTime)
      bad('UpdateTime', 'UpdateTime cannot be before CreateTime');
  });

const faultSchema = z.strictObject({
  action: z.enum(ACTIONS),
  changeId: nonEmpty.optional(),
  envId: nonEmpty.optional(),
  /** matches only requests whose `x-acs-region-id` header is this region */
  regionId: nonEmpty.optional(),
  responses: z.array(faultResponseSchema).min(1),
});

const randomFaultsSchema = z
  .strictObject({
    /** probability per request of a transient fault (503, HTML 502, Throttling.User, reset) */
    transient: z.number().min(0).max(1).default(0),
    /** probability per request of a permanent ResourceAuthFailed */
    permanent: z.number().min(0).max(1).default(0),
    seed: z.number().int().default(1),
  })
  .refine((r) => r.transient + r.permanent <= 1, {
    message: 'transient + permanent must not exceed 1',
  });

const positiveOrNull = z.number().positive().nullable().default(null);

/** A sandbox scenario (strict: unknown keys refused, each error naming its field path); contract: docs/reference/scenario.md. */
export const scenarioSchema = z
  .strictObject({
    description: z.string().optional(),
    credentials: z
      .array(credentialSchema)
      .min(1)
      .default(() => [{ accessKeyId: 'sandbox-ak', accessKeySecret: 'sandbox-secret' }]),
    apps: z.array(appSchema),
    envs: z.array(envSchema),
    changes: z.array(changeSchema),
    /** the SAE account of the same credentials (served by the SAE emulator, sandbox/sae/) */
    sae: saeSectionSchema.optional(),
    /** the EDAS account of the same credentials (served by the EDAS emulator, sandbox/edas/) */
    edas: edasSectionSchema.optional(),
    /** delay added to every answer, ms */
    latencyMs: z.number().int().nonnegative().default(0),
    /** requests per second over all actions (token bucket, burst = limit); null = unlimited */
    qpsLimit: positiveOrNull,
    /** requests answered at once; null = unlimited */
    maxInFlight: z.number().int().positive().nullable().default(null),
    pageSizeMax: z.number().int().positive().default(100),
    /** the sandbox's clock runs this many ms ahead of the real one (negative: behind), ms */
    clockSkewMs: z.number().int().default(0),
    /** send a `Date` header (the sandbox's clock) with every reply; false leaves it out */
    dateHeader: z.boolean().default(true),
    /**
     * `effective` (default): list replies echo the page size used; `asked`: they echo the size
     * asked for even when cut to pageSizeMax (a server that caps silently)
     */
    pageSizeEcho: z.enum(['effective', 'asked']).default('effective'),
    /** region of every app that names none (the region a request sees: `x-acs-region-id`) */
    regionId: regionId.default('cn-hangzhou'),
    /**
     * refuse what the Web+ docs mark required but a request lacks, and a missing or unknown
     * `x-acs-region-id` (strict.ts); the test harness turns it on
     */
    strict: z.boolean().default(false),
    /** play a retired Web+: every request answers 404 InvalidApi.NotFound, as the API gateway does */
    retired: z.boolean().default(false),
    randomFaults: randomFaultsSchema.optional(),
    faults: z.array(faultSchema).default([]),
  })
  .superRefine((s, ctx) => {
    const dup = (list: string, field: string, ids: string[]) => {
      const seen = new Set<string>();
      ids.forEach((id, i) => {
        if (seen.has(id))
          ctx.addIssue({ code: 'custom', path: [list, i, field], message: `duplicate ${id}` });
        seen.add(id);
      });
    };
    dup(
      'credentials',
      'accessKeyId',
      s.credentials.map((c) => c.accessKeyId),
    );
    dup(
      'apps',
      'AppId',
      s.apps.map((a) => a.AppId),
    );
    dup(
      'envs',
      'EnvId',
      s.envs.map((e) => e.EnvId),
    );
    dup(
      'changes',
      'ChangeId',
      s.changes.map((c) => c.ChangeId),
    );
    const appIds = new Set(s.apps.map((a) => a.AppId));
    s.envs.forEach((e, i) => {
      if (!appIds.has(e.AppId))
        ctx.addIssue({
          code: 'custom',
          path: ['envs', i, 'AppId'],
          message: `unknown AppId ${e.AppId}`,
        });
    });
    const envIds = new Set(s.envs.map((e) => e.EnvId));
    s.changes.forEach((c, i) => {
      if (!c.foreign && !envIds.has(c.EnvId))
        ctx.addIssue({
          code: 'custom',
          path: ['changes', i, 'EnvId'],
          message: `unknown EnvId ${c.EnvId} (only foreign changes may name an env outside the scenario)`,
        });
    });
  });

/** A validated scenario with every default filled in. */
export type Scenario = z.output<typeof scenarioSchema>;
/** A scenario as written in JSON (defaults optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioChange = Scenario['changes'][number];
export type ScenarioEnv = Scenario['envs'][number];
export type ScenarioApp = Scenario['apps'][number];
export type ScenarioCredential = Scenario['credentials'][number];
export type Fault = Scenario['faults'][number];
export type FaultResponse = Fault['responses'][number];
export type RandomFaults = NonNullable<Scenario['randomFaults']>;

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * Validate a scenario and fill in defaults (credentials `sandbox-ak`/`sandbox-secret`,
 * latencyMs 0, qpsLimit null, maxInFlight null, pageSizeMax 100, regionId cn-hangzhou,
 * strict false, retired false, faults [], per change
 * ActionName 'Apply' and abortStepSeconds 5). Idempotent: a parsed scenario parses to itself.
 * @param json the scenario document, e.g. from `JSON.parse`
 * @throws ScenarioError whose message starts with the field path of each problem
 *   (e.g. `changes[2].idleMinutes: Invalid input: expected number, received string`)
 */
export function parseScenario(json: unknown): Scenario {
  const result = scenarioSchema.safeParse(json);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const first = issues[0];
  const message = issues
    .slice(0, 5)
    .map((i) => `${formatPath(i.path) || '(scenario)'}: ${i.message}`)
    .join('; ');
  throw new ScenarioError(
    `invalid sandbox scenario: ${message}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}`,
    first ? formatPath(first.path) : '',
  );
}

/**
 * Read and validate a scenario JSON file.
 * @param path file path (relative to the working directory or absolute)
 * @throws ScenarioError when the file cannot be read, is not JSON, or is not a valid scenario
 */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ScenarioError(`cannot read scenario file ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(`scenario file ${path} is not JSON: ${(err as Error).message}`);
  }
  try {
    return parseScenario(json);
  } catch (err) {
    if (err instanceof ScenarioError) throw new ScenarioError(`${path}: ${err.message}`, err.path);
    throw err;
  }
}

const settingsSchema = z.strictObject({
  faults: z.array(faultSchema).optional(),
  latencyMs: z.number().int().nonnegative().optional(),
  qpsLimit: z.number().positive().nullable().optional(),
  maxInFlight: z.number().int().positive().nullable().optional(),
  /** null turns random faults off */
  randomFaults: randomFaultsSchema.nullable().optional(),
  strict: z.boolean().optional(),
  retired: z.boolean().optional(),
});

/** Run-time settings a test may replace (`WebplusSandbox.update`); absent keys stay as they are. */
export type SandboxSettings = z.input<typeof settingsSchema>;
export type ParsedSandboxSettings = z.output<typeof settingsSchema>;

/**
 * Validate run-time settings (the same rules as the scenario's fields of the same names).
 * @throws ScenarioError naming the field path
 */
export function parseSettings(json: unknown): ParsedSandboxSettings {
  const result = settingsSchema.safeParse(json);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const path = first ? formatPath(first.path) : '';
  throw new ScenarioError(
    `invalid sandbox settings: ${path || '(settings)'}: ${first?.message ?? 'invalid'}`,
    path,
  );
}
