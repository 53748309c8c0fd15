import type { PoolClient } from 'pg';
import type { JournalEvent } from '@hindsight/sdk/contract';
import { JOURNAL_INSERT_COLUMNS, columnArrays, journalRow } from './rows';
import { query } from './sql-files';

/**
 * Inserts journal events in one statement (ON CONFLICT (event_id, ts) DO NOTHING, so redelivery adds
 * nothing) and upserts journal_run from the rows actually inserted, inside the caller's transaction.
 */
export async function insertJournalEvents(client: PoolClient, events: readonly JournalEvent[]): Promise<void> {
  if (events.length === 0) return;
  await client.query(query('journal-insert'), columnArrays(events.map(journalRow), JOURNAL_INSERT_COLUMNS));
}
