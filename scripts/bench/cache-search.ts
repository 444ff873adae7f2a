/**
 * Search latency at scale (run by scripts/bench/cache.mjs through tsx): the same
 * queries, through the cache's own search code, on the encrypted cache and on an
 * unencrypted copy of it; prints one JSON line with p50/p95/max per variant.
 *
 *   node --import tsx scripts/bench/cache-search.ts <TESSERA_HOME> <profile> <rounds>
 *
 * The copy is decrypted with `PRAGMA rekey = ''` in a temporary directory and deleted
 * afterwards; it holds no patient identifiers (the bench profile does not opt in).
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheFile } from '../../src-core/cache/paths.js';
import { searchCases } from '../../src-core/cache/search.js';
import { applyKey, loadSqlite, openDatabase, type Database } from '../../src-core/cache/sqlite.js';
import { readCacheKey } from '../../src-core/cache/key.js';
import { profileSecretSlot } from '../../src-core/profiles/repository.js';
import { openSecretStore } from '../../src-core/secrets/select.js';
import type { CaseQuery } from '../../src-shared/schemas.js';

const [home, profileName, roundsArg] = process.argv.slice(2);
if (!home || !profileName) throw new Error('usage: cache-search.ts <home> <profile> [rounds]');
const rounds = Number(roundsArg ?? 20);

const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as { profiles: { id: string; name: string }[] };
const profile = config.profiles.find((p) => p.name === profileName);
if (!profile) throw new Error(`no profile ${profileName}`);
const secrets = await openSecretStore({ dataDir: home, env: process.env });
const keyHex = await readCacheKey(profileSecretSlot(secrets, profile, 'cache-key'));
if (!keyHex) throw new Error('no cache key');

const Sqlite = await loadSqlite();
const file = cacheFile(home, profile.id);
const plainDir = mkdtempSync(join(tmpdir(), 'tessera-bench-plain-'));
const plainFile = join(plainDir, 'plain.db');
try {
  // The unencrypted twin: same pages, same indexes, no cipher.
  const source = openDatabase(Sqlite, file, { keyHex });
  source.pragma('wal_checkpoint(TRUNCATE)');
  source.close();
  copyFileSync(file, plainFile);
  const twin = new Sqlite(plainFile);
  applyKey(twin, keyHex);
  twin.pragma('journal_mode = DELETE');
  twin.pragma(`rekey = ''`);
  twin.close();

  const encrypted = openDatabase(Sqlite, file, { keyHex, readonly: true });
  const plain = openDatabase(Sqlite, plainFile, { readonly: true });
  const total = searchCases(encrypted, { limit: 1 }).total;

  // What a person does: as-you-type prefixes, facet clicks, sorting, paging.
  const queries: CaseQuery[] = [
    {},
    { text: 'C' },
    { text: 'CA' },
    { text: 'CASE-0' },
    { text: 'CASE-0421' },
    { text: 'CASE-042137' },
    { text: 'onc' },
    { text: 'rare dis' },
    { text: 'smp-01' },
    { status: ['In Progress'] },
    { status: ['Complete'], sort: 'dueDate', order: 'asc' },
    { subState: ['READY_FOR_REVIEW', 'HAS_ISSUE'], sort: 'createdDate' },
    { tag: ['urgent'], sort: 'updatedDate' },
    { createdFrom: '2024-01-01', createdTo: '2024-03-31' },
    { text: 'panel', status: ['New', 'Draft'] },
    { sort: 'displayId', order: 'desc', offset: 5000 },
  ];

  const time = (db: Database, q: CaseQuery) => {
    const t = performance.now();
    searchCases(db, { ...q, limit: 50 });
    return performance.now() - t;
  };
  // Warm both page caches, then alternate variants so load drift hits both alike.
  for (const q of queries) {
    time(encrypted, q);
    time(plain, q);
  }
  const samples = { encrypted: [] as number[], plain: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      samples.encrypted.push(time(encrypted, q));
      samples.plain.push(time(plain, q));
    }
  }
  encrypted.close();
  plain.close();
  const pct = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
  };
  const stats = (xs: number[]) => ({ p50: pct(xs, 50), p95: pct(xs, 95), max: Math.max(...xs), n: xs.length });
  process.stdout.write(`${JSON.stringify({ cases: total, queries: queries.length, encrypted: stats(samples.encrypted), plain: stats(samples.plain) })}\n`);
} finally {
  rmSync(plainDir, { recursive: true, force: true });
}
