/**
 * The sandbox's request journal: one entry per request received, rejected ones included
 * (docs/reference/scenario.md, "The journal"). Never holds secrets: no AccessKey secret, no
 * security token, no Authorization header.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ActionName } from './scenario.js';

export interface JournalEntry {
  /** arrival, ISO 8601 UTC with ms */
  time: string;
  method: string;
  /** path without query */
  path: string;
  /** null for an unknown route */
  action: ActionName | null;
  /** decoded query parameters */
  query: Record<string, string>;
  /** raw body as received (utf8) */
  body: string;
  changeId?: string;
  envId?: string;
  /** HTTP status answered; 0 when the socket was reset (or no answer was sent) */
  status: number;
  /** 'OK', the Web+ error code, 'SocketReset' for a reset, 'RawReply' for a raw scripted reply */
  code: string;
  /** x-acs-signature-nonce, null when absent */
  nonce: string | null;
  /** AccessKeyId from the Authorization header, null when absent or malformed */
  accessKeyId: string | null;
  signatureValid: boolean;
  /** the `x-acs-region-id` header as received, null when absent */
  regionId: string | null;
  /**
   * Which injected behaviour answered, when one did: `scripted:error|raw|delay|reset|reset-applied|ok`,
   * `random:error|raw|reset`, `throttle:qps|in-flight`, `strict` (refused by strict mode).
   */
  fault?: string;
}

/**
 * Write entries as JSON lines (one object per line, trailing newline), creating parent folders.
 * @param path destination file; overwritten
 */
export async function writeJournalFile(
  path: string,
  entries: readonly JournalEntry[],
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const text = entries.map((e) => JSON.stringify(e)).join('\n');
  await writeFile(path, entries.length > 0 ? `${text}\n` : '', 'utf8');
}
