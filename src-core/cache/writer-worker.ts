/**
 * The cache writer's thread (see writer.ts): one connection to the profile's cache,
 * batches of pages in, results out. Bundled as its own entry by each face's build.
 */
import { parentPort } from 'node:worker_threads';
import { restoreIndexes } from './indexes.js';
import { writePages } from './page-writer.js';
import { loadSqlite, openDatabase, type Database } from './sqlite.js';
import type { WriterMessage, WriterReply } from './writer.js';

const port = parentPort;
if (!port) throw new Error('the cache writer runs as a worker thread');
let db: Database | undefined;
/** 128 MiB of 16 KiB pages. */
const WAL_PAGES = 8192;

const reply = (message: WriterReply) => port.postMessage(message);
const describe = (error: unknown) => {
  const e = error as { name?: unknown; message?: unknown; code?: unknown };
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(error),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
  };
};

port.on('message', async (message: WriterMessage) => {
  try {
    if (message.type === 'open') {
      db = openDatabase(await loadSqlite(), message.file, { keyHex: message.keyHex, cacheKiB: message.cacheKiB });
      // Fewer, larger checkpoints while a sync writes: a page changed by several batches is
      // copied into the file once per checkpoint, not once per batch. The sync's own
      // connection folds the rest back when it closes.
      db.pragma(`wal_autocheckpoint = ${WAL_PAGES}`);
      reply({ type: 'ready' });
    } else if (message.type === 'write') {
      if (!db) throw new Error('the cache writer is not open');
      reply({ type: 'written', id: message.id, results: writePages(db, message.batch) });
    } else {
      if (db) restoreIndexes(db);
      db?.close();
      db = undefined;
      reply({ type: 'closed', id: message.id });
    }
  } catch (error) {
    reply({ type: 'error', ...('id' in message ? { id: message.id } : {}), error: describe(error) });
  }
});
