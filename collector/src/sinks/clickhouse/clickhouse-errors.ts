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

/**
 * The answer of a server that refused a request, in the format of ClickHouse before 20.x
 * (`Code: 6, e.displayText() = DB::Exception: …`). `@clickhouse/client` makes a ClickHouseError only
 * of the current format (`Code: 6. DB::Exception: … (CANNOT_PARSE_TEXT)`): an older server's refusal
 * reaches us as a plain Error with that text, which would otherwise read as a lost connection.
 */
const OLD_SERVER_ERROR = /^Code: (\d+), e\.displayText\(\) = /;

/** The server's error code (and name, where the server gives one) of a failed request; undefined when no server answered. */
export function serverError(err: unknown): { code: string; type: string | undefined } | undefined {
  if (err instanceof ClickHouseError) return { code: String(err.code), type: err.type };
  // A socket error has a code of its own (ECONNRESET …) and never this text.
  if (err instanceof Error && (err as { code?: unknown }).code === undefined) {
    const match = OLD_SERVER_ERROR.exec(err.message);
    if (match) return { code: match[1]!, type: undefined };
  }
  return undefined;
}

/** How an insert failure is handled. */
export type FailureKind = 'data' | 'transient';

/**
 * TOO_MANY_PARTS (252) is two errors. "Too many parts" says merges are behind: transient. "Too many
 * partitions for single INSERT block" (current servers, `max_partitions_per_insert_block`, 100 by
 * default) says the rows of one insert cover too many days: the same insert fails every time, and
 * only smaller inserts pass, which the data path's halving makes.
 */
const PARTITIONS_PER_INSERT = /partitions for (a )?single insert block/i;

/** Sorts an error from `@clickhouse/client` into data errors (isolate the row) and transient ones. */
export function classifyFailure(err: unknown): FailureKind {
  const server = serverError(err);
  if (server === undefined) return 'transient';
  if (DATA_ERROR_CODES.has(server.code)) return 'data';
  return server.code === '252' && err instanceof Error && PARTITIONS_PER_INSERT.test(err.message) ? 'data' : 'transient';
}

/**
 * A failure as it may be logged or shown: a server's refusal by its code, never by its text (the text
 * may quote the query or the values it could not read); a socket error by its code; else the message.
 */
export function describeFailure(err: unknown): string {
  const server = serverError(err);
  if (server !== undefined) return `server error ${server.code} (${server.type ?? 'unknown'})`;
  if (!(err instanceof Error)) return String(err);
  return (err as { code?: string }).code ?? err.message;
}

/** Wraps a failure for the pipeline, described by {@link describeFailure}. */
export function toTransientError(err: unknown, what: string): TransientError {
  return new TransientError(CLICKHOUSE_UNAVAILABLE, `ClickHouse ${what} failed: ${describeFailure(err)}`, err);
}
