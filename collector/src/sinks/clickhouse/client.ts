import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';

/** Where and as whom the collector reaches ClickHouse, in the names of the collector's configs. */
export interface ClickHouseConnection {
  url: string;
  /** The client's default database; none for a client that creates it. */
  database?: string;
  username?: string;
  password?: string;
  requestTimeoutMs?: number;
}

/**
 * A `@clickhouse/client` for the collector's own use, from any of its configs (only the connection's
 * fields are read). The library's console logging is off: it would print unstructured lines next to
 * the collector's JSON logs, with the server's text, which may quote the values it refused. Every
 * failure reaches the code that made the request, which reports it through the collector's logger (by
 * server error code, see clickhouse-errors.ts).
 */
export function createClickHouseClient({ url, database, username, password, requestTimeoutMs }: ClickHouseConnection): ClickHouseClient {
  return createClient({ url, database, username, password, request_timeout: requestTimeoutMs, log: { level: ClickHouseLogLevel.OFF } });
}
