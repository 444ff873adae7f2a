/**
 * Opening an encrypted SQLite file (better-sqlite3-multiple-ciphers).
 *
 * - The native module is loaded lazily (dynamic import) so that commands which never
 *   read the cache, such as `tessera token`, do not pay for loading it.
 * - Cipher: SQLCipher 4 page format (AES-256 with an HMAC-SHA512 per page, 16 KiB pages) with a raw
 *   256-bit key. The key is random, not a password, so the KDF that SQLCipher would
 *   otherwise run on every open (about 40 ms) adds nothing; the per-page HMAC turns a
 *   damaged or tampered page into a clear SQLITE_CORRUPT/NOTADB instead of garbage.
 * - `PRAGMA key` is issued before anything reads the file; the first read then proves
 *   the key (a wrong key fails with SQLITE_NOTADB).
 * - `temp_store = MEMORY`: sorts and FTS merges must not spill plaintext into temp files.
 */
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';

export type Database = BetterSqlite3.Database;
export type DatabaseConstructor = typeof BetterSqlite3;

let loading: Promise<DatabaseConstructor> | undefined;

export function loadSqlite(): Promise<DatabaseConstructor> {
  loading ??= import('better-sqlite3-multiple-ciphers').then((m) => {
    const mod = m as unknown as { default?: DatabaseConstructor };
    return mod.default ?? (m as unknown as DatabaseConstructor);
  });
  return loading;
}

export interface OpenOptions {
  /** 64 hex characters; absent for an unencrypted database (used by the benchmark's plaintext copy only). */
  keyHex?: string;
  readonly?: boolean;
  /** Page cache in KiB: large enough to keep a 100k-case cache's hot pages decrypted in memory. */
  cacheKiB?: number;
}

/** Applies the cipher and key to a fresh connection; must run before the first read. */
export function applyKey(db: Database, keyHex: string): void {
  if (!/^[0-9a-f]{64}$/.test(keyHex)) throw new Error('A cache key is 64 hex characters');
  db.pragma(`cipher = 'sqlcipher'`);
  db.pragma('legacy = 4');
  // 16 KiB pages: a sync writes every page through the cipher (and again at checkpoint);
  // fewer, larger pages cut that work by about a quarter at 100k cases and hold a
  // case's JSON without overflow pages. The size is fixed per file, so it is set here.
  db.pragma('legacy_page_size = 16384');
  db.pragma(`key = "x'${keyHex}'"`);
}

export function openDatabase(Sqlite: DatabaseConstructor, file: string, options: OpenOptions = {}): Database {
  const db = new Sqlite(file, { readonly: options.readonly ?? false, timeout: 10_000 });
  try {
    if (options.keyHex) applyKey(db, options.keyHex);
    // Proves the key (and that the header is readable) before anything else touches the file.
    db.prepare('SELECT count(*) FROM sqlite_master').pluck().get();
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // WAL + NORMAL: a crash can lose the last transactions but never corrupts the file;
      // the next sync fetches anything lost.
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('temp_store = MEMORY');
    db.pragma(`cache_size = -${options.cacheKiB ?? 65_536}`);
    // Deleting a case cascades to its documents and tags (cases.ts relies on it).
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

const CORRUPT_CODES = /^SQLITE_(NOTADB|CORRUPT)/;

/** True for SQLite errors that mean the file is damaged or was encrypted with another key. */
export function isCorruptionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CORRUPT_CODES.test(code);
}
