/**
 * Which top-level keys an alarm may carry. An alarm is read strictly enough that a switch hidden
 * in it (`dryRun`, `DRY_RUN`, `mode`, `force`, ...) can never be dropped while the alarm aborts
 * (docs/reference/fc-triggers.md, "Keys an alarm may carry").
 *
 * - The CloudMonitor callback (form or JSON body of `/cms-callback`, and a callback-shaped JSON
 *   event) is documented field by field: every other key is refused.
 * - A rule push and EventBridge `data` are only partly documented (EventBridge `data`: not at
 *   all), so other keys are accepted there, except those that read like a control key or like a
 *   different spelling of a key the function reads (`AlertState` beside `alertState`).
 */

/**
 * The callback's keys. Source: CloudMonitor "Alarm callback"
 * (https://www.alibabacloud.com/help/en/document_detail/60714.html): `alertName`, `alertState`,
 * `curValue`, `dimensions`, `expression`, `instanceName`, `metricName`, `metricProject`,
 * `namespace`, `preTriggerLevel`, `triggerLevel`, `ruleId`, `timestamp`, `userId`, `signature`;
 * real captured bodies also carry `lastTime`, `rawMetricName`, `transId`, `groupId`,
 * `productGroupName`, `regionId`, `regionName`, `unit` (docs/reference/fc-triggers.md, S24).
 * `ruleName` is accepted because alarm rules may match on it.
 */
export const CALLBACK_KEYS: ReadonlySet<string> = new Set([
  'alertName',
  'alertState',
  'curValue',
  'dimensions',
  'expression',
  'instanceName',
  'metricName',
  'metricProject',
  'namespace',
  'preTriggerLevel',
  'triggerLevel',
  'ruleId',
  'ruleName',
  'timestamp',
  'userId',
  'signature',
  'lastTime',
  'rawMetricName',
  'transId',
  'groupId',
  'productGroupName',
  'regionId',
  'regionName',
  'unit',
]);

/**
 * Control words, normalised (lower case, without `-`, `_`, `.` and spaces): a key that reads
 * like one of these is refused in every alarm shape, since no alarm carries a switch.
 */
export const CONTROL_WORDS: ReadonlySet<string> = new Set([
  'dryrun',
  'dry',
  'mode',
  'force',
  'enforce',
  'simulate',
  'simulation',
  'noop',
  'whatif',
  'preview',
  'test',
  'testrun',
  'confirm',
  'abort',
  'killswitch',
]);

/**
 * Id words, normalised: an alarm names its targets in `dimensions` only, so a top-level key that
 * reads like an id (`changeId`, `ENV_ID`) would be dropped while the alarm acts on what its
 * dimensions say: refused.
 */
export const ID_WORDS: ReadonlySet<string> = new Set([
  'changeid',
  'changeids',
  'envid',
  'envids',
  'appid',
  'appids',
]);

/** `DRY_RUN` → `dryrun`: lower case, without `-`, `_`, `.` and white space. */
export function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]/g, '');
}

/** One refused key: the key as sent, and why. */
export interface KeyProblem {
  key: string;
  message: string;
}

/**
 * The keys of an alarm object that are refused.
 * @param fields the alarm's top-level object (callback fields, rule push, EventBridge `data` or
 *   envelope)
 * @param read the keys the function reads from it: another spelling of one of them is refused
 * @param known when given, the complete documented key set: any key outside it is refused
 * @param idsAllowed true where keys are dimensions (a rule push's `metricData`), so an id key
 *   is data, not a stray id
 */
export function refusedKeys(
  fields: Readonly<Record<string, unknown>>,
  read: readonly string[],
  known?: ReadonlySet<string>,
  idsAllowed = false,
): KeyProblem[] {
  const byNorm = new Map(read.map((k) => [normaliseKey(k), k]));
  const out: KeyProblem[] = [];
  for (const key of Object.keys(fields)) {
    // Every documented key is printable ASCII: anything else (a Cyrillic `у` in `drуRun`, a
    // zero-width space) could hide a switch from the checks below.
    if (!idsAllowed && !/^[\x21-\x7e]+$/.test(key)) {
      out.push({ key, message: 'is not a printable ASCII key, as every documented key is' });
      continue;
    }
    const norm = normaliseKey(key);
    if (CONTROL_WORDS.has(norm)) {
      out.push({
        key,
        message:
          'reads like a control key (dry run, mode, force): an event carries no switch there',
      });
      continue;
    }
    if (!idsAllowed && ID_WORDS.has(norm)) {
      out.push({
        key,
        message:
          'reads like an id, which an alarm names in its dimensions only (this key is not read)',
      });
      continue;
    }
    const spelt = byNorm.get(norm);
    if (spelt !== undefined && spelt !== key) {
      out.push({ key, message: `another spelling of ${spelt}: which one was meant is a guess` });
      continue;
    }
    if (known !== undefined && !known.has(key)) {
      out.push({ key, message: 'not a key CloudMonitor documents for the alarm callback' });
    }
  }
  return out;
}
