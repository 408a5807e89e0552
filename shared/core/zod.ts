/**
 * zod for the function's schemas: `zod/mini` (the functional API; what a schema does not use is
 * left out of the bundle, where zod's classic API put 190 KiB in it, and no method objects are
 * built per schema at cold start; issue 16), with zod's English messages set as the locale, as
 * zod's classic API sets them, so every refusal reads as before ("Too big: expected number to be
 * <=10000", …). Every schema of shared/ imports `* as z` from here, never from `zod` itself.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
