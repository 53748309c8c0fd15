import { ClickHouseError } from '@clickhouse/client';
import { TransientError } from '../../errors/hindsight-error';

/** Code of a failure that may pass on retry: server down, timeout, overload. */
export const CLICKHOUSE_UNAVAILABLE = 'CLICKHOUSE_UNAVAILABLE';

/**
 * Server error codes that mean "this data can never be parsed or stored", whatever the server's
 * state. Everything else (connection loss, timeouts, TOO_MANY_PARTS, memory limits, missing tables)
 * is treated as transient: retrying cannot hurt, and dead-lettering good rows because the server was
 * unhappy would lose them.
 */
const DATA_ERROR_CODES = new Set([
  '6', // CANNOT_PARSE_TEXT
  '26', // CANNOT_PARSE_QUOTED_STRING
  '27', // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  '32', // ATTEMPT_TO_READ_AFTER_EOF
  '38', // CANNOT_PARSE_DATE
  '41', // CANNOT_PARSE_DATETIME
  '53', // TYPE_MISMATCH
  '69', // ARGUMENT_OUT_OF_BOUND
  '70', // CANNOT_CONVERT_TYPE
  '72', // CANNOT_PARSE_NUMBER
  '117', // INCORRECT_DATA
  '131', // TOO_LARGE_STRING_SIZE
]);

/** How an insert failure is handled. */
export type FailureKind = 'data' | 'transient';

/** Sorts an error from `@clickhouse/client` into data errors (isolate the row) and transient ones. */
export function classifyFailure(err: unknown): FailureKind {
  if (err instanceof ClickHouseError && DATA_ERROR_CODES.has(String(err.code))) return 'data';
  return 'transient';
}

/** Wraps a failure for the pipeline; the message names the server's code, never query text. */
export function toTransientError(err: unknown, what: string): TransientError {
  const detail =
    err instanceof ClickHouseError
      ? `server error ${err.code} (${err.type ?? 'unknown'})`
      : ((err as { code?: string }).code ?? (err as Error).message ?? String(err));
  return new TransientError(CLICKHOUSE_UNAVAILABLE, `ClickHouse ${what} failed: ${detail}`, err);
}
