/**
 * Decoding of contract events from Kafka message values: size limit first (before spending anything on
 * parsing), then JSON, then dispatch on `schema.name` and `schema.version`, then validation.
 */
import { LIMITS } from './constants';
import { violation } from './ajv';
import type { ContractEvent, ValidationResult } from './types';
import { serializeContractEvent, validateContractEventWithin } from './validate';

/** JSON text must be UTF-8 (RFC 8259); a lenient decode would store U+FFFD instead of the bytes sent. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes `e`/`E` (0x65, 0x45) and the digits `0`–`9`. */
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;

/**
 * An upper bound of the UTF-8 size of `JSON.stringify(JSON.parse(text))` for the UTF-8 JSON text in
 * `bytes`, so the size limits need no re-serialization of the parsed value when it cannot exceed them.
 *
 * Re-serializing never lengthens anything but exponent numbers: whitespace, duplicate keys, `\/`,
 * `\uXXXX` of printable characters and extra digits only shrink, every character JSON.stringify
 * escapes must already be escaped at least as long in valid JSON text (`\"`, `\\`, `\n` … `\u0001`,
 * a lone surrogate as `\ud800`: raw it is not valid UTF-8), and the shortest round-trip digits of a
 * number are never more than the digits written. An exponent number grows by at most 17 bytes and
 * to at most 5.25 × its own length (`1e20` → `100000000000000000000`; the longest number JSON.stringify
 * writes is 25 characters), so the result is at most 6 × the input; when that could pass `limit`, each
 * exponent marker (a digit followed by `e`/`E`, counted inside strings too, which only over-counts)
 * adds 17.
 */
export function serializedSizeBound(bytes: Uint8Array, limit: number): number {
  const size = bytes.length;
  if (size * 6 <= limit) return size * 6;
  let exponents = 0;
  for (let i = 1; i < size; i++) {
    const b = bytes[i]!;
    if ((b === LOWER_E || b === UPPER_E) && isDigit(bytes[i - 1])) exponents++;
  }
  return size + 17 * exponents;
}

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
    // Strings may hold lone surrogates (3 bytes counted, 6 serialized): their sizes are measured exactly.
    const bound = typeof bytes === 'string' ? Infinity : serializedSizeBound(bytes, LIMITS.detailsMaxBytes);
    return validateContractEventWithin(value, bound);
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
  const checked = serializeContractEvent(event);
  return checked.ok ? { ok: true, value: checked.value.json } : checked;
}
