/**
 * The Web+ actions the client can call, with their ROA method and path.
 * Source: Web+ API reference, version 2019-03-20 (docs/reference/webplus-api.md).
 * The RAM policy (docs/ram/webplus.json) grants, as `webplus:<Action>`, exactly those of these the
 * function calls (all but DescribeChanges, which only the client has; test/deploy/ram-policy.test.ts
 * finds them by running the function's flows against the sandbox).
 */
export const WEBPLUS_ACTIONS = {
  AbortChange: { method: 'POST', path: '/pop/v1/wam/change/abort' },
  DescribeChange: { method: 'GET', path: '/pop/v1/wam/changeInfo' },
  DescribeChanges: { method: 'GET', path: '/pop/v1/wam/change' },
  DescribeAppEnvs: { method: 'GET', path: '/pop/v1/wam/appEnv' },
  DescribeAppEnvStatus: { method: 'GET', path: '/pop/v1/wam/appEnv/status' },
  DescribeApplications: { method: 'GET', path: '/pop/v1/wam/application' },
} as const satisfies Record<string, { method: 'GET' | 'POST'; path: string }>;

export type WebplusAction = keyof typeof WEBPLUS_ACTIONS;

/** The largest page size we ask for; Web+ does not document its maximum (the sandbox caps at 100). */
export const MAX_PAGE_SIZE = 100;
