import { Pool } from 'pg';
import { createClickHouseClient, describeClickHouseFailure, detectCapabilities } from '../../sinks/clickhouse';
import type { Logger } from '../../telemetry/logger';
import type { ApiConfig } from '../config/api-config';
import type { ClickHouseReader } from '../queries/clickhouse-drilldown';
import { buildApiServer } from './build-server';

/** A listening operator API. */
export interface RunningApi {
  port: number;
  /** Stops listening, ends open streams and closes the pools. */
  close(): Promise<void>;
}

function pool(url: string, config: ApiConfig, name: string): Pool {
  return new Pool({
    connectionString: url,
    max: config.postgres.poolSize,
    application_name: name,
    statement_timeout: config.postgres.statementTimeoutMs,
    connectionTimeoutMillis: 5000,
  });
}

/**
 * Creates the pools (hindsight_reader, hindsight_operator), the ClickHouse client and the server, and
 * listens on `api.host:api.port`. Stores that are down do not stop it: requests answer 503 until they
 * are back, and /readyz says so.
 */
export async function startApi(config: ApiConfig, logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<RunningApi> {
  const reader = pool(config.postgres.readerUrl, config, 'hindsight-api-reader');
  const operator = config.postgres.operatorUrl === undefined ? undefined : pool(config.postgres.operatorUrl, config, 'hindsight-api-operator');
  // An idle pooled connection that dies (store restart) is reported here; the next query reconnects.
  for (const p of [reader, operator]) p?.on('error', (error) => logger.warn('api pool connection lost', { error }));
  let clickhouse: ClickHouseReader | undefined;
  if (config.clickhouse !== undefined) {
    const c = config.clickhouse;
    const client = createClickHouseClient(c);
    // Query parameters exist on current servers only; on 18.16 bindQuery writes escaped literals.
    const caps = await detectCapabilities(client).catch((error: unknown) => {
      logger.warn('api: ClickHouse version unknown; using literals', { reason: describeClickHouseFailure(error) });
      return { queryParams: false };
    });
    clickhouse = { client, caps };
  }
  const app = buildApiServer({ config, reader, operator, clickhouse, logger, env });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  logger.info('operator API listening', { host: config.host, port });
  return {
    port,
    async close() {
      app.server.closeAllConnections();
      await app.close();
      await Promise.all([reader.end(), operator?.end(), clickhouse?.client.close()]);
    },
  };
}
