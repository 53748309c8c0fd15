/**
 * Where the SDK's own failures go. The SDK never throws into the app after `init()`: a failed export,
 * a rejected audit event or a bug in a background task is handed to the error handler (overridable
 * through `init({ errorHandler })`) and written to OpenTelemetry's diagnostic logger, which is silent
 * unless `diagLevel` (or HINDSIGHT_DIAG_LEVEL) turns it on.
 */
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';

/** Which part of the SDK failed; a short, bounded set of names. */
export type FailureSource =
  | 'export.spans'
  | 'export.logs'
  | 'export.audit'
  | 'export.journal'
  | 'audit'
  | 'journal'
  | 'logging'
  | 'tracing'
  | 'metrics'
  | 'overload'
  | 'shutdown';

/** Receives every internal failure. Must not throw; if it does, the throw is swallowed. */
export type ErrorHandler = (error: Error, source: FailureSource) => void;

const DIAG_LEVELS: Record<string, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

/** Routes internal failures to the error handler and the diagnostic logger. */
export class Diagnostics {
  private readonly handler: ErrorHandler | undefined;
  private readonly logger = diag.createComponentLogger({ namespace: '@hindsight/sdk' });

  constructor(handler?: ErrorHandler, diagLevel?: string) {
    this.handler = handler;
    if (diagLevel !== undefined && diagLevel !== 'none') {
      diag.setLogger(new DiagConsoleLogger(), { logLevel: DIAG_LEVELS[diagLevel] ?? DiagLogLevel.WARN, suppressOverrideMessage: true });
    }
  }

  /** Reports a failure; never throws. */
  report(error: unknown, source: FailureSource): void {
    const err = error instanceof Error ? error : new Error(String(error));
    try {
      this.logger.error(`${source}: ${err.message}`);
    } catch {
      // A broken diag logger must not take the app down with it.
    }
    if (this.handler === undefined) return;
    try {
      this.handler(err, source);
    } catch {
      // Same for a broken user handler.
    }
  }

  /** Notes something worth knowing that is not a failure. */
  warn(message: string): void {
    try {
      this.logger.warn(message);
    } catch {
      // Diagnostics are best effort.
    }
  }

  /** Runs `fn`, reporting anything it throws instead of letting it reach the caller. */
  guard<T>(source: FailureSource, fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (error) {
      this.report(error, source);
      return fallback;
    }
  }
}
