import { WebplusAbortError } from '../core/errors.js';

/** A configuration value is missing or invalid. Thrown at cold start; the message names the variable. */
export class ConfigError extends WebplusAbortError {
  override readonly name = 'ConfigError';
  override readonly exitKind = 'usage';
  constructor(
    message: string,
    readonly variable: string,
  ) {
    super(message);
  }
}
