/** The part of lz4js 0.2.0 (pure JS, no typings) the SLS stand-in and its tests use: raw LZ4 blocks. */
declare module 'lz4js' {
  /**
   * Decodes the raw LZ4 block `src[sIndex, sIndex + sLength)` into `dst` from `dIndex`;
   * returns the index after the last byte written. `dst` must be large enough (the raw size).
   */
  export function decompressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    sIndex: number,
    sLength: number,
    dIndex: number,
  ): number;
  /**
   * Encodes `src[sIndex, sIndex + sLength)` as one raw LZ4 block into `dst` (size it with
   * `compressBound`); `hashTable` is a zeroed `Uint32Array(65536)`. Returns the block's size,
   * 0 when the input did not compress.
   */
  export function compressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    sIndex: number,
    sLength: number,
    hashTable: Uint32Array,
  ): number;
  /** Worst-case compressed size of `n` bytes. */
  export function compressBound(n: number): number;
}
