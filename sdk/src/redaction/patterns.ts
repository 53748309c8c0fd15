/**
 * Value patterns: secrets recognised by their shape wherever they appear in a string. Each pattern has
 * a cheap trigger; a string that trips no trigger is returned untouched without running any regex.
 */
import { createKeyMatcher, DEFAULT_SENSITIVE_KEYS, type KeyMatcher } from './keys';

/** A secret shape to find in strings. */
export interface RedactionPattern {
  /** Short stable name, for docs and tests. */
  readonly name: string;
  /** Cheap precondition; the regex runs only when it matches. Omitted: the regex always runs. */
  readonly trigger?: RegExp;
  /** Must have the `g` flag. */
  readonly regex: RegExp;
  /**
   * Builds the replacement from the censor and the regex match; by default the whole match is censored.
   * Return the match itself to keep it (e.g. a number that fails the Luhn check).
   */
  readonly replace?: (censor: string, match: string, ...groups: string[]) => string;
}

/** `censor` in place of `value`, inside the quotes `value` had (or `otherwise` when it had none). */
function quoted(value: string, censor: string, otherwise = ''): string {
  const q = value.startsWith('"') || value.startsWith("'") ? value[0]! : otherwise;
  return `${q}${censor}${q}`;
}

/** Luhn checksum, so order numbers and ids of card length are not mistaken for cards. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * The built-in patterns, in the order they run (JWTs before bearer tokens that may carry them).
 * `isSensitive` judges the quoted keys found inside text (`secret-field`): a redactor passes its own
 * key rules, so a key it censors in a structured field is censored in JSON text too, and only then.
 */
export function defaultPatterns(isSensitive: KeyMatcher): RedactionPattern[] {
  return [
    {
      name: 'private-key',
      trigger: /PRIVATE KEY-----/,
      regex: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
    },
    {
      name: 'jwt',
      trigger: /eyJ/,
      regex: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
    },
    {
      name: 'bearer',
      trigger: /[Bb]earer/,
      regex: /\b([Bb]earer\s+)[A-Za-z0-9\-._~+/]{8,}=*/g,
      replace: (censor, _m, prefix) => `${prefix}${censor}`,
    },
    {
      name: 'url-password',
      trigger: /:\/\/[^\s/]*@/,
      // Keeps scheme, user and host: `postgres://app:[REDACTED]@db:5432/x`.
      regex: /(\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s/@]+(@)/g,
      replace: (censor, _m, head, at) => `${head}${censor}${at}`,
    },
    {
      name: 'aws-access-key-id',
      trigger: /A[KS]IA/,
      regex: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
    },
    {
      name: 'aws-secret-access-key',
      trigger: /secret_access_key/i,
      regex: /(aws_secret_access_key["']?\s*[=:]\s*["']?)[A-Za-z0-9/+=]{40}/gi,
      replace: (censor, _m, head) => `${head}${censor}`,
    },
    {
      name: 'secret-assignment',
      trigger: /passw|pwd|secret|token|api[_-]?key/i,
      // `password=…`, `access_token=…`, `x_api_key = …` in query strings, env dumps and free text; also a
      // quoted key or value (`password='s3 cret'`, libpq's quoting) and `=>` (Ruby, Perl and PHP hashes).
      regex: /((?:passw(?:or)?d|pwd|secret|token|api[_-]?key)[\w-]{0,32}["']?\s{0,4}=>?\s{0,4})("[^"\n]*"|'[^'\n]*'|[^\s&;,"']+)/gi,
      replace: (censor, _m, head, value) => `${head}${quoted(value, censor)}`,
    },
    {
      name: 'secret-field',
      trigger: /["']\s*:/,
      // A quoted key and its value in text that holds JSON, a Python dict or quoted YAML (a request body
      // in an error message): `"password": "…"`, `'api_key': '…'`. The key is judged by the same rules as
      // the keys of structured fields (keys.ts), so `"tokens_used": 5` stays.
      // Unquoted values only as JSON writes them (numbers, literals): prose such as "the 'secret': keep it"
      // is left alone.
      regex: /(["'])((?:[^"'\\\n]|\\.){1,64})\1(\s*:\s*)("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|-?\d[\w.+-]*|true|false)/g,
      replace: (censor, match, quote, key, separator, value) =>
        isSensitive(key) ? `${quote}${key}${quote}${separator}${quoted(value, censor, '"')}` : match,
    },
    {
      name: 'basic-auth',
      trigger: /[Bb]asic\s/,
      // HTTP Basic credentials: base64 of `user:password`. Only text that decodes to printable `a:b` is
      // taken for them, so "Basic configuration" stays.
      regex: /\b([Bb]asic\s+)([A-Za-z0-9+/]{6,}={0,2})(?![A-Za-z0-9+/=])/g,
      replace: (censor, match, head, encoded) => {
        const decoded = Buffer.from(encoded, 'base64').toString('latin1');
        return /^[\x20-\x7e]*:[\x20-\x7e]*$/.test(decoded) ? `${head}${censor}` : match;
      },
    },
    {
      name: 'payment-card',
      // Must accept whatever the regex can match: a separator may stand between any two digits.
      trigger: /\d(?:[ -]?\d){7}/,
      // Issuer prefixes start with 2–6; 13–19 digits, optionally grouped with spaces or dashes. Not inside
      // a word: the digits of a hex id or a UUID (a trace id, a correlation id) often run to 13 and more
      // after a letter, and one in ten such runs passes Luhn.
      regex: /(?<![\dA-Za-z-])[2-6](?:[ -]?\d){12,18}(?![\dA-Za-z])/g,
      replace: (censor, match) => {
        const digits = match.replace(/[ -]/g, '');
        return luhnValid(digits) ? censor : match;
      },
    },
  ];
}

/** The built-in patterns with the default key rules (what `createRedactor({})` runs). */
export const DEFAULT_PATTERNS: readonly RedactionPattern[] = defaultPatterns(createKeyMatcher(DEFAULT_SENSITIVE_KEYS, true));

/** Combines the triggers into one test, so the common case is a single scan of the string. */
export function combinedTrigger(patterns: readonly RedactionPattern[]): RegExp | undefined {
  if (patterns.some((p) => p.trigger === undefined)) return undefined;
  const source = patterns.map((p) => `(?:${(p.trigger as RegExp).source})`).join('|');
  // Case-insensitive triggers are rare; compiling them all case-insensitively only widens the prefilter.
  const flags = patterns.some((p) => (p.trigger as RegExp).flags.includes('i')) ? 'i' : '';
  return new RegExp(source, flags);
}

/** Applies `patterns` to `text`; returns the same string instance when nothing matched. */
export function redactString(
  text: string,
  patterns: readonly RedactionPattern[],
  trigger: RegExp | undefined,
  censor: string,
): string {
  if (trigger !== undefined && !trigger.test(text)) return text;
  let out = text;
  for (const p of patterns) {
    if (p.trigger !== undefined && !p.trigger.test(out)) continue;
    const replace = p.replace;
    out = replace === undefined
      ? out.replace(p.regex, censor)
      : out.replace(p.regex, (match: string, ...rest: unknown[]) => replace(censor, match, ...(rest.filter((r) => typeof r === 'string') as string[])));
  }
  return out;
}
