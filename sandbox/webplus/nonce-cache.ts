/**
 * Memory of the `x-acs-signature-nonce` values already used, so a replayed request is refused
 * (400 SignatureNonceUsed). A nonce is forgotten `ttlMs` after first use: the gateway refuses
 * dates more than 15 minutes off anyway (docs/reference/webplus-api.md), so an older replay is
 * rejected by its date. Memory is bounded by the requests of one ttl window.
 */
export class NonceCache {
  private readonly seen = new Map<string, number>();

  /** @param ttlMs how long a nonce is remembered, ms (default 15 minutes) */
  constructor(private readonly ttlMs = 15 * 60_000) {}

  /**
   * Record a nonce.
   * @param nonce the header value
   * @param now epoch ms
   * @returns true when the nonce was fresh, false when it was seen within the last ttlMs
   */
  use(nonce: string, now: number): boolean {
    this.prune(now);
    const expires = this.seen.get(nonce);
    if (expires !== undefined && expires > now) return false;
    this.seen.delete(nonce);
    this.seen.set(nonce, now + this.ttlMs);
    return true;
  }

  /** Number of nonces remembered now. */
  get size(): number {
    return this.seen.size;
  }

  /** Forget expired nonces; entries are in insertion order, so expiry is (almost) ascending. */
  private prune(now: number): void {
    for (const [nonce, expires] of this.seen) {
      if (expires > now) break;
      this.seen.delete(nonce);
    }
  }
}
