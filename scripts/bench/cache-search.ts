/**
 * Search latency at scale (run by scripts/bench/cache.mjs through tsx): the same
 * queries, through the cache's own search code, on the encrypted cache and on an
 * unencrypted copy of it; prints one JSON line with p50/p95/max per variant.
 *
 *   node --import tsx scripts/bench/cache-search.ts <TESSERA_HOME> <profile> <rounds> [<small TESSERA_HOME>]
 *
 * With a second home (a cache of the same simulator with fewer cases), it also times
 * the query "oncology" on both caches, interleaved: the cost of scale for a query
 * whose matches grow with the cache.
 *
 * The copy is decrypted with `PRAGMA rekey = ''` in a temporary directory and deleted
 * afterwards; it holds no patient identifiers (the bench profile does not opt in).
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheFile } from '../../src-core/cache/paths.js';
import { searchCases, searchRows } from '../../src-core/cache/search.js';
import { applyKey, loadSqlite, openDatabase, type Database } from '../../src-core/cache/sqlite.js';
import { readCacheKey } from '../../src-core/cache/key.js';
import { profileSecretSlot } from '../../src-core/profiles/repository.js';
import { openSecretStore } from '../../src-core/secrets/select.js';
import type { CaseQuery } from '../../src-shared/schemas.js';

const [home, profileName, roundsArg, smallHome] = process.argv.slice(2);
if (!home || !profileName) throw new Error('usage: cache-search.ts <home> <profile> [rounds]');
const rounds = Number(roundsArg ?? 20);

/** The profile's cache file and key in one TESSERA_HOME. */
async function cacheOf(dataDir: string): Promise<{ file: string; keyHex: string }> {
  const config = JSON.parse(readFileSync(join(dataDir, 'config.json'), 'utf8')) as { profiles: { id: string; name: string }[] };
  const profile = config.profiles.find((p) => p.name === profileName);
  if (!profile) throw new Error(`no profile ${profileName}`);
  const secrets = await openSecretStore({ dataDir, env: process.env });
  const key = await readCacheKey(profileSecretSlot(secrets, profile, 'cache-key'));
  if (!key) throw new Error('no cache key');
  return { file: cacheFile(dataDir, profile.id), keyHex: key };
}

const { file, keyHex } = await cacheOf(home);
const Sqlite = await loadSqlite();
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

  // The search remembers facet counts per connection until the cache changes; any write
  // on the connection counts as a change, so a row in a TEMP table makes every timed
  // search count its facets afresh, as a new query does.
  const forget = (db: Database) => {
    db.exec('CREATE TEMP TABLE IF NOT EXISTS bench_forget (x); INSERT INTO temp.bench_forget VALUES (1)');
  };
  /** A full search (page, total, facet counts), counted afresh. */
  const time = (db: Database, q: CaseQuery) => {
    forget(db);
    const t = performance.now();
    searchCases(db, { ...q, limit: 50 });
    return performance.now() - t;
  };
  /** What a keystroke waits for: the page and the total (the counts are asked for after). */
  const timeRows = (db: Database, q: CaseQuery) => {
    const t = performance.now();
    searchRows(db, { ...q, limit: 50 });
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

  // The cost of scale: one query whose matches grow with the cache, on both caches, interleaved.
  const SCALE_QUERY: CaseQuery = { text: 'oncology', limit: 50 };
  let scale:
    | { small: number[]; large: number[]; smallFull: number[]; largeFull: number[]; smallCases: number; largeCases: number; smallHits: number; largeHits: number }
    | undefined;
  if (smallHome) {
    const other = await cacheOf(smallHome);
    const small = openDatabase(Sqlite, other.file, { keyHex: other.keyHex, readonly: true });
    scale = {
      small: [],
      large: [],
      smallFull: [],
      largeFull: [],
      largeCases: total,
      smallCases: searchCases(small, { limit: 1 }).total,
      largeHits: searchCases(encrypted, SCALE_QUERY).total,
      smallHits: searchCases(small, SCALE_QUERY).total,
    };
    for (let r = -3; r < rounds * 4; r++) {
      const large = timeRows(encrypted, SCALE_QUERY);
      const few = timeRows(small, SCALE_QUERY);
      const largeFull = time(encrypted, SCALE_QUERY);
      const fewFull = time(small, SCALE_QUERY);
      if (r < 0) continue;
      scale.large.push(large);
      scale.small.push(few);
      scale.largeFull.push(largeFull);
      scale.smallFull.push(fewFull);
    }
    small.close();
  }
  encrypted.close();
  plain.close();
  const pct = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
  };
  const stats = (xs: number[]) => ({ p50: pct(xs, 50), p95: pct(xs, 95), max: Math.max(...xs), n: xs.length });
  const scaleOut = scale && {
    ...scale,
    query: SCALE_QUERY.text,
    large: stats(scale.large),
    small: stats(scale.small),
    largeFull: stats(scale.largeFull),
    smallFull: stats(scale.smallFull),
  };
  process.stdout.write(`${JSON.stringify({ cases: total, queries: queries.length, encrypted: stats(samples.encrypted), plain: stats(samples.plain), scale: scaleOut })}\n`);
} finally {
  rmSync(plainDir, { recursive: true, force: true });
}
