export { pinRun, unpinRun, getRunPin, isPinMode, PIN_MODES, SLIM_DROPPED_DETAIL_KEYS, type PinMode, type PinOptions, type RunPin, type Queryable } from './pin-run';
export { readRunJournal, type StoredJournalEvent } from './run-journal';
export { runPostgresRetention, pinnedIds, type PostgresRetentionOptions, type PostgresRetentionReport, type PartitionAction, type DefaultPartitionAction } from './postgres-retention';
export { runRetention, retentionTargets, type RetentionTargets, type RetentionRunReport, type RunRetentionOptions } from './retention-job';
export { RetentionScheduler } from './retention-scheduler';
export { retentionCommand, pinCommands, formatRetentionReport } from './retention-command';
