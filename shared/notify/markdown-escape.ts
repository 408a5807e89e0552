/**
 * Escapes a line of outside text (application and environment names anyone allowed to create
 * them chooses, details that quote a platform's reply) for the markdown of the DingTalk and
 * WeCom robots, so that it shows as text and cannot become a link, an image the chat client
 * fetches, emphasis, code or an HTML tag inside the bot's message (red-team 24: a Web+ AppName
 * `![img](https://evil.example/track.png)shop` arrived as a live image).
 *
 * Backslash-escapes the ASCII punctuation that opens or closes inline markup — `\` `` ` `` `*`
 * `_` `[` `]` `!` `~` `|` (CommonMark 0.31.2 §2.4 "Backslash escapes", any ASCII punctuation may
 * be escaped: https://spec.commonmark.org/0.31.2/#backslash-escapes) — and writes `<` `>` `&` as
 * entities (WeCom's markdown passes `<font>` tags through: https://developer.work.weixin.qq.com/document/path/91770).
 * A line-start marker (`#`, `-`, `>`) cannot occur: every escaped line follows the message's own
 * `- ` or `> `. A bare `https://…` may still be turned into a link by the client (its own
 * auto-linking, not markdown); the text shown is the URL itself, never a disguise.
 * @param text one line (the message flattens newlines before: shared/notify/message.ts)
 * @returns the same text, escaped; idempotent only on text without these characters
 */
export function markdownEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]!~|]/g, '\\$&');
}
