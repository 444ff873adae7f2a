/**
 * JSON-lines log at `<dataDir>/logs/tessera.log`, rotated at about 1 MB (three old
 * files kept), redacted by redact.ts before anything reaches the disk: credential
 * fields at any depth, credential-shaped strings, and every secret value this process
 * has registered (so each face's logger masks the credentials the core handled).
 * Logging never throws: a full disk must not break minting a token.
 */
import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from './ports.js';
import { redactKnown, redactValue, type Redactor } from './redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface FileLoggerOptions {
  dataDir: string;
  /** Lowest level written (default `info`; TESSERA_LOG_LEVEL can lower it at the face). */
  level?: LogLevel;
  /** Rotate when the file would grow past this (default 1 MiB). */
  maxBytes?: number;
  /** Rotated files kept beside the live one (default 3). */
  keep?: number;
  /** Masks further values besides the registered ones (createRedactor). */
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
      line = redactKnown(line);
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
