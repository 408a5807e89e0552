/**
 * The secret parts of a notification webhook URL, in a file of its own (no other import) so the
 * CLI's entry chunk can name them for its redactor (cli/secrets.ts) without loading the notifier.
 */

/**
 * The parts of a webhook URL that are secrets: every query value, the last path segment
 * (DingTalk's `access_token`, WeCom's `key`, Lark's hook id, Slack's token) and any other path
 * segment of 16 characters or more (Slack's team and channel ids). Not the whole URL: the
 * redactor removes every 8-character run of a secret, and the scheme, host and route
 * (`https://oapi.dingtalk.com/robot/send`) are no secret, so they would cost every mention of
 * them; the URL without its secret parts says nothing.
 */
export function urlSecrets(raw: string): string[] {
  const url = new URL(raw);
  const parts = [...url.searchParams.values()];
  const segments = url.pathname.split('/').filter(Boolean);
  const last = segments.pop();
  if (last) parts.push(last);
  for (const segment of segments) if (segment.length >= 16) parts.push(segment);
  return parts;
}
