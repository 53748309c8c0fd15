/**
 * Event ids and timestamps. Ids are UUIDv7 (time-ordered, so they sort by creation time and index
 * well); timestamps are RFC 3339 UTC with microseconds, strictly increasing within a process.
 */
import { randomFillSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { v7 as uuidv7 } from 'uuid';

/**
 * Random bytes for ids, drawn 4 KiB (256 ids) at a time. `uuid` keeps a pool of 256 bytes, so it asks
 * the kernel for entropy every 16 ids; in a busy app each of those calls cost the app's thread 20-40 µs
 * (measured at 1 500 req/s, docs/benchmarks.md, twelfth round), about what a whole audit event costs
 * to build otherwise.
 */
const ID_POOL_BYTES = 4096;
const idPool = new Uint8Array(ID_POOL_BYTES);
let idPoolAt = ID_POOL_BYTES;

/** 16 fresh random bytes (a view of the pool: used before the pool is refilled). */
function idRandom(): Uint8Array {
  if (idPoolAt + 16 > ID_POOL_BYTES) {
    randomFillSync(idPool);
    idPoolAt = 0;
  }
  const bytes = idPool.subarray(idPoolAt, idPoolAt + 16);
  idPoolAt += 16;
  return bytes;
}

/**
 * The monotonic state `uuid` keeps for `v7()` without options (RFC 9562 method 1: a 32-bit counter
 * seeded from the random bytes at each new millisecond, incremented within one, and carried into the
 * next millisecond when it wraps). Given its own random bytes, `v7` does not keep that state itself.
 */
const idState = { msecs: -Infinity, seq: 0 };

/** A new lowercase UUIDv7; ids made in one process sort in creation order. */
export function newEventId(): string {
  const random = idRandom();
  const now = Date.now();
  if (now > idState.msecs) {
    idState.seq = (random[6]! << 23) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
    idState.msecs = now;
  } else {
    idState.seq = (idState.seq + 1) | 0;
    if (idState.seq === 0) idState.msecs++;
  }
  return uuidv7({ random, msecs: idState.msecs, seq: idState.seq });
}

/** Formats microseconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SS.ffffffZ`. */
export function formatTimestampMicros(epochMicros: bigint | number): string {
  let ms: number;
  let micros: number;
  if (typeof epochMicros === 'number' && Number.isSafeInteger(epochMicros)) {
    // Plain number arithmetic, exact for safe integers (every instant until the year 2255): BigInt
    // division cost more than the rest of the formatting. `%` keeps the sign; the fraction must not.
    micros = ((epochMicros % 1000) + 1000) % 1000;
    ms = (epochMicros - micros) / 1000;
  } else {
    const big = BigInt(epochMicros);
    let bigMs = big / 1000n;
    let bigMicros = big % 1000n;
    if (bigMicros < 0n) {
      // BigInt division truncates toward zero; keep the fraction positive for instants before 1970.
      bigMicros += 1000n;
      bigMs -= 1n;
    }
    ms = Number(bigMs);
    micros = Number(bigMicros);
  }
  // The date and time up to the second change once a second: formatted once (Date and toISOString
  // were most of the cost of a timestamp), the fraction written from numbers.
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    cachedSecondText = new Date(second * 1000).toISOString().slice(0, -5); // …T10:00:00 (of …T10:00:00.000Z)
    cachedSecond = second;
  }
  return `${cachedSecondText}.${String((ms - second * 1000) * 1000 + micros).padStart(6, '0')}Z`;
}

/** The second {@link formatTimestampMicros} formatted last, and its text up to the second. */
let cachedSecond = NaN;
let cachedSecondText = '';

const TS_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.(\d{6})Z$/;

/** Parses a contract timestamp back to microseconds since the epoch; `undefined` when malformed. */
export function parseTimestampMicros(ts: string): bigint | undefined {
  const m = TS_RE.exec(ts);
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(seconds)) return undefined;
  return BigInt(seconds) * 1000n + BigInt(m[2] as string);
}

// Wall clock has millisecond resolution; the monotonic clock (performance.now, hrtime) supplies the
// microseconds. The anchor ties it to the wall clock and is reset whenever they drift apart by a
// millisecond or more (NTP steps, suspend). Kept as plain numbers: microseconds since the epoch stay
// exact integers below 2^53 (until the year 2255), and BigInt arithmetic cost more than the rest of
// `audit.record()`'s time capture.
let anchor: number | undefined;
let last = 0;

/**
 * Microseconds since the epoch as a number (an exact integer), never equal to or below the previous
 * value returned by this or {@link nowMicros} in this process.
 */
export function nowEpochMicros(): number {
  const wall = Date.now() * 1000;
  const mono = Math.floor(performance.now() * 1000);
  let now = anchor === undefined ? wall : anchor + mono;
  if (now < wall || now >= wall + 1000) {
    anchor = wall - mono;
    now = wall;
  }
  if (now <= last) now = last + 1;
  last = now;
  return now;
}

/** Microseconds since the epoch, never equal to or below the previous call's value in this process. */
export function nowMicros(): bigint {
  return BigInt(nowEpochMicros());
}

/** The current time as a contract timestamp (see {@link nowMicros}). */
export function nowTimestamp(): string {
  return formatTimestampMicros(nowEpochMicros());
}
