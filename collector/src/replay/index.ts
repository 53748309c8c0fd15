export { runReplay, type ReplayOptions, type ReplayReport, type ReplayTarget, type SinkTally } from './replay-runner';
export { compileFilter, mostRecent, recordId, recordTimeMs, type ReplayFilter } from './replay-filter';
export { planRanges, messagesIn, type PartitionRange, type StartAt } from './replay-offsets';
export { replayCommand, choosePipelines, formatReplayReport, parseTime } from './replay-command';
export { createProgress, type Progress } from './progress-bar';
