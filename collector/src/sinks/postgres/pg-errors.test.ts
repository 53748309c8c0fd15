import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { PermanentError, TransientError } from '../../errors/hindsight-error';
import { PG_ERROR_CODES, classifyPgError } from './pg-errors';

const pgError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

test('connection failures are transient POSTGRES_UNAVAILABLE', () => {
  for (const err of [pgError('ECONNREFUSED', 'connect ECONNREFUSED'), new Error('Connection terminated unexpectedly'), pgError('08006'), pgError('57P01')]) {
    const c = classifyPgError(err);
    assert.ok(c instanceof TransientError, String(err));
    assert.equal(c.code, PG_ERROR_CODES.unavailable);
  }
});

test('timeouts, serialization failures, deadlocks and duplicate keys are retried', () => {
  assert.equal(classifyPgError(new Error('timeout exceeded when trying to connect')).code, PG_ERROR_CODES.timeout);
  assert.equal(classifyPgError(pgError('57014')).code, PG_ERROR_CODES.timeout);
  for (const code of ['40001', '40P01', '23505']) {
    const c = classifyPgError(pgError(code));
    assert.ok(c instanceof TransientError);
    assert.equal(c.code, PG_ERROR_CODES.conflict);
  }
});

test('data the server refuses is permanent POSTGRES_REJECTED', () => {
  for (const code of ['22001', '22021', '22P05', '23502', '23514']) {
    const c = classifyPgError(pgError(code));
    assert.ok(c instanceof PermanentError, code);
    assert.equal(c.code, PG_ERROR_CODES.rejected);
  }
});

test('missing tables or privileges are retried, never blamed on the records', () => {
  for (const code of ['42P01', '42501', '3F000']) {
    const c = classifyPgError(pgError(code));
    assert.ok(c instanceof TransientError, code);
    assert.equal(c.code, PG_ERROR_CODES.schema);
  }
});
