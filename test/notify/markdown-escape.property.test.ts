/**
 * Names and details from outside never become markdown in the DingTalk and WeCom robots'
 * messages (red-team 24: a Web+ AppName `![img](https://evil.example/track.png)shop` arrived as
 * a live image). The oracle shares nothing with shared/notify/markdown-escape.ts: after dropping
 * every backslash-escaped pair, an item line holds none of the characters that open inline
 * markup or an HTML tag, and reading the escapes back gives the text itself.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OutcomeRecord } from '#shared/model/record.js';
import { buildMessage } from '#shared/notify/message.js';
import { TARGET_FORMATS } from '#shared/notify/targets/index.js';

const context = {
  invocationId: 'inv',
  trigger: 'timer',
  functionName: 'f',
  region: 'cn-hangzhou',
  dryRun: false,
};

const nasty = fc.string({
  unit: fc.constantFrom(...'ab ![]()*_`~|<>&\\#-:/.'.split('')),
  minLength: 1,
  maxLength: 40,
});

function itemLines(kind: 'dingtalk' | 'wecom', record: OutcomeRecord): string[] {
  const message = buildMessage(
    [record],
    { outcomes: ['aborted'], minSeverity: 'info' },
    5,
    context,
  );
  if (!message) throw new Error('no message');
  const body = JSON.parse(
    TARGET_FORMATS[kind].request(message, 'https://robot.example/send', undefined, 0).body,
  );
  const text: string = kind === 'dingtalk' ? body.markdown.text : body.markdown.content;
  const marker = kind === 'dingtalk' ? '- ' : '> ';
  return text
    .split('\n')
    .filter((l) => l.startsWith(marker) && l.includes('aborted'))
    .map((l) => l.slice(2));
}

/** The oracle: what a CommonMark reader shows for `line` (escapes and the three entities). */
function shown(line: string): string {
  return line
    .replace(/\\([!-/:-@[-`{-~])/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

describe('markdown of the DingTalk and WeCom robots (property)', () => {
  for (const kind of ['dingtalk', 'wecom'] as const) {
    it(`${kind}: outside text never forms markup and reads back as itself`, () => {
      fc.assert(
        fc.property(nasty, nasty, nasty, (appName, envName, detail) => {
          const record: OutcomeRecord = {
            time: '2026-05-20T02:00:00.000Z',
            changeId: 'wc-5d3a963d5802611c4ddc0001',
            envId: 'we-5d39b8ba6786bd4b14950001',
            appName,
            envName,
            trigger: 'timer',
            invocationId: 'inv',
            outcome: 'aborted',
            detail,
            attempts: 1,
          } as OutcomeRecord;
          const [line] = itemLines(kind, record);
          expect(line).toBeDefined();
          const bare = line!.replace(/\\[!-/:-@[-`{-~]/g, '').replace(/&(lt|gt|amp);/g, '');
          expect(bare).not.toMatch(/[[\]!*_`~|<>\\]/);
          expect(shown(line!)).toContain(appName.trim() === '' ? '' : appName.trim());
          expect(shown(line!)).toContain(detail.trim());
        }),
        { numRuns: 300 },
      );
    });
  }

  it('the red-team name arrives as text: no image, no link', () => {
    const [line] = itemLines('dingtalk', {
      time: '2026-05-20T02:00:00.000Z',
      changeId: 'wc-5d3a963d5802611c4ddc0001',
      envId: 'we-5d39b8ba6786bd4b14950001',
      appName: '![img](https://evil.example/track.png)shop',
      envName: 'shop[x](https://evil.example)',
      trigger: 'timer',
      invocationId: 'inv',
      outcome: 'aborted',
      detail: 'no progress',
      attempts: 1,
    } as OutcomeRecord);
    expect(line).toContain(
      '\\!\\[img\\](https://evil.example/track.png)shop/shop\\[x\\](https://evil.example)',
    );
  });
});
