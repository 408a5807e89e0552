import { WebplusAbortError } from '../core/errors.js';

/** The policy file or inline policy is unreadable or invalid. Thrown at cold start; names the key. */
export class PolicyError extends WebplusAbortError {
  override readonly name = 'PolicyError';
  override readonly exitKind = 'usage';
  constructor(
    message: string,
    /** Dotted path of the offending key, e.g. `environments.we-....mode`. */
    readonly key?: string,
  ) {
    super(message);
  }
}
