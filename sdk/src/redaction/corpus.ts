/**
 * A corpus of secrets as they show up in real telemetry, for unit tests here and for end-to-end tests
 * that read Kafka topics and stores and must find none of them. Every secret is fake but well-formed
 * (the JWT decodes, the card numbers pass Luhn).
 */

/** One secret and a text it hides in. */
export interface CorpusEntry {
  /** What kind of secret, e.g. `jwt`. */
  kind: string;
  /** The exact substring that must not survive redaction. */
  secret: string;
  /** Free text containing the secret. */
  text: string;
  /** Parts of `text` around the secret that must survive. */
  context: readonly string[];
}

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwibmFtZSI6IkFkYSIsImlhdCI6MTcwMDAwMDAwMH0.' +
  'Qm9ndXNTaWduYXR1cmVGb3JUZXN0c09ubHkxMjM0NTY';

/** Secrets in free text. Use {@link corpusSecrets} for the secrets alone. */
export const REDACTION_CORPUS: readonly CorpusEntry[] = [
  { kind: 'jwt', secret: JWT, text: `session established with ${JWT} for user-42`, context: ['session established with', 'for user-42'] },
  { kind: 'bearer', secret: 'hs_live_9f8e7d6c5b4a3f2e1d0c', text: 'GET /api with Authorization: Bearer hs_live_9f8e7d6c5b4a3f2e1d0c failed', context: ['GET /api with Authorization: Bearer', 'failed'] },
  { kind: 'aws-access-key-id', secret: 'AKIAIOSFODNN7EXAMPLE', text: 'using key AKIAIOSFODNN7EXAMPLE in eu-west-1', context: ['using key', 'in eu-west-1'] },
  { kind: 'aws-session-key-id', secret: 'ASIAY34FZKBOKMUTVV7A', text: 'assumed role, key ASIAY34FZKBOKMUTVV7A expires soon', context: ['assumed role, key', 'expires soon'] },
  { kind: 'aws-secret-access-key', secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', text: 'config: aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY region=eu-west-1', context: ['config: aws_secret_access_key=', 'region=eu-west-1'] },
  { kind: 'card-visa-spaced', secret: '4111 1111 1111 1111', text: 'charged card 4111 1111 1111 1111 for 12.00 EUR', context: ['charged card', 'for 12.00 EUR'] },
  { kind: 'card-mastercard-dashed', secret: '5555-5555-5555-4444', text: 'card=5555-5555-5555-4444;', context: ['card=', ';'] },
  { kind: 'card-visa-digit-spaced', secret: '4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1', text: 'card no. 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 on file', context: ['card no.', 'on file'] },
  { kind: 'card-amex-plain', secret: '378282246310005', text: 'amex 378282246310005 declined', context: ['amex', 'declined'] },
  { kind: 'url-password', secret: 'hunter2-S3cret', text: 'connecting to postgres://app:hunter2-S3cret@db.internal:5432/hindsight', context: ['connecting to postgres://app:', '@db.internal:5432/hindsight'] },
  { kind: 'query-password', secret: 'Tr0ub4dor', text: 'callback /login?user=ada&password=Tr0ub4dor&next=/home', context: ['/login?user=ada&password=', '&next=/home'] },
  { kind: 'quoted-assignment', secret: 's3cret pass', text: "dsn host=db user=app password='s3cret pass' sslmode=require", context: ["dsn host=db user=app password='", "' sslmode=require"] },
  { kind: 'hash-arrow', secret: 'p4ss-arrow', text: 'login(:user => "ada", :password => "p4ss-arrow")', context: ['login(:user => "ada", :password => "', '")'] },
  { kind: 'json-field', secret: 'Zx9-hunter2-json', text: 'upstream refused body {"user":"ada","password":"Zx9-hunter2-json","n":2}', context: ['upstream refused body {"user":"ada","password":"', '","n":2}'] },
  { kind: 'basic-auth', secret: 'YWRhOmh1bnRlcjItYmFzaWM=', text: 'GET /admin Authorization: Basic YWRhOmh1bnRlcjItYmFzaWM= rejected', context: ['GET /admin Authorization: Basic', 'rejected'] },
  { kind: 'private-key', secret: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', text: 'key: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY----- loaded', context: ['key:', 'loaded'] },
];

/**
 * Text that looks secret-ish but is not, and must come out unchanged: a card-length number failing
 * Luhn, an epoch in milliseconds, a date, a URL without password, prose mentioning tokens, ids with a
 * card-like run of digits inside.
 */
export const MUST_SURVIVE: readonly string[] = [
  'order 4111 1111 1111 1112 shipped',
  'batch took 1768471200123 ms since epoch',
  'run 2026-01-15T10:00:00.123456Z started',
  'see https://user@example.com/docs and http://example.com:8080/path',
  'the bearer of this note has 3 tokens left',
  'token_count: 1200 prompt tokens',
  'Basic configuration of the Basic plan',
  "usage {'tokens_used': 1200, 'secretary': 'Bob'}",
  "the 'secret': keep it",
  // Ids whose digits run to a Luhn-valid card length inside the id: a trace id and a UUID. Their digits
  // are none of the corpus's cards, which findLeaks also looks for with separators removed.
  'trace ab5105105105105100cdefabcdefabcd ended',
  'correlation a5105105-1051-0510-5103-abcdefabcdef',
];

/** The secrets of the corpus, for leak checks of arbitrary output. */
export function corpusSecrets(): string[] {
  return REDACTION_CORPUS.map((e) => e.secret);
}

/** Secrets of the corpus found anywhere in `haystack` (a Kafka message, a row, a log file). */
export function findLeaks(haystack: string | Buffer): string[] {
  const text = typeof haystack === 'string' ? haystack : haystack.toString('utf8');
  // Card numbers may be reformatted on the way; look for their digits too.
  const digitsOnly = text.replace(/[ -]/g, '');
  return REDACTION_CORPUS.filter((e) => {
    if (text.includes(e.secret)) return true;
    return /^[\d -]+$/.test(e.secret) && digitsOnly.includes(e.secret.replace(/[ -]/g, ''));
  }).map((e) => e.secret);
}
