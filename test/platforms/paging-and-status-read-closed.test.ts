/**
 * Red-team 12 F7 on SAE and EDAS: a read answered 202 or 206 was read as its listing, and a
 * total of -1 (or 0 beside items) ended a listing after its first page as if it were complete.
 * Now a read's 2xx other than 200 is `MalformedReply` (read again, then recorded), and a total
 * below 0 or 0 beside items fails the listing (`PagingUnreconciled`): never "no changes", never
 * a silently shortened list. The reply reader and the pager, each given real reply text.
 */
import { describe, expect, it } from 'vitest';
import { EDAS_ENVELOPE } from '#shared/edas/reply.js';
import { readAllPages } from '#shared/platform/paging.js';
import { readRoaReply } from '#shared/platform/roa-reply.js';
import { SAE_ENVELOPE } from '#shared/sae/reply.js';

const SAE_LIST =
  '{"Code":"200","Success":true,"Message":"success","RequestId":"R1","Data":{"ChangeOrderList":[{"ChangeOrderId":"o-1"}],"TotalSize":1}}';
const EDAS_LIST =
  '{"Code":200,"Message":"success","RequestId":"R2","ApplicationList":{"Application":[]}}';

describe('F7: SAE and EDAS reads answered with a 2xx other than 200 are not read', () => {
  for (const status of [202, 206]) {
    it(`SAE and EDAS list replies with HTTP ${status}: MalformedReply, retryable`, () => {
      for (const [rules, body] of [
        [SAE_ENVELOPE, SAE_LIST],
        [EDAS_ENVELOPE, EDAS_LIST],
      ] as const) {
        // Act / Assert
        expect(() =>
          readRoaReply(
            rules,
            'ListChangeOrders',
            { status, contentType: 'application/json', body },
            false,
          ),
        ).toThrow(
          expect.objectContaining({
            code: 'MalformedReply',
            kind: 'retryable',
            message: `ListChangeOrders: a ${status} reply (a read's documented answer is 200): what it holds is not read`,
          }),
        );
      }
    });
  }

  it('control: the same replies with HTTP 200 are read', () => {
    // Act
    const sae = readRoaReply(
      SAE_ENVELOPE,
      'ListChangeOrders',
      { status: 200, contentType: 'application/json', body: SAE_LIST },
      false,
    );

    // Assert
    expect(sae.RequestId).toBe('R1');
  });
});

describe('F7: a total below 0, or 0 beside items, fails the listing', () => {
  const pages = (total: number) => async (p: { pageNumber: number }) => ({
    items: p.pageNumber <= 2 ? [`o-${p.pageNumber}`] : [],
    totalCount: total,
  });

  for (const total of [-1, 0]) {
    it(`total ${total} beside items: PagingUnreconciled, not a one-page list`, async () => {
      // Act / Assert
      await expect(
        readAllPages('sae', 'ListChangeOrders', pages(total), (x) => x, 1),
      ).rejects.toMatchObject({
        code: 'PagingUnreconciled',
        message: `ListChangeOrders: page 1 says the total is ${total} beside 1 item(s): the counts cannot be read`,
      });
    });
  }

  it('control: total 2 reads both pages', async () => {
    // Act
    const all = await readAllPages('sae', 'ListChangeOrders', pages(2), (x) => x, 1);

    // Assert
    expect(all).toEqual(['o-1', 'o-2']);
  });
});

describe('red-team 25 G11: SAE / EDAS (and Web+) page counts must reconcile', () => {
  type Page = { items: string[]; totalCount: number | 'unknown' };
  const serve = (pages: Page[]) => async (p: { pageNumber: number }) =>
    pages[p.pageNumber - 1] ?? { items: [], totalCount: 'unknown' as const };

  const cases: Array<[string, Page[], number, string]> = [
    [
      'a total that changes between pages',
      [
        { items: ['a-1'], totalCount: 3 },
        { items: ['a-2'], totalCount: 2 },
      ],
      1,
      'ListApplications: page 2 says the total is 2, an earlier page said 3: the counts cannot be read',
    ],
    [
      'more items than the total',
      [{ items: ['a-1', 'a-2', 'a-3'], totalCount: 2 }],
      5,
      'ListApplications: page 1 brings the items to 3, more than the total of 2: the counts cannot be read',
    ],
    [
      'a page larger than the page size asked',
      [{ items: ['a-1', 'a-2'], totalCount: 4 }],
      1,
      'ListApplications: page 1 holds 2 item(s), more than the 1 asked: the counts cannot be read',
    ],
    [
      'an empty page before the total is reached',
      [
        { items: ['a-1'], totalCount: 3 },
        { items: [], totalCount: 3 },
      ],
      1,
      'ListApplications: page 2 is empty after 1 of a total of 3 item(s): the counts cannot be read',
    ],
    [
      'an empty first page beside a total of 2',
      [{ items: [], totalCount: 2 }],
      1,
      'ListApplications: page 1 is empty after 0 of a total of 2 item(s): the counts cannot be read',
    ],
  ];
  for (const [what, pages, pageSize, message] of cases) {
    it(`${what}: PagingUnreconciled, the listing is not read as whole`, async () => {
      await expect(
        readAllPages('sae', 'ListApplications', serve(pages), (x) => x, pageSize),
      ).rejects.toMatchObject({ code: 'PagingUnreconciled', message });
    });
  }

  it('control: a total repeated on every page, items adding up to it, reads the whole list', async () => {
    const all = await readAllPages(
      'edas',
      'ListApplications',
      serve([
        { items: ['a-1', 'a-2'], totalCount: 3 },
        { items: ['a-3'], totalCount: 3 },
      ]),
      (x) => x,
      2,
    );
    expect(all).toEqual(['a-1', 'a-2', 'a-3']);
  });
});
