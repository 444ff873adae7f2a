/**
 * One mint per profile across processes (the app and any CLI runs share the data dir).
 * A mint can take a while (timeouts, retries), so the lock is considered stale only
 * after two minutes or when its owner process is gone; if it cannot be had in time we
 * mint anyway: a second token is harmless, a failed token request is not.
 */
import { join } from 'node:path';
import { withFileLock } from '../config/lock.js';
import type { Logger } from '../ports.js';

class LockWaitTimeout extends Error {}

export function mintLock(dataDir: string, logger: Logger | undefined) {
  return async <T>(profileId: string, fn: () => Promise<T>): Promise<T> => {
    let ran = false;
    try {
      return await withFileLock(
        join(dataDir, 'locks', `token-${profileId}.lock`),
        () => {
          ran = true;
          return fn();
        },
        { timeoutMs: 90_000, staleMs: 120_000, onTimeout: () => new LockWaitTimeout() },
      );
    } catch (error) {
      if (ran) throw error;
      logger?.warn('token lock unavailable; minting without it', { reason: error instanceof LockWaitTimeout ? 'timeout' : (error as { code?: string }).code });
      return fn();
    }
  };
}
