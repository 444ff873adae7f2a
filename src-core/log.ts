/**
 * JSON-lines log at `<dataDir>/logs/tessera.log`, rotated at about 1 MB (three old
 * files kept), with redaction applied before anything reaches the disk:
 * - a field whose name looks like a credential (key, password, token, secret,
 *   authorization, ...) is replaced by `[redacted]`, at any depth;
 * - string values are scanned for JWTs and for `ApiKey`/`Bearer`/`Basic` credentials;
 * - an optional redactor masks the exact secret values the core knows about.
 * Logging never throws: a full disk must not break minting a token.
 */
import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from './ports.js';

export const REDACTED = '[redacted]';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Redactor = (text: string) => string;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Field names that carry credentials, wherever they appear. */
const SECRET_FIELD = /key|passw|passphrase|token|secret|authori[sz]ation|cookie|credential|jwt|bearer/i;

const STRING_PATTERNS: [RegExp, string][] = [
  // JWTs: base64url JSON header ("eyJ" is `{"`), payload and an optional signature.
  [/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
  // Other three-segment base64url tokens with long segments (hostnames have short labels).
  [/\b[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\b/g, REDACTED],
  // Authorization schemes as they appear in headers and messages.
  [/\b(ApiKey|Bearer|Basic)(\s+)[^\s,;"']+/gi, `$1$2${REDACTED}`],
  // Header lines and query parameters that carry credentials.
  [/\b(x-api-key|x-auth-token)(\s*[:=]\s*)(?!(?:apikey|bearer|basic)\s)[^\s,;"']+/gi, `$1$2${REDACTED}`],
  [/([?&](?:api[_-]?key|access[_-]?token|token|password|passphrase|secret)=)[^&\s"']+/gi, `$1${REDACTED}`],
  // Credentials embedded in URLs (a proxy such as http://user:pass@host).
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^/\s@]+@/gi, `$1${REDACTED}@`],
];

/** Masks credential-looking substrings of one string. */
export function redactString(text: string): string {
  let out = text;
  for (const [pattern, replacement] of STRING_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Masks every occurrence of the known secret values (API keys, passwords, JWTs the core holds). */
export function createRedactor(secrets: () => Iterable<string>): Redactor {
  return (text) => {
    // Longest first, so a secret that contains another is masked whole.
    const values = [...new Set(secrets())].filter((s) => typeof s === 'string' && s.length >= 3).sort((a, b) => b.length - a.length);
    let out = text;
    for (const value of values) if (out.includes(value)) out = out.split(value).join(REDACTED);
    return out;
  };
}

function errorFields(error: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { name: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  if (error.stack) out.stack = error.stack;
  if (error.cause !== undefined) out.cause = error.cause;
  return out;
}

/** Deep copy with credential fields and credential-looking strings masked. */
export function redactValue(value: unknown, extra?: Redactor, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return extra ? extra(redactString(value)) : redactString(value);
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

export interface FileLoggerOptions {
  dataDir: string;
  /** Lowest level written (default `info`; TESSERA_LOG_LEVEL can lower it at the face). */
  level?: LogLevel;
  /** Rotate when the file would grow past this (default 1 MiB). */
  maxBytes?: number;
  /** Rotated files kept beside the live one (default 3). */
  keep?: number;
  /** Masks known secret values, from createRedactor. */
  redactor?: Redactor;
  /** Extra fields on every line (e.g. `{ face: 'cli' }`). */
  base?: Record<string, unknown>;
  now?: () => number;
}

export interface FileLogger extends Logger {
  readonly file: string;
}

const LOG_FILE = 'tessera.log';

export function logFilePath(dataDir: string): string {
  return join(dataDir, 'logs', LOG_FILE);
}

export function createFileLogger(options: FileLoggerOptions): FileLogger {
  const file = logFilePath(options.dataDir);
  const dir = join(options.dataDir, 'logs');
  const min = LEVELS[options.level ?? 'info'];
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const keep = Math.max(1, options.keep ?? 3);
  const now = options.now ?? Date.now;
  let size: number | null = null;
  let dirReady = false;

  function currentSize(): number {
    try {
      return statSync(file).size;
    } catch {
      return 0;
    }
  }

  function rotate(incoming: number): void {
    // Another process may have rotated already: only rotate a file that is still too full.
    if (currentSize() + incoming <= maxBytes) return;
    rmSync(`${file}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i -= 1) {
      try {
        renameSync(`${file}.${i}`, `${file}.${i + 1}`);
      } catch {
        // missing: nothing to shift
      }
    }
    try {
      renameSync(file, `${file}.1`);
    } catch {
      // already moved by another process
    }
  }

  function write(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    if (LEVELS[level] < min) return;
    try {
      const record = redactValue({ t: new Date(now()).toISOString(), level, msg: message, ...options.base, ...fields }, options.redactor);
      let line = `${JSON.stringify(record)}\n`;
      // Second pass over the serialised line: JSON escaping can change how a secret is spelled.
      if (options.redactor) line = options.redactor(line);
      const bytes = Buffer.byteLength(line);
      if (!dirReady) {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        dirReady = true;
      }
      size ??= currentSize();
      if (size + bytes > maxBytes && size > 0) {
        rotate(bytes);
        size = currentSize();
      }
      appendFileSync(file, line, { mode: 0o600 });
      size += bytes;
    } catch {
      // Never let logging break the operation being logged.
    }
  }

  return {
    file,
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

export const nullLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
