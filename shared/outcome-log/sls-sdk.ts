import { createRequire } from 'node:module';
import type SlsClient from '@alicloud/log';
import { OutcomeStoreError, toError } from './errors.js';

/** The @alicloud/log client class. */
export type SlsClientClass = typeof SlsClient;

let sdk: SlsClientClass | undefined;

/**
 * Loads @alicloud/log on first use (it reads lib/sls.proto from disk when loaded). Works from
 * ESM (createRequire) and from an esbuild CommonJS bundle, where `require` exists and
 * `import.meta.url` does not: there `require('@alicloud/log')` is either bundled (then ship
 * sls.proto next to the bundle) or left external (then ship the package in node_modules).
 * @returns the SDK's `Client` class (loaded once per process)
 * @throws OutcomeStoreError (`code` SdkUnavailable, the load error as `cause`) when it cannot be loaded
 */
export function loadSdk(): SlsClientClass {
  if (sdk) return sdk;
  try {
    sdk = (
      typeof require === 'function'
        ? require('@alicloud/log')
        : createRequire(import.meta.url)('@alicloud/log')
    ) as SlsClientClass;
  } catch (error) {
    throw new OutcomeStoreError(
      `the @alicloud/log SDK could not be loaded: ${toError(error).message}`,
      {
        store: 'sls',
        code: 'SdkUnavailable',
        cause: error,
      },
    );
  }
  return sdk;
}
