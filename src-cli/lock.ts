/**
 * A per-profile lock that makes concurrent `tessera token` processes share one mint.
 *
 * The core's single flight works inside one process; scripts often start many CLI
 * processes at once (a pipeline fanning out), and each would find the keychain cache
 * empty and mint its own token. Under this lock the first process mints and stores
 * the token in the keychain; the others, once they get the lock, find it there (the
 * token service reads the stored token before minting).
 *
 * It reuses the core's lock file (O_EXCL, stale-owner detection). Waiting is bounded:
 * if the lock cannot be had in time we go on without it, since a second mint is
 * better than a hung shell.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { withFileLock } from '../src-core/config/lock.js';

class LockTimeout extends Error {}

export function tokenLockPath(dataDir: string, profileName: string): string {
  // Hashed: the name is validated by the core, but the lock is taken before that.
  const id = createHash('sha256').update(profileName).digest('hex').slice(0, 24);
  return join(dataDir, 'locks', `cli-token-${id}.lock`);
}

/** Runs a token operation for `profileName` under its cross-process lock. */
export async function withTokenLock<T>(dataDir: string, profileName: string, fn: () => Promise<T>): Promise<T> {
  let started = false;
  const run = (): Promise<T> => {
    started = true;
    return fn();
  };
  try {
    // A mint may wait out 429 Retry-After backoff, so waiters are patient; a lock older than that is abandoned.
    return await withFileLock(tokenLockPath(dataDir, profileName), run, { timeoutMs: 90_000, staleMs: 120_000, onTimeout: () => new LockTimeout() });
  } catch (error) {
    // Errors from fn itself are the command's; only failures to take the lock fall back to running unlocked
    // (timeout, or a data directory that cannot hold a lock file: read-only, odd file system).
    if (started) throw error;
    if (error instanceof LockTimeout || (error as NodeJS.ErrnoException).code !== undefined) return fn();
    throw error;
  }
}
