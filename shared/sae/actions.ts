/**
 * The SAE (Serverless App Engine, API version 2019-05-06, ROA) actions this project calls:
 * method, exact path (case matters), and the RAM action each needs. Every parameter goes in the
 * query string; no action has a body.
 * Source: docs/reference/sae-edas.md §2.2 (official API metadata: acs-sdk-php
 * `data/sae/2019-05-06/api-docs.php`; aliyun/alibabacloud-sdk `sae-20190506/main.tea`; RAM:
 * https://www.alibabacloud.com/help/en/sae/api-sae-2019-05-06-abortchangeorder and siblings).
 */
export const SAE_ACTIONS = {
  ListApplications: {
    method: 'GET',
    path: '/pop/v1/sam/app/listApplications',
    ram: 'sae:ListApplications',
  },
  DescribeApplicationStatus: {
    method: 'GET',
    path: '/pop/v1/sam/app/describeApplicationStatus',
    ram: 'sae:DescribeApplicationStatus',
  },
  ListChangeOrders: {
    method: 'GET',
    path: '/pop/v1/sam/changeorder/ListChangeOrders',
    ram: 'sae:ListChangeOrders',
  },
  DescribeChangeOrder: {
    method: 'GET',
    path: '/pop/v1/sam/changeorder/DescribeChangeOrder',
    ram: 'sae:DescribeChangeOrder',
  },
  AbortChangeOrder: {
    method: 'PUT',
    path: '/pop/v1/sam/changeorder/AbortChangeOrder',
    ram: 'sae:AbortChangeOrder',
  },
  AbortAndRollbackChangeOrder: {
    method: 'PUT',
    path: '/pop/v1/sam/changeorder/AbortAndRollbackChangeOrder',
    ram: 'sae:AbortAndRollbackChangeOrder',
  },
} as const satisfies Record<string, { method: 'GET' | 'PUT'; path: string; ram: string }>;

export type SaeAction = keyof typeof SAE_ACTIONS;

/** `x-acs-version` of SAE. */
export const SAE_API_VERSION = '2019-05-06';

/** Page size asked of ListApplications (S3 allows 0–10000; the sandbox caps at its pageSizeMax). */
export const SAE_PAGE_SIZE = 100;
