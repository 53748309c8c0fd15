import { createHash } from 'node:crypto';
import type { AuditRow } from './rows';

/** prev_hash of a tenant's first row (seq 1). */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** Version of the canonical form below; part of every hashed document, so a future form can coexist. */
export const CHAIN_VERSION = 1;

/**
 * The audit row's fields that the chain covers, exactly as stored: every contract field (column
 * spelling) plus `seq`. Absent optional fields are null. `ts` is UTC with six fractional digits as
 * Postgres prints it; `seq` is a decimal string (bigint).
 */
export interface AuditChainFields extends Omit<AuditRow, 'details'> {
  /** As parsed back from jsonb by verify-audit: any JSON value. */
  details: unknown;
  seq: string;
}

/**
 * Canonical JSON: no whitespace, object keys sorted by UTF-16 code units at every depth, members
 * whose value is undefined left out (as JSON.stringify does), strings and numbers as JSON.stringify
 * writes them. Numbers survive a jsonb round trip unchanged (jsonb keeps the decimal JSON.stringify
 * wrote, JSON.parse reads back the same double), so the insert path and verify-audit agree.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot serialize a ${typeof value}`);
  }
}

/** The document a row's hash covers: its chain fields plus `chain_version`, in canonical JSON. */
export function canonicalAuditDocument(fields: AuditChainFields): string {
  return canonicalJson({ ...fields, details: fields.details ?? null, chain_version: CHAIN_VERSION });
}

/** sha256(prev_hash || UTF-8 bytes of the canonical document). */
export function chainHash(prevHash: Buffer, fields: AuditChainFields): Buffer {
  return createHash('sha256').update(prevHash).update(canonicalAuditDocument(fields), 'utf8').digest();
}
