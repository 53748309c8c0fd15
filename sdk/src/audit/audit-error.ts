/**
 * Why `audit.record()` rejected. Codes: AUDIT_INVALID (the event breaks the contract; fix the call),
 * AUDIT_TIMEOUT (Kafka did not acknowledge within `auditAckTimeoutMs`), AUDIT_REJECTED (Kafka refused
 * it for good), AUDIT_SHUTDOWN (recorded during or after `shutdown()`).
 */
import type { ContractViolation } from '../contract';

/** Stable codes of {@link AuditError}. */
export type AuditErrorCode = 'AUDIT_INVALID' | 'AUDIT_TIMEOUT' | 'AUDIT_REJECTED' | 'AUDIT_SHUTDOWN';

/** The rejection of an audit event. */
export class AuditError extends Error {
  readonly code: AuditErrorCode;
  /** Only AUDIT_TIMEOUT may pass if recorded again later. */
  readonly retriable: boolean;
  /** Contract violations, for AUDIT_INVALID. */
  readonly violations: readonly ContractViolation[];

  constructor(code: AuditErrorCode, message: string, violations: readonly ContractViolation[] = []) {
    super(message);
    this.name = 'AuditError';
    this.code = code;
    this.retriable = code === 'AUDIT_TIMEOUT';
    this.violations = violations;
  }
}
