import type { Queryable } from './pin-run';
import { retentionSql } from './sql-files';

/** One journal event of a run as stored, with where it was read from. */
export interface StoredJournalEvent {
  event_id: string;
  ts: Date;
  tenant: string;
  service: string;
  correlation_id: string;
  causation_id: string | null;
  trace_id: string | null;
  span_id: string | null;
  actor_id: string;
  actor_type: string;
  scope: string;
  run_id: string | null;
  kind: string;
  severity: string;
  summary: string;
  details: Record<string, unknown> | null;
  pointers: Record<string, string> | null;
  /** True when the row comes from the archive: its partition was dropped by retention. */
  archived: boolean;
}

/**
 * The journal events of run `runId`, oldest first: live rows, plus archived rows of a pinned run whose
 * partitions retention has dropped. Readers of a run (the API, the CLI) use this so a pinned run reads
 * the same before and after retention (as far as its pin mode kept it).
 */
export async function readRunJournal(db: Queryable, runId: string, limit = 10_000): Promise<StoredJournalEvent[]> {
  const { rows } = await db.query<StoredJournalEvent>(retentionSql('run-journal'), [runId, limit]);
  return rows;
}
