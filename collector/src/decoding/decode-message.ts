import { parseContractEvent, type ContractViolation } from '@hindsight/sdk/contract';
import { ERROR_CODES } from '../errors/codes';
import { HindsightError, PermanentError } from '../errors/hindsight-error';
import type { Origin, RecordKind, SinkRecord } from '../sinks/records';
import { decodeLogs, decodeSpans } from './otlp-flatten';

/** What the decoder needs to know about a message's source. */
export interface DecodeSource {
  kind: RecordKind;
  maxMessageBytes: number;
}

/** Decoded records, or the permanent error that sends the message to the dead-letter topic. */
export type DecodeResult = { ok: true; records: SinkRecord[] } | { ok: false; error: PermanentError };

function classify(errors: readonly ContractViolation[]): string {
  const first = errors[0];
  if (first === undefined) return ERROR_CODES.contractInvalid;
  if (first.path === 'schema.version') return ERROR_CODES.contractUnknownVersion;
  if (first.path === 'schema.name') return ERROR_CODES.contractUnknownSchema;
  if (first.path === '' && first.message.includes('invalid JSON')) return ERROR_CODES.jsonInvalid;
  if (first.path === '' && first.message.includes('bytes; the limit is')) return ERROR_CODES.messageOversized;
  return ERROR_CODES.contractInvalid;
}

function decodeContract(value: Buffer, kind: 'audit' | 'journal', origin: Origin): SinkRecord[] {
  const parsed = parseContractEvent(value);
  if (!parsed.ok) {
    const text = parsed.errors.slice(0, 5).map((e) => e.message).join('; ');
    throw new PermanentError(classify(parsed.errors), text);
  }
  const event = parsed.value;
  const actual = event.schema.name === 'hindsight.audit' ? 'audit' : 'journal';
  if (actual !== kind) {
    throw new PermanentError(ERROR_CODES.contractKindMismatch, `a ${event.schema.name} event on a source declared as ${kind}`);
  }
  return kind === 'audit'
    ? [{ kind: 'audit', event: event as Extract<SinkRecord, { kind: 'audit' }>['event'], origin }]
    : [{ kind: 'journal', event: event as Extract<SinkRecord, { kind: 'journal' }>['event'], origin }];
}

/**
 * Turns one Kafka message value into sink records. Never throws: anything wrong with the input comes
 * back as a PermanentError (size first, before any parsing cost is spent).
 */
export function decodeMessage(value: Buffer | null, source: DecodeSource, origin: Origin): DecodeResult {
  try {
    // A zero-length value is a valid (empty) OTLP request; only a missing value (a tombstone) is refused.
    if (value === null) {
      throw new PermanentError(ERROR_CODES.messageEmpty, 'message has no value');
    }
    if (value.length > source.maxMessageBytes) {
      throw new PermanentError(ERROR_CODES.messageOversized, `message is ${value.length} bytes; the limit is ${source.maxMessageBytes}`);
    }
    switch (source.kind) {
      case 'span':
        return { ok: true, records: decodeSpans(value).map((span) => ({ kind: 'span', span, origin })) };
      case 'log':
        return { ok: true, records: decodeLogs(value).map((log) => ({ kind: 'log', log, origin })) };
      case 'audit':
      case 'journal':
        return { ok: true, records: decodeContract(value, source.kind, origin) };
    }
  } catch (err) {
    if (err instanceof PermanentError) return { ok: false, error: err };
    const message = err instanceof HindsightError ? err.message : String(err);
    return { ok: false, error: new PermanentError(ERROR_CODES.otlpDecodeFailed, `cannot decode: ${message}`, err) };
  }
}
