import type { OutcomeRecord } from './record.js';

/**
 * The type of every record key as the SLS index holds it (deploy/sls/index.json; checked by
 * test/sls/sls-definitions.test.ts): `long` for whole numbers, `text` for the rest.
 * Adding a field to `OutcomeRecord` fails to compile until it is listed here, and the test then
 * asks for it in the index, so `setup-sls` always indexes every key.
 */
export const RECORD_KEY_TYPES: Readonly<
  Record<keyof Required<OutcomeRecord> | 'recordId', 'text' | 'long'>
> = {
  recordId: 'text',
  kind: 'text',
  time: 'text',
  platform: 'text',
  changeId: 'text',
  envId: 'text',
  envName: 'text',
  appId: 'text',
  appName: 'text',
  regionId: 'text',
  trigger: 'text',
  triggerRef: 'text',
  invocationId: 'text',
  reason: 'text',
  note: 'text',
  mode: 'text',
  outcome: 'text',
  detail: 'text',
  attempts: 'long',
  errorCode: 'text',
  errorMessage: 'text',
  webplusRequestId: 'text',
  changeAgeMinutes: 'long',
  idleMinutes: 'long',
  clockSkewMs: 'long',
  latencyMs: 'long',
  repeatOf: 'text',
  arrivalUnknown: 'text',
  notifyTargets: 'text',
  intentId: 'text',
};

/** Keys whose values are whole numbers (text in SLS, numbers in the record). */
export const NUMERIC_RECORD_KEYS: readonly string[] = Object.entries(RECORD_KEY_TYPES)
  .filter(([, type]) => type === 'long')
  .map(([key]) => key);
