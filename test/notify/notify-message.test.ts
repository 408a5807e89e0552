/**
 * Property checks of what a notification says, against a small oracle written here (it shares
 * no code with shared/notify): which records are reported, their counts, the order, the cut at
 * maxItems; and that no secret planted in any record field reaches any request body or URL.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NotifySettingsSchema } from '#shared/config/notify-settings.js';
import { OUTCOMES, type Outcome, type OutcomeRecord } from '#shared/model/record.js';
import { buildMessage } from '#shared/notify/message.js';
import { createNotifier } from '#shared/notify/notifier.js';

/** The oracle's own severity table (docs/reference/notifications.md). */
const GRAVITY: Partial<Record<Outcome, number>> = {
  would_abort: 0,
  aborted: 1,
  failed: 2,
  timeout: 2,
};
const LEVEL = { info: 0, warning: 1, critical: 2 } as const;
const DECISIONS = OUTCOMES.filter((o) => o !== 'notified' && o !== 'notify_failed');

const recordArb = fc.record({
  outcome: fc.constantFrom(...DECISIONS),
  env: fc.integer({ min: 0, max: 5 }),
  n: fc.integer({ min: 0, max: 999 }),
  detail: fc.string({ maxLength: 300 }),
});

const toRecord = (r: {
  outcome: Outcome;
  env: number;
  n: number;
  detail: string;
}): OutcomeRecord => ({
  time: '2026-05-20T02:00:00.000Z',
  changeId: `wc-5d3a963d5802611c4ddc${r.n.toString(16).padStart(4, '0')}`,
  envId: `we-5d39b8ba6786bd4b1495${r.env.toString(16).padStart(4, '0')}`,
  trigger: 'timer',
  invocationId: 'inv',
  outcome: r.outcome,
  detail: r.detail,
  attempts: 0,
});

const context = {
  invocationId: 'inv',
  trigger: 'timer',
  functionName: 'f',
  region: 'cn-hangzhou',
  dryRun: false,
};

describe('notification message (property)', () => {
  it('reports exactly the selected outcomes, most severe first, at most maxItems, and counts all', () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { maxLength: 40 }),
        fc.subarray(['aborted', 'failed', 'timeout', 'would_abort'] as const),
        fc.constantFrom('info', 'warning', 'critical' as const),
        fc.integer({ min: 1, max: 50 }),
        (raw, outcomes, minSeverity, maxItems) => {
          const records = raw.map(toRecord);
          const expected = records.filter(
            (r) =>
              (outcomes as readonly string[]).includes(r.outcome) &&
              (GRAVITY[r.outcome] ?? -1) >= LEVEL[minSeverity],
          );
          const message = buildMessage(records, { outcomes, minSeverity }, maxItems, context);
          if (expected.length === 0) {
            expect(message).toBeUndefined();
            return;
          }
          expect(message).toBeDefined();
          const counted = Object.values(message!.counts).reduce((a, b) => a + (b ?? 0), 0);
          expect(counted).toBe(expected.length);
          for (const o of outcomes) {
            expect(message!.counts[o] ?? 0).toBe(expected.filter((r) => r.outcome === o).length);
          }
          expect(message!.items.length).toBe(Math.min(maxItems, expected.length));
          expect(message!.more).toBe(expected.length - message!.items.length);
          const gravities = message!.items.map((i) => GRAVITY[i.outcome]!);
          expect([...gravities].sort((a, b) => b - a)).toEqual(gravities);
          const top = Math.max(...expected.map((r) => GRAVITY[r.outcome]!));
          expect(LEVEL[message!.severity]).toBe(top);
          for (const item of message!.items) {
            expect(item.why.length).toBeLessThanOrEqual(200);
            // biome-ignore lint/suspicious/noControlCharactersInRegex: checking they are gone
            expect(item.why).not.toMatch(/[\u0000-\u001f]/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('no secret planted in a record reaches any target’s request (all five kinds)', async () => {
    // A secret inside the replacement text itself ("redacted") could never be absent.
    const secretArb = fc
      .stringMatching(/^[A-Za-z0-9]{8,40}$/)
      .filter((s) => !'[redacted]'.includes(s));
    await fc.assert(
      fc.asyncProperty(
        secretArb,
        fc.array(recordArb, { minLength: 1, maxLength: 10 }),
        async (secret, raw) => {
          const records = raw.map((r, i) => ({
            ...toRecord({ ...r, outcome: i === 0 ? 'failed' : r.outcome }),
            errorMessage: `echo ${secret} echo`,
            detail: `${r.detail}${secret}`,
            note: secret,
          }));
          const sent: string[] = [];
          const fetchStub = (async (url: string | URL | Request, init?: RequestInit) => {
            sent.push(String(url), String(init?.body ?? ''), JSON.stringify(init?.headers ?? {}));
            return new Response('{"errcode":0,"code":0}', { status: 200 });
          }) as typeof fetch;
          const kinds = ['dingtalk', 'lark', 'wecom', 'slack', 'webhook'] as const;
          const notifier = createNotifier(
            NotifySettingsSchema.parse({
              targets: kinds.map((kind) => ({ kind, urlEnv: `U_${kind.toUpperCase()}` })),
            }),
            Object.fromEntries(
              kinds.map((k) => [`U_${k.toUpperCase()}`, `https://${k}.example/hook`]),
            ),
            { fetch: fetchStub },
          )!;
          const report = await notifier.notify(records, {
            ...context,
            trigger: 'timer',
            deadlineMs: Date.now() + 5000,
            secrets: [secret],
          });
          expect(sent.length).toBe(15);
          for (const text of [...sent, JSON.stringify(report)]) expect(text).not.toContain(secret);
        },
      ),
      { numRuns: 60 },
    );
  });
});
