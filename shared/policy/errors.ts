/** The policy file or inline policy is unreadable or invalid. Thrown at cold start; names the key. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  constructor(
    message: string,
    /** Dotted path of the offending key, e.g. `environments.we-....mode`. */
    readonly key?: string,
  ) {
    super(message);
  }
}
