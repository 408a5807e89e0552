#!/usr/bin/env node
// Runs the TypeScript CLI (cli/main.ts) through tsx: no build step, works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
