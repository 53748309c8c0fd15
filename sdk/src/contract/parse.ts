/**
 * Decoding of contract events from Kafka message values: size limit first (before spending anything on
 * parsing), then JSON, then dispatch on `schema.name` and `schema.version`, then validation.
 */
import { LIMITS } from './constants';
import { violation } from './ajv';
import type { ContractEvent, ValidationResult } from './types';
import { validateContractEvent } from './validate';

/** JSON text must be UTF-8 (RFC 8259); a lenient decode would store U+FFFD instead of the bytes sent. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Parses and validates one message value. Never throws: failures come back as violations. */
export function parseContractEvent(bytes: Buffer | string): ValidationResult<ContractEvent> {
  try {
    const size = typeof bytes === 'string' ? Buffer.byteLength(bytes, 'utf8') : bytes.length;
    if (size > LIMITS.eventMaxBytes) {
      return { ok: false, errors: [violation('', `is ${size} bytes; the limit is ${LIMITS.eventMaxBytes}`)] };
    }
    let text: string;
    try {
      text = typeof bytes === 'string' ? bytes : utf8.decode(bytes);
    } catch {
      return { ok: false, errors: [violation('', 'invalid JSON (the bytes are not valid UTF-8)')] };
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return { ok: false, errors: [violation('', `invalid JSON (${(err as Error).message})`)] };
    }
    return validateContractEvent(value);
  } catch (err) {
    // Only a bug or a hostile input type gets here; the caller still gets a value, not an exception.
    return { ok: false, errors: [violation('', `cannot be decoded (${String(err)})`)] };
  }
}

/**
 * Serializes an event after validating it, so producers send only what consumers will accept.
 * The returned string is the Kafka message value.
 */
export function encodeContractEvent(event: ContractEvent): ValidationResult<string> {
  const checked = validateContractEvent(event);
  if (!checked.ok) return checked;
  return { ok: true, value: JSON.stringify(event) };
}
