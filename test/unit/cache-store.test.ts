/**
 * The encrypted cache store: encryption at rest, the key in the SecretStore, upserts
 * and mark-and-sweep, details, the identifier opt-in and purge, and recovery from
 * damaged, undecryptable and newer-version files.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkCase } from '../../src-core/tss/check.js';
import { toCaseInput } from '../../src-core/tss/normalize.js';
import { cacheFile } from '../../src-core/cache/paths.js';
import { openCache, type CacheStore } from '../../src-core/cache/store.js';
import { loadSqlite } from '../../src-core/cache/sqlite.js';
import { TesseraError } from '../../src-core/errors.js';
import { accounts } from '../../src-core/secrets/accounts.js';
import { createMemoryStore } from '../helpers/memory-store.js';
import { fullPass, input, newCache } from '../fixtures/cache/helpers.js';
import { syntheticCases } from '../fixtures/cache/synthetic.js';
import { cacheKeySlot, cacheOnlyOwner } from '../helpers/slots.js';

const open: CacheStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
function track<T extends { store: CacheStore }>(t: T): T {
  open.push(t.store);
  return t;
}

function names(cases: Record<string, unknown>[]): string[] {
  const out: string[] = [];
  for (const c of cases) {
    for (const cs of c.caseSubjects as { subject: { lastName: string; mrn: string } }[]) out.push(cs.subject.lastName, cs.subject.mrn);
  }
  return out;
}

describe('encryption at rest', () => {
  it('writes an owner-only file with no plaintext and keeps a 256-bit key in the SecretStore', async () => {
    const { store, dataDir, profileId, secrets } = await newCache();
    const cases = syntheticCases(300, 7);
    fullPass(store, cases, true);
    store.close();
    const file = cacheFile(dataDir, profileId);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const bytes = readFileSync(file).toString('latin1');
    for (const needle of ['SQLite format 3', 'SYN-000001', ...names(cases).slice(0, 50), 'TruSight', 'caseSubjects']) {
      expect(bytes.includes(needle), `found ${needle.slice(0, 3)}… in the file`).toBe(false);
    }
    const key = await secrets.get(accounts.cacheKey(cacheOnlyOwner(profileId)));
    expect(Buffer.from(key!, 'base64')).toHaveLength(32);
  });

  it('cannot be opened without the key', async () => {
    const { store, dataDir, profileId } = await newCache();
    fullPass(store, syntheticCases(5));
    store.close();
    const Sqlite = await loadSqlite();
    const db = new Sqlite(cacheFile(dataDir, profileId));
    expect(() => db.prepare('SELECT count(*) FROM cases').get()).toThrow(/not a database/);
    db.close();
  });
});

describe('upserts and mark-and-sweep', () => {
  it('inserts, skips unchanged cases, rewrites changed ones and removes what a complete pass did not see', async () => {
    const { store } = track(await newCache());
    const cases = syntheticCases(50, 3);
    fullPass(store, cases);
    expect(store.counts().cases).toBe(50);

    const generation = store.beginPass(false);
    const changed = { ...cases[0]!, status: 'Complete', subState: 'DELIVERED' };
    const counts = store.upsertPage([changed, ...cases.slice(1, 40)].map((c) => input(c)), generation, false);
    expect(counts).toEqual({ inserted: 0, updated: 1, unchanged: 39 });
    const { removed } = store.completePass(generation, { sweep: true });
    expect(removed).toBe(10);
    expect(store.counts().cases).toBe(40);
    expect(store.getCase(String(cases[0]!.id))?.status).toBe('Complete');
    expect(store.getCase(String(cases[45]!.id))).toBeNull();
  });

  it('takes a case whose fields arrive in another order as unchanged: its index and detail stay', async () => {
    const { store } = track(await newCache());
    const cases = syntheticCases(5, 4);
    fullPass(store, cases, true);
    const c = cases[2]!;
    store.writeDetail(input(c, true), true);
    expect(store.pendingDetailIds(10)).not.toContain(String(c.id));

    const reversed = Object.fromEntries(Object.entries(c).reverse());
    const generation = store.beginPass(true);
    // As the page check hands it on: the server's order, not the schema's.
    const counts = store.upsertPage([toCaseInput(checkCase(reversed)!, true)], generation, true);
    expect(counts).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
    expect(store.pendingDetailIds(10)).not.toContain(String(c.id));
  });

  it('never removes anything for an interrupted pass, and the next pass completes it', async () => {
    const { store } = track(await newCache());
    const cases = syntheticCases(30, 4);
    fullPass(store, cases);
    const syncedAt = store.syncedAt;

    // A pass that saw only 10 cases and was interrupted (no completePass).
    const interrupted = store.beginPass(false);
    store.upsertPage(cases.slice(0, 10).map((c) => input(c)), interrupted, false);
    expect(store.counts().cases).toBe(30);
    expect(store.syncedAt).toBe(syncedAt);

    const next = store.beginPass(false);
    expect(next).toBeGreaterThan(interrupted);
    store.upsertPage(cases.slice(0, 25).map((c) => input(c)), next, false);
    expect(store.completePass(next, { sweep: true }).removed).toBe(5);
    expect(store.counts().cases).toBe(25);
  });

  it('keeps every case when the pass was not clean (sweep: false)', async () => {
    const { store } = track(await newCache());
    const cases = syntheticCases(20, 5);
    fullPass(store, cases);
    const g = store.beginPass(false);
    store.upsertPage(cases.slice(0, 5).map((c) => input(c)), g, false);
    expect(store.completePass(g, { sweep: false }).removed).toBe(0);
    expect(store.counts().cases).toBe(20);
  });

  it('leaves no document, tag or index row behind a swept or deleted case', async () => {
    const { store } = track(await newCache());
    const cases = syntheticCases(40, 6);
    fullPass(store, cases);
    const g = store.beginPass(false);
    store.upsertPage(cases.slice(0, 30).map((c) => input(c)), g, false);
    expect(store.completePass(g, { sweep: true }).removed).toBe(10);
    expect(store.deleteCase(String(cases[0]!.id))).toBe(true);
    const count = (sql: string) => store.db.prepare(sql).pluck().get() as number;
    expect(count('SELECT count(*) FROM cases')).toBe(29);
    expect(count('SELECT count(*) FROM case_docs')).toBe(29);
    expect(count('SELECT count(*) FROM case_tags WHERE rid NOT IN (SELECT rid FROM cases)')).toBe(0);
    expect(count('SELECT count(*) FROM case_tags')).toBeGreaterThan(0);
    expect(count('SELECT count(*) FROM cases_fts WHERE rowid NOT IN (SELECT rid FROM cases)')).toBe(0);
  });

  it('normalises dates and keeps unknown fields in raw', async () => {
    const { store } = track(await newCache());
    const [c] = syntheticCases(1, 9);
    c!.dueDate = '2024-03-05T10:00:00+0100';
    c!.status = 'Some New Workflow State';
    fullPass(store, [c!]);
    const got = store.getCase(String(c!.displayId))!;
    expect(got.dueDate).toBe('2024-03-05T09:00:00.000Z');
    expect(got.status).toBe('Some New Workflow State');
    expect(got.raw.unknownField).toEqual({ nested: true });
    expect(got.caseSubjects[0]?.samples[0]?.externalSampleId).toMatch(/^S1-0$/);
  });
});

describe('a sync into an empty cache', () => {
  const indexes = (store: CacheStore) => store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").pluck().all();
  const ftsConfig = (store: CacheStore) => store.db.prepare('SELECT k, v FROM cases_fts_config WHERE k IN (?, ?) ORDER BY k').all('automerge', 'crisismerge');

  it('builds its indexes once at the end, and a load killed before that gets them back at the next open', async () => {
    const t = await newCache();
    const expected = indexes(t.store);
    expect(expected.length).toBeGreaterThan(5);
    expect(t.store.deferIndexesIfEmpty()).toBe(true);
    expect(indexes(t.store).filter((n) => expected.includes(n) && /^cases_|^case_tags/.test(String(n)))).toEqual([]);
    fullPass(t.store, syntheticCases(40, 31));
    // Killed here: the indexes were never rebuilt.
    t.store.close();

    const { store } = track(await newCache({ dataDir: t.dataDir, profileId: t.profileId, secrets: t.secrets }));
    expect(indexes(store)).toEqual(expected);
    expect(ftsConfig(store)).toEqual([
      { k: 'automerge', v: 4 },
      { k: 'crisismerge', v: 16 },
    ]);
    expect(store.search({ text: 'oncology', limit: 100 }).total).toBeGreaterThan(0);
    // A cache that holds cases is filled row by row, indexes in place.
    expect(store.deferIndexesIfEmpty()).toBe(false);
    expect(indexes(store)).toEqual(expected);
  });
});

describe('patient identifiers', () => {
  it('are stripped from stored JSON and the index unless the profile opted in', async () => {
    const { store } = track(await newCache());
    const cases = syntheticCases(20, 11);
    fullPass(store, cases, false);
    const lastName = (cases[0]!.caseSubjects as { subject: { lastName: string } }[])[0]!.subject.lastName;
    const detail = store.getCase(String(cases[0]!.id))!;
    expect(detail.caseSubjects[0]?.subject).toEqual({ gender: 'FEMALE' });
    expect(JSON.stringify(detail.raw)).not.toContain(lastName);
    expect(store.search({ text: lastName }).total).toBe(0);
    // Samples are not identifiers: they stay searchable.
    expect(store.search({ text: 'S1-0' }).items.map((i) => i.id)).toContain(cases[0]!.id);
  });

  it('are searchable when opted in, and purged (data and index) after opting out', async () => {
    const { store } = track(await newCache());
    const cases = syntheticCases(40, 12);
    fullPass(store, cases, true);
    const subject = (cases[3]!.caseSubjects as { subject: { lastName: string; mrn: string } }[])[0]!.subject;
    expect(store.search({ text: subject.mrn }).items.map((i) => i.id)).toContain(cases[3]!.id);
    expect(store.getCase(String(cases[3]!.id))!.caseSubjects[0]?.subject?.mrn).toBe(subject.mrn);

    expect(store.purgeIdentifiersIfNeeded(false)).toBe(40);
    expect(store.search({ text: subject.mrn }).total).toBe(0);
    expect(store.search({ text: subject.lastName }).total).toBe(0);
    const after = store.getCase(String(cases[3]!.id))!;
    expect(JSON.stringify(after)).not.toContain(subject.mrn);
    expect(store.purgeIdentifiersIfNeeded(false)).toBe(0);
  });

  it('details from GET /cases/{id} win over the older summary, and stay until refreshed', async () => {
    const { store } = track(await newCache());
    const [c] = syntheticCases(1, 13);
    const summary = { ...c!, caseSubjects: (c!.caseSubjects as object[]).map((cs) => ({ ...cs, subject: { id: 'x' } })) };
    fullPass(store, [summary], true);
    expect(store.countPendingDetails()).toBe(1);
    store.writeDetail(input({ ...c!, status: 'Complete' }, true), true);
    expect(store.countPendingDetails()).toBe(0);
    const mrn = (c!.caseSubjects as { subject: { mrn: string } }[])[0]!.subject.mrn;
    expect(store.search({ text: mrn }).total).toBe(1);
    expect(store.getCase(String(c!.id))!.status).toBe('Complete');
    // A changed summary marks the detail for refresh but keeps the names searchable meanwhile.
    const g = store.beginPass(true);
    store.upsertPage([input({ ...summary, status: 'On Hold' }, true)], g, true);
    store.completePass(g, { sweep: true });
    expect(store.countPendingDetails()).toBe(1);
    expect(store.search({ text: mrn }).total).toBe(1);
    const merged = store.getCase(String(c!.id))!;
    expect(merged.status).toBe('On Hold');
    expect(merged.caseSubjects[0]?.subject?.mrn).toBe(mrn);
  });
});

describe('recovery', () => {
  async function damaged(how: (file: string) => void) {
    const { store, dataDir, profileId, secrets } = await newCache();
    fullPass(store, syntheticCases(50, 21));
    store.close();
    const file = cacheFile(dataDir, profileId);
    how(file);
    return { dataDir, profileId, secrets, file };
  }

  function asideFiles(file: string): string[] {
    const dir = join(file, '..');
    return readdirSync(dir).filter((n) => n.includes('.corrupt-'));
  }

  it('sets a damaged file aside and reports CACHE_CORRUPT for reads; the next open starts empty', async () => {
    const { dataDir, profileId, secrets, file } = await damaged((f) => {
      const bytes = readFileSync(f);
      bytes.fill(0x41, 0, 4096);
      writeFileSync(f, bytes);
    });
    const err = await openCache({ dataDir, profileId, key: cacheKeySlot(secrets, cacheOnlyOwner(profileId)), onCorrupt: 'throw' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TesseraError);
    expect((err as TesseraError).code).toBe('CACHE_CORRUPT');
    expect((err as TesseraError).message).toMatch(/set aside.*Sync again/);
    expect(asideFiles(file)).toHaveLength(1);
    expect(existsSync(file)).toBe(false);
    const { store } = track(await openCache({ dataDir, profileId, key: cacheKeySlot(secrets, cacheOnlyOwner(profileId)), onCorrupt: 'throw' }));
    expect(store.counts().cases).toBe(0);
    expect(store.syncedAt).toBeNull();
  });

  it('recreates at once for a sync', async () => {
    const { dataDir, profileId, secrets, file } = await damaged((f) => writeFileSync(f, 'not a database at all, just text'.repeat(200)));
    const opened = track(await openCache({ dataDir, profileId, key: cacheKeySlot(secrets, cacheOnlyOwner(profileId)), onCorrupt: 'recreate' }));
    expect(opened.setAside).toMatch(/\.corrupt-\d{8}T\d{6}Z(-\d+)?$/);
    expect(opened.store.counts().cases).toBe(0);
    expect(asideFiles(file)).toHaveLength(1);
  });

  it('treats a file whose key is gone or different as undecryptable', async () => {
    const { dataDir, profileId, secrets, file } = await damaged(() => undefined);
    await secrets.delete(accounts.cacheKey(cacheOnlyOwner(profileId)));
    const err = await openCache({ dataDir, profileId, key: cacheKeySlot(secrets, cacheOnlyOwner(profileId)), onCorrupt: 'throw' }).catch((e: unknown) => e);
    expect((err as TesseraError).code).toBe('CACHE_CORRUPT');
    expect(asideFiles(file)).toHaveLength(1);

    // A different key than the file was written with.
    const other = createMemoryStore();
    const { store } = await openCache({ dataDir, profileId, key: cacheKeySlot(other, cacheOnlyOwner(profileId)), onCorrupt: 'recreate' });
    fullPass(store, syntheticCases(3));
    store.close();
    await other.set(accounts.cacheKey(cacheOnlyOwner(profileId)), Buffer.alloc(32, 7).toString('base64'));
    const again = await openCache({ dataDir, profileId, key: cacheKeySlot(other, cacheOnlyOwner(profileId)), onCorrupt: 'recreate' });
    track(again);
    expect(again.setAside).toBeDefined();
    expect(asideFiles(file)).toHaveLength(2);
  });

  it('sets aside a cache written by a newer Tessera (unknown schema version)', async () => {
    const { store, dataDir, profileId, secrets } = await newCache();
    store.db.pragma('user_version = 999');
    store.close();
    const opened = track(await openCache({ dataDir, profileId, key: cacheKeySlot(secrets, cacheOnlyOwner(profileId)), onCorrupt: 'recreate' }));
    expect(opened.setAside).toBeDefined();
    expect(opened.store.db.pragma('user_version', { simple: true })).toBeGreaterThan(0);
  });
});
