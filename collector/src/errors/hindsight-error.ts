/**
 * The collector's error taxonomy. Every error the pipeline handles carries a stable `code` (listed in
 * docs/errors.md) and whether retrying can help: transient errors are retried with backoff, permanent
 * ones send the offending input to the dead-letter topic (or, at startup, stop the process with the
 * message).
 */
export class HindsightError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(code: string, message: string, options: { retriable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HindsightError';
    this.code = code;
    this.retriable = options.retriable;
  }
}

/** A failure that may pass if tried again (a sink is down, a timeout, a lost connection). */
export class TransientError extends HindsightError {
  constructor(code: string, message: string, cause?: unknown) {
    super(code, message, { retriable: true, cause });
    this.name = 'TransientError';
  }
}

/** A failure that will repeat on every try (bad input, a row the store refuses): goes to the DLQ. */
export class PermanentError extends HindsightError {
  constructor(code: string, message: string, cause?: unknown) {
    super(code, message, { retriable: false, cause });
    this.name = 'PermanentError';
  }
}

/** Bad configuration, found at startup; the process exits with this message. */
export class ConfigError extends HindsightError {
  constructor(message: string, cause?: unknown) {
    super('CONFIG_INVALID', message, { retriable: false, cause });
    this.name = 'ConfigError';
  }
}
