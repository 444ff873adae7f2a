/**
 * The one place that decides what counts as a secret in text Tessera writes or shows:
 * the log file, the CLI's error and debug output, HTTP error details, keychain errors.
 *
 * Two kinds of rules:
 * - known values: whoever handles a secret (the profile repository reading or storing a
 *   credential, the token service obtaining a JWT, the file vault's passphrase, the
 *   CLI's stdin/key-file/prompt readers) registers it with `registerSecret`, and every
 *   occurrence is masked from then on, whatever its shape (a short password too);
 * - shapes: JWTs, `ApiKey`/`Bearer`/`Basic` credentials, credential headers and query
 *   parameters, `user:password@` in URLs, and long key-shaped words (`looksLikeSecret`).
 *
 * The registry lives in this process's memory only, holds the most recent
 * MAX_KNOWN values (older ones are forgotten), and is never written anywhere.
 */

export const REDACTED = '[redacted]';
export type Redactor = (text: string) => string;

/** Shorter values would mask ordinary words; they cannot be told apart from text. */
const MIN_KNOWN_LENGTH = 4;
/** A long-running app mints a token an hour per profile: keep the recent ones, not all. */
const MAX_KNOWN = 256;

/** Insertion-ordered: re-registering a value moves it to the end, so eviction drops the least recent. */
const known = new Set<string>();
let longestFirst: string[] | null = null;

/** Registers a secret this process handles, so every redaction masks it from now on. */
export function registerSecret(value: string | null | undefined): void {
  if (typeof value !== 'string' || value.length < MIN_KNOWN_LENGTH) return;
  known.delete(value);
  known.add(value);
  while (known.size > MAX_KNOWN) known.delete(known.values().next().value!);
  longestFirst = null;
}

/** Masks each value, longest first so a secret that contains another is masked whole. */
function maskValues(text: string, values: readonly string[]): string {
  let out = text;
  for (const value of values) if (out.includes(value)) out = out.split(value).join(REDACTED);
  return out;
}

function byLengthDesc(values: Iterable<string>): string[] {
  return [...new Set(values)].filter((s) => typeof s === 'string' && s.length >= MIN_KNOWN_LENGTH).sort((a, b) => b.length - a.length);
}

/** Masks the registered values and the `extra` ones (e.g. this request's header values). */
export function redactKnown(text: string, extra: readonly string[] = []): string {
  longestFirst ??= byLengthDesc(known);
  return maskValues(text, extra.length ? byLengthDesc([...extra, ...longestFirst]) : longestFirst);
}

/** Masks every occurrence of the values `secrets()` returns at the time of the call. */
export function createRedactor(secrets: () => Iterable<string>): Redactor {
  return (text) => maskValues(text, byLengthDesc(secrets()));
}

/**
 * "This word is probably a key or a token": long, one word, mixing upper case, lower
 * case and digits (or shaped like a JWT). Profile names, URLs, e-mail addresses, paths
 * and UUIDs do not match.
 */
export function looksLikeSecret(word: string): boolean {
  if (/^eyJ[\w-]+\.[\w-]+\.[\w-]*$/.test(word)) return true;
  if (word.length < 24 || !/^[A-Za-z0-9+/=_-]+$/.test(word)) return false;
  return /[A-Z]/.test(word) && /[a-z]/.test(word) && /\d/.test(word);
}

/** Character class of one character, for telling random strings from words. */
function charClass(ch: string): number {
  if (ch >= 'A' && ch <= 'Z') return 0;
  if (ch >= 'a' && ch <= 'z') return 1;
  if (ch >= '0' && ch <= '9') return 2;
  return 3;
}

/**
 * Stricter than `looksLikeSecret`, for refusing command-line arguments (masking may
 * err towards too much, refusing may not: a profile name must never be refused). A JWT,
 * or a key: ICA API keys are random strings of 32 or more letters and digits, so at
 * least 32 characters of the base64 alphabet, both cases and digits, and random-looking.
 * Random strings change between upper case, lower case and digit at about 60% of
 * positions; names made of words (`LabProductionProfile2024Main`) at well under 40%.
 */
export function looksLikeKeyArgument(arg: string): boolean {
  if (/^eyJ[\w-]+\.[\w-]+\.[\w-]*$/.test(arg)) return true;
  if (arg.length < 32 || !/^[A-Za-z0-9+/=_-]+$/.test(arg)) return false;
  if (!/[A-Z]/.test(arg) || !/[a-z]/.test(arg) || !/\d/.test(arg)) return false;
  let switches = 0;
  for (let i = 1; i < arg.length; i += 1) if (charClass(arg[i - 1]!) !== charClass(arg[i]!)) switches += 1;
  return switches / (arg.length - 1) >= 0.4;
}

/**
 * The value after `Bearer`/`Basic`/`ApiKey` is a credential unless it is a plain word:
 * "Basic credentials" and "Bearer token" in a server's message stay readable.
 */
function schemeValue(scheme: string, space: string, value: string): string {
  const plainWord = /^[A-Za-z][a-z]*[.:!?)]*$/.test(value) || value.length < 8;
  return plainWord ? `${scheme}${space}${value}` : `${scheme}${space}${REDACTED}`;
}

const PATTERNS: [RegExp, string][] = [
  // JWTs: base64url JSON header ("eyJ" is `{"`), payload and an optional signature.
  [/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
  // Other three-segment base64url tokens with long segments (hostnames have short labels).
  [/\b[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\b/g, REDACTED],
  // Header lines and query parameters that carry credentials.
  [/\b(x-api-key|x-auth-token)(\s*[:=]\s*)(?!(?:apikey|bearer|basic)\s)[^\s,;"']+/gi, `$1$2${REDACTED}`],
  [/([?&](?:api[_-]?key|access[_-]?token|token|password|passphrase|secret)=)[^&\s"']+/gi, `$1${REDACTED}`],
  // Credentials embedded in URLs (a proxy such as http://user:pass@host).
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^/\s@]+@/gi, `$1${REDACTED}@`],
];
const SCHEME = /\b(ApiKey|Bearer|Basic)(\s+)([^\s,;"']+)/gi;
/** Words that may be keys; a path segment (next to `/` or `\`) is left to the other rules. */
const KEY_SHAPED = /(^|[^A-Za-z0-9+=_-])([A-Za-z0-9+=_-]{24,})(?=([^A-Za-z0-9+=_-]|$))/g;

/** Masks credential-shaped substrings (no registered values). */
export function redactPatterns(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  out = out.replace(SCHEME, (_m, scheme: string, space: string, value: string) => schemeValue(scheme, space, value));
  return out.replace(KEY_SHAPED, (match, before: string, word: string, after: string | undefined) =>
    before === '/' || before === '\\' || after === '/' || after === '\\' || !looksLikeSecret(word) ? match : `${before}${REDACTED}`,
  );
}

/** Masks registered values, `extra` values and credential-shaped substrings. */
export function redact(text: string, extra: readonly string[] = []): string {
  return redactPatterns(redactKnown(text, extra));
}

/** Field names that carry credentials, wherever they appear. */
const SECRET_FIELD = /key|passw|passphrase|token|secret|authori[sz]ation|cookie|credential|jwt|bearer/i;

function errorFields(error: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { name: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  if (error.stack) out.stack = error.stack;
  if (error.cause !== undefined) out.cause = error.cause;
  return out;
}

/**
 * Deep copy for a log record: a field whose name looks like a credential (key, password,
 * token, secret, authorization, ...) becomes `[redacted]` at any depth, and every string
 * goes through `redact` (and `extra`, when given).
 */
export function redactValue(value: unknown, extra?: Redactor, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return extra ? extra(redact(value)) : redact(value);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'bigint' ? value.toString() : typeof value === 'function' ? '[function]' : value;
  }
  if (depth > 8) return '[nested]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) return redactValue(errorFields(value), extra, depth + 1, seen);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, extra, depth + 1, seen));
  const entries = value instanceof Map ? [...value.entries()].map(([k, v]) => [String(k), v] as const) : Object.entries(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) out[k] = SECRET_FIELD.test(k) && v !== undefined && v !== null ? REDACTED : redactValue(v, extra, depth + 1, seen);
  return out;
}

const MAX_SERVER_TEXT = 300;

/**
 * Text from outside (a server's problem detail, a native library's message) before it
 * goes into an error message: secrets masked (`extra` adds values only this call knows,
 * such as the request's header values), line breaks and control characters flattened to
 * single spaces, length bounded.
 */
export function redactForeign(text: string, extra: readonly string[] = []): string {
  // eslint-disable-next-line no-control-regex
  const out = redact(text, extra).replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
  return out.length > MAX_SERVER_TEXT ? `${out.slice(0, MAX_SERVER_TEXT)}…` : out;
}
