/**
 * `journal.emit()`: notable steps of runs, components and the system, with a severity. Like logs, the
 * call only captures context and queues; the event is built, redacted and validated in the background.
 * Journal events go through a bounded queue: INFO/DEBUG are shed under overload, WARN/ERROR kept.
 * An event that breaks the contract is dropped (counted as `invalid`) and reported to the error handler.
 */
import { formatViolations, newEventId, nowTimestamp, serializeJournalEvent, SEVERITIES, type JournalEmitInput, type JournalEvent, type SerializedEvent } from '../contract';
import type { Redactor } from '../redaction';
import { serializedBatch, type Exporter } from '../exporter/exporter';
import type { Diagnostics } from '../diagnostics/diagnostics';
import { captureCallSite, stampEnvelope, type CallSite } from '../pipeline/event-envelope';
import { snapshotJournalInput } from '../pipeline/input-snapshot';
import { Lane, type LanePolicy } from '../pipeline/lane';
import type { Pipeline } from '../pipeline/pipeline';

const KNOWN_SEVERITIES: ReadonlySet<string> = new Set(SEVERITIES);

interface RawJournal extends CallSite {
  input: JournalEmitInput;
  eventId: string;
  ts: string;
}

/** Settings of the journal. */
export interface JournalConfig {
  serviceName: string;
  tenant: string;
  capacity: number;
  maxBatchSize: number;
  redactor: Redactor;
  diagnostics: Diagnostics;
  onDrop: LanePolicy<RawJournal, SerializedEvent<JournalEvent>>['onDrop'];
}

/** Emits journal events. */
export interface Journal {
  /** Queues an event; returns its event id (usable in pointers), or undefined if it was shed. */
  emit(input: JournalEmitInput): string | undefined;
}

/** Builds the journal lane and emitter. */
export function createJournal(config: JournalConfig, exporter: Exporter, pipeline: Pipeline): { journal: Journal; lane: Lane<RawJournal, SerializedEvent<JournalEvent>> } {
  const build = (r: RawJournal): SerializedEvent<JournalEvent> | undefined => {
    const { input, ctx } = r;
    // Completed in place, like an audit event's envelope (no second object the fields are copied into).
    const candidate = stampEnvelope(r, config, { kind: 'journal', eventId: r.eventId, ts: r.ts, correlationFallback: input.runId ?? ctx?.runId ?? r.eventId });
    candidate['scope'] = input.scope;
    candidate['run_id'] = input.runId ?? ctx?.runId ?? null;
    candidate['kind'] = input.kind;
    candidate['severity'] = input.severity;
    candidate['summary'] = typeof input.summary === 'string' ? config.redactor.redactValue(input.summary) : input.summary;
    if (input.details !== undefined) candidate['details'] = config.redactor.redactObject(input.details);
    // Links are URLs: a token in a query string or credentials in one leave the app like any text.
    if (input.pointers !== undefined) candidate['pointers'] = config.redactor.redactObject(input.pointers);
    const checked = serializeJournalEvent(candidate);
    if (!checked.ok) {
      config.diagnostics.report(new Error(`journal event refused: ${formatViolations(checked.errors)}`), 'journal');
      return undefined;
    }
    return checked.value;
  };
  const isHigh = (r: RawJournal) => r.input.severity === 'WARN' || r.input.severity === 'ERROR';
  const lane = new Lane<RawJournal, SerializedEvent<JournalEvent>>(
    {
      kind: 'journal',
      capacity: config.capacity,
      maxBatchSize: config.maxBatchSize,
      isHighPriority: isHigh,
      // A label of the drop counter: anything but a known severity is one value, not a series per typo.
      levelOf: (r) => (KNOWN_SEVERITIES.has(r.input?.severity as string) ? r.input.severity : 'INVALID'),
      prepare: build,
      toBatch: (items) => serializedBatch('journal', items),
      onDrop: config.onDrop,
      onFailure: (error) => config.diagnostics.report(error, 'export.journal'),
    },
    exporter,
  );
  const journal: Journal = {
    emit(input: JournalEmitInput): string | undefined {
      try {
        if (pipeline.isStopped) return undefined;
        // Copied on the call, like an audit input (see input-snapshot.ts).
        const raw: RawJournal = { ...captureCallSite(), input: snapshotJournalInput(input), eventId: newEventId(), ts: nowTimestamp() };
        if (!lane.queue.offer(raw)) return undefined;
        if (isHigh(raw) || lane.queue.size >= config.maxBatchSize) pipeline.nudge(lane);
        return raw.eventId;
      } catch (error) {
        config.diagnostics.report(error, 'journal');
        return undefined;
      }
    },
  };
  return { journal, lane };
}
