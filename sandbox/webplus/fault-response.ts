/**
 * The scripted answers of fault entries, shared by the Web+, SAE and EDAS emulators.
 */
import { z } from 'zod';

const nonEmpty = z.string().min(1);

/**
 * One scripted answer of a fault entry. `"ok"` answers normally; an object may combine
 * `delayMs` (wait first) with either an error (`status`, optional `code`/`message`), a raw reply
 * (`status`, `contentType`, `body`) or `reset` (destroy the socket). `applied: true` performs the
 * state change first (with `reset`: the answer is lost; with a raw reply: the state changed but
 * the answer says something else). `{delayMs}` alone waits, then answers normally.
 */
export const faultResponseSchema = z.union([
  z.literal('ok'),
  z
    .strictObject({
      delayMs: z.number().int().nonnegative().optional(),
      status: z.number().int().min(100).max(599).optional(),
      code: nonEmpty.optional(),
      message: z.string().optional(),
      contentType: nonEmpty.optional(),
      body: z.string().optional(),
      reset: z.literal(true).optional(),
      applied: z.boolean().optional(),
    })
    .superRefine((r, ctx) => {
      const bad = (message: string) => ctx.addIssue({ code: 'custom', message });
      if (r.reset && r.status !== undefined) bad('reset cannot be combined with status');
      if (
        r.applied !== undefined &&
        !r.reset &&
        r.body === undefined &&
        r.contentType === undefined
      )
        bad('applied is only meaningful with reset: true or a raw reply (contentType/body)');
      if (
        r.status === undefined &&
        (r.code !== undefined ||
          r.message !== undefined ||
          r.contentType !== undefined ||
          r.body !== undefined)
      )
        bad('code, message, contentType and body require status');
      if ((r.contentType !== undefined || r.body !== undefined) && r.code !== undefined)
        bad('a raw reply (contentType/body) cannot also carry code');
      if (!r.reset && r.status === undefined && r.delayMs === undefined)
        bad('give status, reset or delayMs (or use "ok")');
    }),
]);
