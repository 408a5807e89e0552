/**
 * The EDAS (Enterprise Distributed Application Service, API version 2017-08-01, ROA) actions
 * this project calls: method, exact path, and the RAM action each needs. Every parameter goes in
 * the query string; no action has a body.
 * Source: docs/reference/sae-edas.md §3.2 (acs-sdk-php `data/edas/2017-08-01/api-docs.php`,
 * aliyun/alibabacloud-sdk `edas-20170801/main.tea`, alibaba-cloud-sdk-go `services/edas`; RAM:
 * https://help.aliyun.com/document_detail/423167.html, /149390.htm, /62072.htm, /149393.htm,
 * https://help.aliyun.com/zh/edas/api-abortandrollbackchangeorder).
 */
export const EDAS_ACTIONS = {
  ListApplication: {
    method: 'POST',
    path: '/pop/v5/app/app_list',
    ram: 'edas:ReadApplication',
  },
  ListRecentChangeOrder: {
    method: 'POST',
    path: '/pop/v5/changeorder/change_order_list',
    ram: 'edas:ReadApplication',
  },
  GetChangeOrderInfo: {
    method: 'POST',
    path: '/pop/v5/changeorder/change_order_info',
    ram: 'edas:ReadApplication',
  },
  AbortChangeOrder: {
    method: 'PUT',
    path: '/pop/v5/changeorder/change_order_abort',
    ram: 'edas:ManageApplication',
  },
  AbortAndRollbackChangeOrder: {
    method: 'PUT',
    path: '/pop/v5/changeorder/change_order_abort_and_rollback',
    ram: 'edas:ManageApplication',
  },
} as const satisfies Record<string, { method: 'POST' | 'PUT'; path: string; ram: string }>;

export type EdasAction = keyof typeof EDAS_ACTIONS;

/** `x-acs-version` of EDAS. */
export const EDAS_API_VERSION = '2017-08-01';

/** Page size asked of ListApplication (its maximum is not documented). */
export const EDAS_PAGE_SIZE = 100;
