/**
 * The journal of the SAE and EDAS emulators: one entry per request received, rejected ones
 * included. Never holds secrets: no AccessKey secret, no security token, no Authorization header.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface RoaJournalEntry {
  /** arrival, ISO 8601 UTC with ms */
  time: string;
  method: string;
  /** path without query */
  path: string;
  /** null for an unknown route */
  action: string | null;
  /** decoded query parameters */
  query: Record<string, string>;
  /** raw body as received (utf8) */
  body: string;
  /** the request's `content-type` header, '' when absent */
  contentType: string;
  /** the request's `x-acs-version` header, '' when absent */
  apiVersion: string;
  changeOrderId?: string;
  appId?: string;
  /** the request's `Host` header, port cut, lower case */
  host?: string;
  /** the region the host names (`sae.<region>.aliyuncs.com`); absent: every region */
  regionId?: string;
  /** HTTP status answered; 0 when the socket was reset */
  status: number;
  /** `200`, the error code answered, `SocketReset` or `RawReply` */
  code: string;
  nonce: string | null;
  accessKeyId: string | null;
  signatureValid: boolean;
  /** `scripted:error|raw|delay|reset|reset-applied|ok`, `throttle:qps` or `idle-reset` when one answered */
  fault?: string;
}

/**
 * Write entries as JSON lines, creating parent folders.
 * @param path destination file; overwritten
 */
export async function writeRoaJournal(
  path: string,
  entries: readonly RoaJournalEntry[],
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const text = entries.map((e) => JSON.stringify(e)).join('\n');
  await writeFile(path, entries.length > 0 ? `${text}\n` : '', 'utf8');
}
