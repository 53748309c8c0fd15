import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';

/** How the collector reaches ClickHouse. */
export interface ClickHouseConnection {
  url: string;
  database?: string;
  username?: string;
  password?: string;
  request_timeout?: number;
}

/**
 * A `@clickhouse/client` for the collector's own use. The library's console logging is off: it would
 * print unstructured lines next to the collector's JSON logs, with the server's text, which may
 * quote the values it refused. Every failure reaches the code that made the request, which reports
 * it through the collector's logger (by server error code, see clickhouse-errors.ts).
 */
export function createClickHouseClient(connection: ClickHouseConnection): ClickHouseClient {
  return createClient({ ...connection, log: { level: ClickHouseLogLevel.OFF } });
}
