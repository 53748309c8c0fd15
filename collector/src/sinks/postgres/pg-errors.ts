import { PermanentError, TransientError, type HindsightError } from '../../errors/hindsight-error';

/** Stable error codes of the Postgres sink (listed in docs/errors.md and docs/postgres.md). */
export const PG_ERROR_CODES = {
  /** Cannot connect, connection lost, server shutting down or out of resources. */
  unavailable: 'POSTGRES_UNAVAILABLE',
  /** A statement or connection attempt took longer than configured. */
  timeout: 'POSTGRES_TIMEOUT',
  /** Serialization failure, deadlock or a concurrent insert of the same key: safe to try again. */
  conflict: 'POSTGRES_CONFLICT',
  /** Missing table, column or privilege: the schema is not migrated or grants are wrong. */
  schema: 'POSTGRES_SCHEMA',
  /** Postgres refuses this record's data (too long, bad encoding, violates a check). */
  rejected: 'POSTGRES_REJECTED',
  /** The record kind is not stored by this sink. */
  unsupportedKind: 'POSTGRES_UNSUPPORTED_KIND',
  /** Anything else the server reported; retried, since it is not known to be the data's fault. */
  other: 'POSTGRES_ERROR',
} as const;

interface PgLikeError {
  code?: unknown;
  message?: unknown;
}

/** SQLSTATE of a server error, or undefined for client-side failures (sockets, timeouts). */
function sqlState(err: unknown): string | undefined {
  const code = (err as PgLikeError | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

function messageOf(err: unknown): string {
  const m = (err as PgLikeError | null)?.message;
  return typeof m === 'string' ? m : String(err);
}

/**
 * Decides retry versus dead-letter for an error from a write. Only data exceptions (class 22) and
 * integrity violations (class 23, except unique_violation) are the record's fault; anything else
 * would hit every record alike, so sending records to the DLQ for it would lose good data.
 */
export function classifyPgError(err: unknown): HindsightError {
  if (err instanceof TransientError || err instanceof PermanentError) return err;
  const state = sqlState(err);
  const msg = messageOf(err);
  if (state === undefined) {
    if (/timeout/i.test(msg)) return new TransientError(PG_ERROR_CODES.timeout, `Postgres: ${msg}`, err);
    return new TransientError(PG_ERROR_CODES.unavailable, `Postgres unreachable: ${msg}`, err);
  }
  // unique_violation: a concurrent writer stored the same event id; the retry finds and skips it.
  if (state === '23505' || state === '40001' || state === '40P01' || state === '55P03') {
    return new TransientError(PG_ERROR_CODES.conflict, `Postgres conflict (${state}): ${msg}`, err);
  }
  if (state === '57014') return new TransientError(PG_ERROR_CODES.timeout, `Postgres statement timeout: ${msg}`, err);
  if (state.startsWith('22') || state.startsWith('23')) {
    return new PermanentError(PG_ERROR_CODES.rejected, `Postgres refused the record (${state}): ${msg}`, err);
  }
  if (state.startsWith('42') || state === '3F000') {
    return new TransientError(PG_ERROR_CODES.schema, `Postgres schema or privilege problem (${state}): ${msg}`, err);
  }
  if (state.startsWith('08') || state.startsWith('53') || state.startsWith('57') || state === '58000' || state === '58030') {
    return new TransientError(PG_ERROR_CODES.unavailable, `Postgres unavailable (${state}): ${msg}`, err);
  }
  return new TransientError(PG_ERROR_CODES.other, `Postgres error (${state}): ${msg}`, err);
}
