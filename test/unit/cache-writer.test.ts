/**
 * The cache writer on its own thread (the built cache-writer.mjs, as the CLI and the app
 * run it): pages written there are visible to the sync's connection once a batch
 * resolves, a batch is one transaction (a failing page leaves none of the batch), and
 * the database's errors come back with their codes. Without a worker script the same
 * writes happen on the store's connection.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { CacheStore } from '../../src-core/cache/store.js';
import { prepareCase } from '../../src-core/cache/cases.js';
import { pageKey, type PageBatch } from '../../src-core/cache/page-writer.js';
import { input, newCache } from '../fixtures/cache/helpers.js';
import { syntheticCases } from '../fixtures/cache/synthetic.js';

const WRITER = new URL('../../out/cli/cache-writer.mjs', import.meta.url);
const stores: CacheStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function batchOf(store: CacheStore, cases: Record<string, unknown>[], page = 0): PageBatch {
  const generation = store.beginPass(false);
  const prepared = cases.map((c) => prepareCase(input(c), false));
  return { generation, includeIdentifiers: false, pages: [{ kind: 'full', key: pageKey(100, page, false), hash: `h${page}`, totalElements: cases.length, totalPages: 1, cases: prepared }] };
}

describe('the cache writer thread', () => {
  it('is built next to the CLI bundle', () => {
    expect(existsSync(fileURLToPath(WRITER))).toBe(true);
  });

  it('writes batches that the store reads back, and records the page', async () => {
    const { store } = await newCache();
    stores.push(store);
    const writer = await store.openWriter(WRITER);
    try {
      expect(writer.threaded).toBe(true);
      const cases = syntheticCases(60, 21);
      const [result] = await writer.write(batchOf(store, cases));
      expect(result).toEqual({ key: pageKey(100, 0, false), ok: true, counts: { inserted: 60, updated: 0, unchanged: 0 } });
      expect(store.counts().cases).toBe(60);
      expect(store.getCase(String(cases[7]!.id))?.displayId).toBe(cases[7]!.displayId);
      expect(store.pageRecords().get(pageKey(100, 0, false))).toEqual({ hash: 'h0', idCount: 60, totalElements: 60, totalPages: 1 });
    } finally {
      await writer.close();
    }
  });

  it('commits a batch whole or not at all, and hands back the database error', async () => {
    const { store } = await newCache();
    stores.push(store);
    const writer = await store.openWriter(WRITER);
    try {
      const batch = batchOf(store, syntheticCases(30, 22));
      // A value SQLite cannot bind, in the last case of the batch.
      const last = batch.pages[0]!.kind === 'full' ? batch.pages[0]!.cases.at(-1)! : undefined;
      last!.columns[0] = { not: 'bindable' };
      await expect(writer.write(batch)).rejects.toThrow(/parameter values/);
      expect(store.counts().cases).toBe(0);
      // The writer is still usable after a failed batch.
      const [ok] = await writer.write(batchOf(store, syntheticCases(5, 23), 1));
      expect(ok?.ok).toBe(true);
      expect(store.counts().cases).toBe(5);
    } finally {
      await writer.close();
    }
  });

  it('builds the indexes a load into an empty cache set aside as it closes, on its own thread', async () => {
    const { store } = await newCache();
    stores.push(store);
    const indexes = () => store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").pluck().all();
    const expected = indexes();
    expect(store.deferIndexesIfEmpty()).toBe(true);
    expect(indexes()).not.toEqual(expected);
    const writer = await store.openWriter(WRITER);
    expect(writer.threaded).toBe(true);
    await writer.write(batchOf(store, syntheticCases(40, 25)));
    await writer.close();
    expect(indexes()).toEqual(expected);
    expect(store.meta('deferred_indexes')).toBeNull();
    expect(store.search({ text: 'oncology', limit: 100 }).total).toBeGreaterThan(0);
  });

  it('writes on the store connection when there is no worker script', async () => {
    const { store } = await newCache();
    stores.push(store);
    const writer = await store.openWriter(new URL('./no-such-writer.mjs', WRITER));
    expect(writer.threaded).toBe(false);
    await writer.write(batchOf(store, syntheticCases(10, 24)));
    await writer.close();
    expect(store.counts().cases).toBe(10);
  });
});
