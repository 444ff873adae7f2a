/**
 * Where a sync's pages are written: on a worker thread with its own connection to the
 * cache (so the commit of one batch overlaps the download and preparation of the next),
 * or, when no worker script is available (tests and tools running the sources), on the
 * sync's own connection. Both run page-writer.ts; the sync cannot tell them apart except
 * by speed.
 *
 * The worker gets the file and the cache key by message (in memory, never argv or env).
 * A SQLite error inside the worker comes back as an Error with the same `code`, so
 * damage is recognised (isCorruptionError) wherever the write happened.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { restoreIndexes } from './indexes.js';
import { writePages, type PageBatch, type PageResult } from './page-writer.js';
import type { Logger } from '../ports.js';
import type { Database } from './sqlite.js';

export interface CacheWriter {
  /** Writes the batch in one transaction; resolves when it is committed. */
  write(batch: PageBatch): Promise<PageResult[]>;
  /**
   * Waits for the writes in flight, builds the indexes a load into an empty cache set
   * aside (indexes.ts: a second or more at 100,000 cases, so on the writer's thread, not
   * the app's main one), then releases the connection (and the thread).
   */
  close(): Promise<void>;
  readonly threaded: boolean;
}

/** The worker's own page cache (KiB): enough for the indexes a sync touches, without doubling the process's memory. */
const WRITER_CACHE_KIB = 32 * 1024;

export interface WriterTarget {
  db: Database;
  file: string;
  keyHex: string;
}

export type WriterMessage =
  | { type: 'open'; file: string; keyHex: string; cacheKiB: number }
  | { type: 'write'; id: number; batch: PageBatch }
  | { type: 'close'; id: number };

export type WriterReply =
  | { type: 'ready' }
  | { type: 'written'; id: number; results: PageResult[] }
  | { type: 'closed'; id: number }
  | { type: 'error'; id?: number; error: { name: string; message: string; code?: string } };

export async function openWriter(target: WriterTarget, script?: URL, logger?: Logger): Promise<CacheWriter> {
  if (!script || !existsSync(fileURLToPath(script))) return inlineWriter(target.db);
  try {
    return await threadWriter(target, script);
  } catch (error) {
    // The database's own errors (damage, a busy file) stand; a thread that cannot start
    // (a packaging quirk, a platform without worker threads) only costs speed.
    if (/^SQLITE_/.test(String((error as { code?: unknown }).code ?? ''))) throw error;
    logger?.warn('cache writer thread unavailable; writing on the main thread', { reason: (error as Error).message });
    return inlineWriter(target.db);
  }
}

function inlineWriter(db: Database): CacheWriter {
  return {
    threaded: false,
    write: async (batch) => writePages(db, batch),
    close: async () => restoreIndexes(db),
  };
}

function revive(error: { name: string; message: string; code?: string }): Error {
  const e = new Error(error.message);
  e.name = error.name;
  if (error.code !== undefined) Object.assign(e, { code: error.code });
  return e;
}

async function threadWriter(target: WriterTarget, script: URL): Promise<CacheWriter> {
  const worker = new Worker(script);
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
  let failure: Error | undefined;
  let nextId = 1;

  const failAll = (error: Error) => {
    failure ??= error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (reply: WriterReply) => {
      if (reply.type === 'ready') return resolve();
      if (reply.type === 'error' && reply.id === undefined) {
        const error = revive(reply.error);
        reject(error);
        return failAll(error);
      }
      const p = pending.get(reply.id!);
      if (!p) return;
      pending.delete(reply.id!);
      if (reply.type === 'error') p.reject(revive(reply.error));
      else p.resolve(reply.type === 'written' ? reply.results : undefined);
    });
    worker.on('error', (error) => {
      reject(error);
      failAll(error);
    });
    worker.on('exit', (code) => {
      const error = new Error(`the cache writer stopped (exit code ${code})`);
      reject(error);
      failAll(error);
    });
  });
  const send = <T>(message: WriterMessage & { id: number }): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (failure) return reject(failure);
      pending.set(message.id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage(message);
    });

  worker.postMessage({ type: 'open', file: target.file, keyHex: target.keyHex, cacheKiB: WRITER_CACHE_KIB } satisfies WriterMessage);
  try {
    await ready;
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  let closed = false;
  return {
    threaded: true,
    write: (batch) => send<PageResult[]>({ type: 'write', id: nextId++, batch }),
    async close() {
      if (closed) return;
      closed = true;
      try {
        if (!failure) await send<void>({ type: 'close', id: nextId++ });
      } finally {
        await worker.terminate();
      }
    },
  };
}
