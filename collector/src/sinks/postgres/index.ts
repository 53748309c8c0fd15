import type { SinkFactory } from '../sink-factory';
import { PostgresSinkConfigSchema } from './config';
import { createPostgresSink } from './postgres-sink';

export { PostgresSink, createPostgresSink } from './postgres-sink';
export { PostgresSinkConfigSchema, parsePostgresSinkConfig, type PostgresSinkConfig, type PostgresSinkConfigInput } from './config';
export { runMigrations, type MigrateOptions, type MigrateResult } from './migrate';
export { verifyAudit, type VerifyAuditOptions, type VerifyAuditResult, type TenantVerdict } from './verify-audit';
export { GENESIS_HASH, CHAIN_VERSION, canonicalJson, canonicalAuditDocument, chainHash, type AuditChainFields } from './audit-chain';
export { PG_ERROR_CODES, classifyPgError } from './pg-errors';
export { columnOf } from './rows';
export { migrateCommand, verifyAuditCommand } from './commands';

/** Registry entry: `type: postgres` in the collector's config; `HINDSIGHT_POSTGRES_URL` sets `url`. */
export const sinkFactory: SinkFactory = {
  type: 'postgres',
  accepts: ['audit', 'journal'],
  optionsSchema: PostgresSinkConfigSchema,
  urlOption: 'url',
  create: (ctx) => createPostgresSink(ctx.options, ctx.name, ctx.metrics),
};
