import type { PoolClient } from 'pg';
import type { JournalEvent } from '@hindsight/sdk/contract';
import { copyCsv } from './copy-csv';
import { JOURNAL_INSERT_COLUMNS, journalRow } from './rows';
import { query } from './sql-files';

/** The per-connection staging table of journal batches (queries/journal-stage.sql). */
const JOURNAL_STAGE = 'pg_temp.hindsight_journal_stage';

/**
 * Creates the journal staging table on a new pooled connection, outside any transaction and after
 * `SET ROLE`, so it belongs to the writer's own temporary schema and lives as long as the connection.
 */
export async function prepareJournalStage(client: PoolClient): Promise<void> {
  await client.query(query('journal-stage'));
}

/**
 * Inserts journal events inside the caller's transaction: the batch is COPYed into the staging table
 * (text of every value in CSV, parsed by Postgres as COPY parses it), then moved into journal_event by
 * one statement (ON CONFLICT (event_id, ts) DO NOTHING, so redelivery adds nothing) that also upserts
 * journal_run from the rows actually inserted. The staging table empties itself at commit.
 */
export async function insertJournalEvents(client: PoolClient, events: readonly JournalEvent[]): Promise<void> {
  if (events.length === 0) return;
  await copyCsv(client, JOURNAL_STAGE, JOURNAL_INSERT_COLUMNS, events.map(journalRow));
  await client.query(query('journal-insert'));
}
