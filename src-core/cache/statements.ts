/**
 * Prepared statements cached per connection: preparing costs more than running the
 * small queries the cache issues thousands of times per sync, and a search builds a
 * handful of distinct shapes at most.
 */
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import type { Database } from './sqlite.js';

type Statement = BetterSqlite3.Statement<unknown[], unknown>;

const cache = new WeakMap<Database, Map<string, Statement>>();
const MAX_PER_DB = 256;

export function stmt(db: Database, sql: string): Statement {
  let map = cache.get(db);
  if (!map) {
    map = new Map();
    cache.set(db, map);
  }
  let s = map.get(sql);
  if (!s) {
    // Search SQL varies with the number of filter values; bound the cache so odd queries cannot grow it forever.
    if (map.size >= MAX_PER_DB) map.clear();
    s = db.prepare(sql);
    map.set(sql, s);
  }
  return s;
}
