#!/usr/bin/env node
// Runs the built CLI (dist-cli/main.mjs, plain JavaScript bundled by esbuild): no TypeScript
// loader at run time. When dist-cli/ is missing or older than its sources (a fresh clone, an
// edit) it is built first (scripts/ensure-cli.mjs), so `npm ci && npm start` works as it is.
import { ensureBuilt } from '../scripts/ensure-cli.mjs';

await import(await ensureBuilt());
