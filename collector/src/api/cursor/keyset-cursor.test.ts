import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { decodeCursor, encodeCursor, InvalidCursorError } from './keyset-cursor';
import { TokenVerifier } from '../auth/bearer-auth';
import { parseApiConfig } from '../config/parse-api-config';

const pos = { ts: '2026-01-15T10:00:00.123456Z', id: '0190b5a4-6f1e-7c3a-9b2d-4e5f6a7b8c9d' };

describe('keyset cursors', () => {
  it('round-trip journal, audit and run positions with microseconds', () => {
    assert.deepEqual(decodeCursor('journal', encodeCursor('journal', pos)), pos);
    assert.deepEqual(decodeCursor('audit', encodeCursor('audit', pos)), pos);
    const run = { ts: '1999-12-31T23:59:59.000001Z', id: 'run-ü:2026/01' };
    assert.deepEqual(decodeCursor('runs', encodeCursor('runs', run)), run);
  });
  it('refuse malformed cursors, other lists and other versions', () => {
    const good = Buffer.from(encodeCursor('journal', pos), 'base64url');
    const other = Buffer.from(good);
    other[0] = 2;
    for (const bad of ['', 'AAAA', 'not base64!', encodeCursor('audit', pos), other.toString('base64url'), good.subarray(0, 20).toString('base64url')]) {
      assert.throws(() => decodeCursor('journal', bad), InvalidCursorError, bad);
    }
  });
});

describe('bearer tokens and the api config', () => {
  const secret = 'a-very-long-test-token-1234';
  const sha = createHash('sha256').update(secret).digest('hex');
  it('accepts only configured tokens, from hashes or the environment', () => {
    const v = new TokenVerifier(
      [
        { name: 'a', sha256: sha, tenants: ['acme'], admin: false },
        { name: 'b', env: 'TOKEN_B', tenants: ['*'], admin: true },
      ],
      { TOKEN_B: 'another-long-token-5678' },
    );
    assert.deepEqual(v.verify(`Bearer ${secret}`), { name: 'a', tenants: ['acme'], admin: false });
    assert.equal(v.verify('Bearer another-long-token-5678')?.name, 'b');
    for (const h of [undefined, '', secret, `Basic ${secret}`, `Bearer ${secret}x`, 'Bearer  x']) assert.equal(v.verify(h), undefined, String(h));
  });
  it('refuses a wildcard tenant on a non-admin token and tokens with both or neither secret', () => {
    const base = { postgres: { readerUrl: 'postgres://x' } };
    assert.throws(() => parseApiConfig({ ...base, tokens: [{ name: 'a', sha256: sha, tenants: ['*'] }] }), /admin tokens only/);
    assert.throws(() => parseApiConfig({ ...base, tokens: [{ name: 'a', tenants: ['acme'] }] }), /exactly one of sha256, env/);
    assert.throws(() => parseApiConfig({ ...base, tokens: [{ name: 'a', sha256: sha, tenants: ['acme'] }], extra: 1 }), /api/);
    const ok = parseApiConfig({ ...base, tokens: [{ name: 'a', sha256: sha, tenants: ['acme'] }] });
    assert.equal(ok.port, 9470);
    assert.equal(ok.stream.pollIntervalMs, 500);
  });
});
