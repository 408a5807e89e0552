/**
 * Stand-in for zod's locale index (`z.locales`) in the function bundle (scripts/bundle-options.mjs
 * resolves zod/v4/classic/external.js's `../locales/index.js` here). Our code never calls
 * `z.locales.*` or `z.config(...)` with a locale; zod's default English messages are imported by
 * zod itself from locales/en.js and stay. `z.locales` is this empty namespace: calling a locale
 * from it is a TypeError, never a silently different message.
 */
export {};
