/**
 * ROA routes of the Web+ actions the sandbox serves (API version 2019-03-20).
 * Source: docs/reference/webplus-api.md, "Actions".
 */
import type { ActionName } from './scenario.js';

/** `METHOD path` → action. Paths match exactly (no trailing slash). */
export const ROUTES: Readonly<Record<string, ActionName>> = {
  'POST /pop/v1/wam/change/abort': 'AbortChange',
  'GET /pop/v1/wam/changeInfo': 'DescribeChange',
  'GET /pop/v1/wam/change': 'DescribeChanges',
  'GET /pop/v1/wam/appEnv': 'DescribeAppEnvs',
  'GET /pop/v1/wam/appEnv/status': 'DescribeAppEnvStatus',
  'GET /pop/v1/wam/application': 'DescribeApplications',
};

/** The action of a request, or null for an unknown method + path. */
export function matchRoute(method: string, path: string): ActionName | null {
  return ROUTES[`${method.toUpperCase()} ${path}`] ?? null;
}
