/**
 * Redaction as a property: secrets put anywhere in a generated document (under sensitive keys of any
 * spelling, at any depth, in arrays; or inside free text: tokens, JWTs, URL passwords, AWS keys,
 * `password=` assignments, payment cards) never survive any of the redactor's entry points: the deep
 * copy (audit details, journal), in-place redaction of parsed JSON, and a pino line prepared for
 * export. The fixed corpus (corpus.ts) holds the cases known by name; this looks for the ones not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createRedactor } from './redactor';
import { prepareLogLine } from '../logging/log-line';

const redactor = createRedactor({});

const chars = (alphabet: string, min: number, max: number) => fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const B64URL = `${ALNUM}-_`;

/** A Luhn-valid card number of 16 digits (issuer digit 2-6), as digits or in groups of four. */
const card = fc.tuple(fc.constantFrom('2', '3', '4', '5', '6'), chars('0123456789', 14, 14), fc.constantFrom('', ' ', '-')).map(([issuer, body, sep]) => {
  const partial = issuer + body;
  let sum = 0;
  for (let i = 0; i < partial.length; i++) {
    let d = Number(partial[partial.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  const digits = partial + String((10 - (sum % 10)) % 10);
  return { text: digits.match(/.{4}/g)!.join(sep), secret: digits.match(/.{4}/g)!.join(sep) };
});

/** A secret inside text: what is written, and the part that must not leave the app. */
const secretInText: fc.Arbitrary<{ text: string; secret: string }> = fc.oneof(
  chars(B64URL, 10, 30).map((t) => ({ text: `Bearer ${t}`, secret: t })),
  fc.tuple(chars(B64URL, 8, 20), chars(B64URL, 8, 20), chars(B64URL, 8, 20)).map(([a, b, c]) => ({ text: `eyJ${a}.${b}.${c}`, secret: `eyJ${a}.${b}.${c}` })),
  chars(`${ALNUM}!$%*`, 6, 20).map((pw) => ({ text: `postgres://app:${pw}@db.internal:5432/main`, secret: `:${pw}@` })),
  chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 16, 16).map((k) => ({ text: `AKIA${k}`, secret: `AKIA${k}` })),
  fc.tuple(fc.constantFrom('password', 'PASSWORD', 'api_key', 'apiKey', 'token', 'secret', 'pwd'), chars(`${ALNUM}!.:/+`, 6, 24)).map(([k, v]) => ({ text: `${k}=${v}`, secret: `=${v}` })),
  // Quoted forms: a libpq-style quoted value with spaces, a JSON body, a Ruby hash, HTTP Basic.
  fc.tuple(fc.constantFrom('password', 'api_key', 'client_secret'), chars(`${ALNUM} !.:/`, 6, 24)).map(([k, v]) => ({ text: `${k}='${v}'`, secret: `'${v}'` })),
  fc.tuple(fc.constantFrom('password', 'apiKey', 'access_token', 'Authorization', 'db_password'), chars(`${ALNUM} !.:/`, 6, 24)).map(([k, v]) => ({ text: `{"user":"ada","${k}":"${v}"}`, secret: `"${v}"` })),
  fc.tuple(fc.constantFrom('password', 'secret', 'api_key'), chars(`${ALNUM}!.`, 6, 24)).map(([k, v]) => ({ text: `:${k} => "${v}"`, secret: `"${v}"` })),
  fc.tuple(chars(ALNUM, 1, 12), chars(`${ALNUM}!.-`, 4, 20)).map(([u, pw]) => {
    const b64 = Buffer.from(`${u}:${pw}`).toString('base64');
    return { text: `Authorization: Basic ${b64}`, secret: b64 };
  }),
  card,
);

/** Key names the redactor must treat as sensitive, in the spellings apps use. */
const sensitiveKey = fc.constantFrom(
  'password', 'Password', 'DB_PASSWORD', 'db-password', 'passwd', 'apiKey', 'api_key', 'x-api-key', 'X-API-KEY', 'authorization',
  'Authorization', 'githubToken', 'stripe_secret', 'client_secret', 'Set-Cookie', 'cookie', 'privateKey', 'accessToken',
  'refresh_token', 'http.request.header.authorization', 'credentials', 'passphrase', 'aws_secret_access_key', 'sessionToken',
);
const plainKey = fc.constantFrom('user', 'order', 'items', 'note', 'meta', 'tokens_used', 'secretary', 'count', 'description', 'headers');
const words = chars('abcdefghij klmnop,.;()', 0, 12);

interface Doc {
  value: unknown;
  secrets: string[];
}

const tree: fc.Arbitrary<Doc> = fc.letrec<{ node: Doc }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 1 }).map((value) => ({ value, secrets: [] })),
    // Free text carrying a secret, with words around it.
    fc.tuple(words, secretInText, words).map(([a, s, b]) => ({ value: `${a} ${s.text} ${b}`, secrets: [s.secret] })),
    // A sensitive key, whatever its value holds (a string, a number, a nested object or array).
    fc.tuple(sensitiveKey, chars(ALNUM, 12, 20), fc.constantFrom('string', 'nested', 'array', 'number')).map(([key, token, shape]) => {
      const secret = `sk_${token}`;
      const value = shape === 'string' ? secret : shape === 'nested' ? { value: secret, again: { deeper: secret } } : shape === 'array' ? [secret, { x: secret }] : 4242424242;
      return { value: { [key]: value }, secrets: shape === 'number' ? ['4242424242'] : [secret] };
    }),
    fc.array(tie('node'), { maxLength: 3 }).map((items) => ({ value: items.map((d) => d.value), secrets: items.flatMap((d) => d.secrets) })),
    fc.array(fc.tuple(plainKey, tie('node')), { maxLength: 4 }).map((entries) => {
      const value: Record<string, unknown> = {};
      const secrets: string[] = [];
      for (const [k, d] of entries) {
        // A later entry under the same key replaces the earlier one, secrets and all.
        value[k] = d.value;
      }
      for (const [k, d] of entries) if (value[k] === d.value) secrets.push(...d.secrets);
      return { value, secrets };
    }),
  ),
})).node;

/** The secrets of `doc` found in `output` (as its JSON text). */
function leaks(doc: Doc, output: unknown): string[] {
  const text = JSON.stringify(output);
  return doc.secrets.filter((s) => text.includes(JSON.stringify(s).slice(1, -1)));
}

test('property: a secret anywhere in a document leaves no redactor entry point', () => {
  fc.assert(
    fc.property(tree, (doc) => {
      const wrapped = { event: doc.value };
      assert.deepEqual(leaks(doc, redactor.redactObject(wrapped)), [], 'redactObject');
      assert.deepEqual(leaks(doc, redactor.redactJsonInPlace(JSON.parse(JSON.stringify(wrapped)))), [], 'redactJsonInPlace');
      const line = JSON.stringify({ level: 30, time: 1, msg: 'event', ...wrapped });
      const entry = prepareLogLine({ logId: 'l-1', level: 30, line, context: { tenant: 'acme' } }, redactor);
      assert.deepEqual(leaks(doc, entry.record), [], 'a prepared log line');
    }),
    { numRuns: 1000 },
  );
});

test('property: a secret in a span attribute map (dotted keys, string arrays) is redacted', () => {
  const prefix = fc.constantFrom('', 'http.request.header.', 'db.', 'app.config.', 'rpc.metadata.');
  const attribute = fc.oneof(
    fc.tuple(prefix, sensitiveKey, chars(ALNUM, 12, 20)).map(([p, k, t]) => ({ key: `${p}${k}`, value: `sk_${t}` as string | string[], secret: `sk_${t}` })),
    fc.tuple(prefix, plainKey, words, secretInText, fc.boolean()).map(([p, k, w, s, asArray]) => ({ key: `${p}${k}`, value: asArray ? [w, `${w} ${s.text}`] : `${w} ${s.text} ${w}`, secret: s.secret })),
  );
  fc.assert(
    fc.property(fc.uniqueArray(attribute, { selector: (a) => a.key, maxLength: 6 }), (attrs) => {
      const map = Object.fromEntries(attrs.map((a) => [a.key, a.value]));
      const out = JSON.stringify(redactor.redactAttributes(map));
      for (const a of attrs) assert.ok(!out.includes(JSON.stringify(a.secret).slice(1, -1)), `${a.key}: ${a.secret} survived in ${out}`);
    }),
    { numRuns: 1000 },
  );
});
