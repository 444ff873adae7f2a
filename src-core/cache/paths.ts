/**
 * Where a profile's offline cache lives: one SQLite file per profile, named by the
 * profile's stable id (never its name, which can carry a customer's name and can be
 * renamed), under `<dataDir>/cache/`.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';

const CACHE_DIR = 'cache';

function cacheDir(dataDir: string): string {
  return join(dataDir, CACHE_DIR);
}

export function cacheFile(dataDir: string, profileId: string): string {
  // The id is a UUID we generated; refuse anything that could walk out of the directory.
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(profileId)) throw new Error('A profile id has letters, digits, dash and underscore only');
  return join(cacheDir(dataDir), `${profileId}.db`);
}

/**
 * The cross-process lock under which a profile's cache key is created and under which a
 * cache file is set aside for want of a key (several processes may open a new cache at once).
 */
export function cacheKeyLockFile(dataDir: string, profileId: string): string {
  cacheFile(dataDir, profileId); // the same check of the id
  return join(dataDir, 'locks', `cachekey-${profileId}.lock`);
}

/** SQLite's companions of a database file in WAL mode. */
export const SIDECAR_SUFFIXES = ['-wal', '-shm', '-journal'] as const;

/**
 * Deletes a profile's cache file, its WAL and any files set aside earlier (profile
 * removal). Lives here, away from SQLite, so removing a profile never loads the database module.
 */
export async function deleteCacheFiles(dataDir: string, profileId: string): Promise<number> {
  const dir = cacheDir(dataDir);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  const base = `${profileId}.db`;
  const mine = names.filter((n) => n === base || n.startsWith(`${base}-`) || n.startsWith(`${base}.corrupt-`));
  await Promise.all(mine.map((n) => fs.rm(join(dir, n), { force: true })));
  return mine.length;
}
