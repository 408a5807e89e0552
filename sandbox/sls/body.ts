/**
 * PutLogs body decompression. `x-log-compresstype`: `lz4` (one raw LZ4 block, no frame),
 * `deflate` (zlib stream), or absent (raw). `x-log-bodyrawsize` is the decompressed size.
 * Source: Log Service API reference, "PutLogs" and "Common request headers".
 */
import { inflateSync } from 'node:zlib';
import { decompressBlock } from 'lz4js';

/** A body that cannot be decompressed to what its headers promise. */
export class SlsBodyError extends Error {
  override readonly name = 'SlsBodyError';
}

/**
 * Returns the raw LogGroup bytes of a PutLogs body.
 * @param compressType `lz4`, `deflate`, or undefined/`none`.
 * @param rawSize `x-log-bodyrawsize` in bytes; the result must be exactly this long.
 * @throws SlsBodyError for an unknown compression, a bad size, or a corrupt body.
 */
export function decompressBody(
  body: Buffer,
  compressType: string | undefined,
  rawSize: number,
): Buffer {
  if (!Number.isSafeInteger(rawSize) || rawSize < 0) {
    throw new SlsBodyError('x-log-bodyrawsize is missing or not a size');
  }
  let raw: Buffer;
  switch (compressType ?? 'none') {
    case 'none':
      raw = body;
      break;
    case 'lz4': {
      const out = new Uint8Array(rawSize);
      const end = decompressBlock(body, out, 0, body.length, 0);
      if (end !== rawSize)
        throw new SlsBodyError(`lz4 block decodes to ${end} bytes, not ${rawSize}`);
      raw = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
      break;
    }
    case 'deflate':
      try {
        raw = inflateSync(body);
      } catch (error) {
        throw new SlsBodyError(`deflate body does not inflate: ${(error as Error).message}`);
      }
      break;
    default:
      throw new SlsBodyError(`unsupported x-log-compresstype: ${compressType}`);
  }
  if (raw.length !== rawSize) {
    throw new SlsBodyError(`body is ${raw.length} bytes raw, x-log-bodyrawsize says ${rawSize}`);
  }
  return raw;
}
