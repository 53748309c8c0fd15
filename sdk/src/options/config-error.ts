/**
 * The one error the SDK throws: bad options found by `init()`. Failing at startup, with the option
 * named, beats running half-configured and losing audit events later.
 */
export class HindsightConfigError extends Error {
  /** Stable code for this kind of failure. */
  readonly code = 'CONFIG_INVALID';
  /** Dotted path of the offending option, e.g. `kafka.brokers`. */
  readonly option: string;

  constructor(option: string, message: string) {
    super(`invalid Hindsight option ${option}: ${message}`);
    this.name = 'HindsightConfigError';
    this.option = option;
  }
}
