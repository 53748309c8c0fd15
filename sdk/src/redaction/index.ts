/**
 * Redaction of secrets before anything leaves the process: sensitive keys, configured key paths and
 * secret-shaped values (JWTs, bearer tokens, AWS keys, card numbers, passwords in URLs, private keys).
 */
export { createRedactor, type Redactor, type RedactorOptions, type AttributeValue } from './redactor';
export { DEFAULT_PATTERNS, luhnValid, type RedactionPattern } from './patterns';
export { DEFAULT_SENSITIVE_KEYS } from './keys';
export { REDACTION_CORPUS, MUST_SURVIVE, corpusSecrets, findLeaks, type CorpusEntry } from './corpus';
