import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createRedactor } from './redactor';
import { MUST_SURVIVE, REDACTION_CORPUS, corpusSecrets, findLeaks } from './corpus';
import { luhnValid } from './patterns';

const r = createRedactor();

test('no corpus secret survives in free text, and the surrounding text does', () => {
  for (const entry of REDACTION_CORPUS) {
    const out = r.redactValue(entry.text);
    assert.ok(!out.includes(entry.secret), `${entry.kind} leaked: ${out}`);
    assert.ok(out.includes('[REDACTED]'), `${entry.kind}: ${out}`);
    for (const c of entry.context) assert.ok(out.includes(c), `${entry.kind} lost "${c}": ${out}`);
  }
});

test('look-alikes are left alone (non-Luhn card number, epochs, dates, plain URLs, prose)', () => {
  assert.equal(luhnValid('4111111111111112'), false);
  assert.equal(luhnValid('4111111111111111'), true);
  for (const text of MUST_SURVIVE) assert.equal(r.redactValue(text), text);
});

test('secrets in values under unknown keys, nested objects and arrays are redacted', () => {
  const input = {
    message: REDACTION_CORPUS.map((e) => e.text).join(' | '),
    nested: { deeper: { notes: REDACTION_CORPUS.map((e) => e.text) } },
    list: [{ comment: REDACTION_CORPUS[0]?.text }, REDACTION_CORPUS[1]?.text],
    keep: 'visible',
    count: 3,
  };
  const out = r.redactObject(input);
  assert.deepEqual(findLeaks(JSON.stringify(out)), []);
  assert.equal(out.keep, 'visible');
  assert.equal(out.count, 3);
  // The input is a deep copy source, never modified.
  assert.deepEqual(findLeaks(JSON.stringify(input)).sort(), corpusSecrets().sort());
});

test('sensitive key names are censored anywhere, whatever their case or separator', () => {
  const out = r.redactObject({
    Password: 'p1',
    user: { name: 'ada', db_password: 'p2', apiKey: 'k1', 'X-Api-Key': 'k2' },
    headers: { Authorization: 'Basic YWRhOnB3', cookie: 'sid=1', 'set-cookie': ['a=1', 'b=2'] },
    sessions: [{ access_token: 't1', refreshToken: 't2' }],
    token_count: 12,
    secretary: 'Grace',
    client_secret: { nested: 'object' },
    private_key: null,
  });
  assert.deepEqual(out, {
    Password: '[REDACTED]',
    user: { name: 'ada', db_password: '[REDACTED]', apiKey: '[REDACTED]', 'X-Api-Key': '[REDACTED]' },
    headers: { Authorization: '[REDACTED]', cookie: '[REDACTED]', 'set-cookie': '[REDACTED]' },
    sessions: [{ access_token: '[REDACTED]', refreshToken: '[REDACTED]' }],
    token_count: 12,
    secretary: 'Grace',
    client_secret: '[REDACTED]',
    private_key: null,
  });
});

test('configured paths and keys, custom censor and custom patterns apply', () => {
  const custom = createRedactor({
    paths: ['req.body.pin', '*.ssn', 'items[*].iban', 'meta["x-internal"]'],
    keys: ['pin_code'],
    censor: '***',
    patterns: [{ name: 'employee-id', trigger: /EMP/, regex: /EMP-\d{6}/g }],
  });
  const out = custom.redactObject({
    req: { body: { pin: 1234, other: 1 } },
    pin: 'top-level pin is not in the paths',
    person: { ssn: '123-45-6789' },
    items: [{ iban: 'DE89370400440532013000' }, { iban: 'FR7630006000011234567890189' }],
    meta: { 'x-internal': 'x' },
    PIN_CODE: '0000',
    note: 'owner EMP-123456',
  });
  assert.deepEqual(out, {
    req: { body: { pin: '***', other: 1 } },
    pin: 'top-level pin is not in the paths',
    person: { ssn: '***' },
    items: [{ iban: '***' }, { iban: '***' }],
    meta: { 'x-internal': '***' },
    PIN_CODE: '***',
    note: 'owner ***',
  });
  // Quoted keys inside text are judged by the same configured key rules as structured fields.
  assert.equal(custom.redactValue('body {"pin_code":"4321","pin":"5"}'), 'body {"pin_code":"***","pin":"5"}');
  const noDefaults = createRedactor({ defaultKeys: false, keys: ['pin_code'] });
  assert.equal(noDefaults.redactValue('{"password":"x","pin_code":7}'), '{"password":"x","pin_code":"[REDACTED]"}');
  assert.throws(() => createRedactor({ paths: ['a..b'] }), /paths: cannot parse "a..b"/);
  assert.throws(() => createRedactor({ patterns: [{ name: 'x', regex: /x/ }] }), /patterns: "x" needs the g flag/);
});

test('cycles, Errors, Buffers, Maps, Sets, Dates and depth are handled', () => {
  const cyclic: Record<string, unknown> = { name: 'loop' };
  cyclic['self'] = cyclic;
  const shared = { a: 1 };
  const err = Object.assign(new Error(`login failed for postgres://u:pw123456@db/x`), { code: 'E_AUTH', token: 't' });
  const deep: Record<string, unknown> = {};
  let cur = deep;
  for (let i = 0; i < 30; i++) cur = (cur['n'] = {}) as Record<string, unknown>;
  const out = r.redactObject({
    cyclic,
    twice: [shared, shared],
    err,
    buf: Buffer.from('Bearer abcdefghijklmnop'),
    map: new Map([['password', 'x'], ['ok', 'y']]),
    set: new Set(['a']),
    when: new Date(0),
    deep,
  }) as Record<string, any>;
  assert.equal(out['cyclic'].self, '[Circular]');
  assert.deepEqual(out['twice'], [{ a: 1 }, { a: 1 }]);
  assert.equal(out['err'].name, 'Error');
  assert.equal(out['err'].message, 'login failed for postgres://u:[REDACTED]@db/x');
  assert.ok(!out['err'].stack.includes('pw123456'));
  assert.equal(out['err'].code, 'E_AUTH');
  assert.equal(out['err'].token, '[REDACTED]');
  assert.equal(out['buf'], '[Binary 23 bytes]');
  assert.deepEqual(out['map'], { password: '[REDACTED]', ok: 'y' });
  assert.deepEqual(out['set'], ['a']);
  assert.equal(out['when'].getTime(), 0);
  assert.match(JSON.stringify(out['deep']), /\[Truncated\]/);
});

test('OTel attribute maps: dotted keys judged by their last segment, strings scanned', () => {
  const out = r.redactAttributes({
    'http.request.header.authorization': 'Bearer abcdefghijklmnop',
    'url.full': 'https://ada:s3cr3tpass@api.example.com/v1',
    'db.statement': `SELECT 1 -- ${REDACTION_CORPUS[2]?.text}`,
    'app.tags': ['ok', REDACTION_CORPUS[0]?.text as string],
    'http.status_code': 200,
  });
  assert.equal(out['http.request.header.authorization'], '[REDACTED]');
  assert.equal(out['url.full'], 'https://ada:[REDACTED]@api.example.com/v1');
  assert.deepEqual(findLeaks(JSON.stringify(out)), []);
  assert.equal(out['http.status_code'], 200);
  assert.equal((out['app.tags'] as string[])[0], 'ok');
});

test('redactJsonInPlace censors a parsed record like redactObject, without copying', () => {
  const custom = createRedactor({ paths: ['req.headers.cookie', 'a[*].b'] });
  const record = {
    msg: REDACTION_CORPUS[0]?.text,
    password: 'hunter2',
    nested: { db_password: 'x', list: ['ok', REDACTION_CORPUS[1]?.text, { token: 't' }], n: 1, none: null },
    req: { headers: { cookie: 'c=1', host: 'h' } },
    a: [{ b: 'censored by path', c: 'kept' }],
    corpus: REDACTION_CORPUS.map((e) => e.text),
  };
  const json = JSON.stringify(record);
  const expected = custom.redactObject(JSON.parse(json));
  const parsed = JSON.parse(json) as Record<string, unknown>;
  const nested = parsed['nested'];
  const out = custom.redactJsonInPlace(parsed);
  assert.equal(out, parsed);
  assert.equal(parsed['nested'], nested);
  assert.deepEqual(out, expected);
  assert.deepEqual(findLeaks(JSON.stringify(out)), []);
  const proto = custom.redactJsonInPlace(JSON.parse(`{"__proto__": ${JSON.stringify(REDACTION_CORPUS[0]?.text)}}`) as Record<string, unknown>);
  assert.deepEqual(findLeaks(JSON.stringify(proto)), []);
});

test('redactAttributes returns the same map when nothing needs censoring', () => {
  const attrs = { 'http.route': '/work', 'http.status_code': 200, tags: ['a', 'b'] };
  assert.equal(r.redactAttributes(attrs), attrs);
  const secret = { 'http.route': '/work', password: 'x' };
  const out = r.redactAttributes(secret);
  assert.notEqual(out, secret);
  assert.equal(secret.password, 'x');
  assert.equal(out.password, '[REDACTED]');
});

test('strings without trigger characters come back as the same instance, cheaply', () => {
  const plain = 'GET /api/invoices/42 200 in 12.5 ms for user ada';
  assert.equal(r.redactValue(plain), plain);
  const start = process.hrtime.bigint();
  for (let i = 0; i < 100_000; i++) r.redactValue(plain);
  const perCallNs = Number(process.hrtime.bigint() - start) / 100_000;
  // A generous bound (shared CI cores); the point is no regex pipeline on the common path.
  assert.ok(perCallNs < 2_000, `${perCallNs} ns per call`);
});

test('pinoOptions plug into pino and censor the default keys', () => {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  const logger = pino({ redact: r.pinoOptions }, sink);
  logger.info({ password: 'p', user: { token: 't', name: 'ada' }, req: { headers: { authorization: 'a', host: 'h' } } }, 'hi');
  const line = JSON.parse(lines[0] as string);
  assert.equal(line.password, '[REDACTED]');
  assert.deepEqual(line.user, { token: '[REDACTED]', name: 'ada' });
  assert.deepEqual(line.req.headers, { authorization: '[REDACTED]', host: 'h' });
});
