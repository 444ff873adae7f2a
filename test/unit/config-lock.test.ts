import { existsSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { atomicWriteFile } from '../../src-core/config/atomic.js';
import { breakIfStale, withFileLock, type BreakHooks } from '../../src-core/config/lock.js';
import { newDataDir } from '../helpers/env.js';

const deadPid = 2 ** 22 - 7; // above any pid in use on a test machine

describe('withFileLock', () => {
  it('serialises callers in one process and removes the lock file afterwards', async () => {
    const lock = join(newDataDir('lock'), 'x.lock');
    let inside = 0;
    let maxInside = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        withFileLock(lock, async () => {
          inside += 1;
          maxInside = Math.max(maxInside, inside);
          expect(existsSync(lock)).toBe(true);
          await new Promise((r) => setTimeout(r, 2));
          order.push(i);
          inside -= 1;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(order).toEqual([...Array(10).keys()]);
    expect(existsSync(lock)).toBe(false);
  });

  it('releases the lock when the critical section throws, and passes the error on', async () => {
    const lock = join(newDataDir('lock-throw'), 'x.lock');
    await expect(withFileLock(lock, async () => Promise.reject(new Error('inner')))).rejects.toThrow('inner');
    expect(existsSync(lock)).toBe(false);
    expect(await withFileLock(lock, async () => 42)).toBe(42);
  });

  it('breaks a lock whose owner process is gone', async () => {
    const lock = join(newDataDir('lock-dead'), 'x.lock');
    writeFileSync(lock, JSON.stringify({ pid: deadPid, host: hostname(), at: Date.now(), nonce: 'old' }));
    expect(await withFileLock(lock, async () => 'ran', { timeoutMs: 2000 })).toBe('ran');
  });

  it('breaks a lock older than staleMs even if its owner looks alive', async () => {
    const lock = join(newDataDir('lock-old'), 'x.lock');
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: hostname(), at: 0, nonce: 'old' }));
    const past = new Date(Date.now() - 60_000);
    utimesSync(lock, past, past);
    expect(await withFileLock(lock, async () => 'ran', { timeoutMs: 2000, staleMs: 30_000 })).toBe('ran');
  });

  it('waits for a live lock and gives up with the caller-chosen error', async () => {
    const lock = join(newDataDir('lock-live'), 'x.lock');
    const held = JSON.stringify({ pid: process.ppid, host: hostname(), at: Date.now(), nonce: 'theirs' });
    writeFileSync(lock, held);
    await expect(withFileLock(lock, async () => 'never', { timeoutMs: 150, onTimeout: () => new Error('busy') })).rejects.toThrow('busy');
    // Someone else's lock is never removed by a waiter.
    expect(readFileSync(lock, 'utf8')).toBe(held);
  });
});

describe('breaking a stale lock', () => {
  it('two breakers of one stale lock never delete the fresh lock a third caller took meanwhile', async () => {
    const lock = join(newDataDir('lock-break-race'), 'x.lock');
    writeFileSync(lock, JSON.stringify({ pid: deadPid, host: hostname(), at: Date.now(), nonce: 'stale' }));
    // Both breakers read the stale lock before either acts.
    let arrived = 0;
    let bothRead!: () => void;
    const bothHaveRead = new Promise<void>((r) => (bothRead = r));
    let freshTaken!: () => void;
    const freshIsTaken = new Promise<void>((r) => (freshTaken = r));
    let removals = 0;
    const hooks: BreakHooks = {
      onStale: async () => {
        arrived += 1;
        if (arrived === 2) bothRead();
        await bothHaveRead;
      },
      // The first breaker removes at once; any second one only after a fresh lock exists.
      beforeRemove: async () => {
        removals += 1;
        if (removals > 1) await freshIsTaken;
      },
    };
    const breakers = [breakIfStale(lock, 30_000, hooks), breakIfStale(lock, 30_000, hooks)];
    // The third process: takes the lock the moment it is free (O_EXCL, as acquire does).
    const fresh = JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now(), nonce: 'fresh' });
    for (let attempt = 0; ; attempt += 1) {
      try {
        writeFileSync(lock, fresh, { flag: 'wx' });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 100_000) throw error;
        await new Promise((r) => setImmediate(r));
      }
    }
    freshTaken();
    await Promise.all(breakers);
    expect(existsSync(lock) ? readFileSync(lock, 'utf8') : 'gone: the fresh lock was deleted').toBe(fresh);
    expect(readdirSync(join(lock, '..'))).toEqual(['x.lock']);
  });
});

describe('atomicWriteFile', () => {
  it('replaces the file whole, with mode 0600, leaving no temporary file', async () => {
    const dir = newDataDir('atomic');
    const path = join(dir, 'sub', 'file.json');
    await atomicWriteFile(path, 'first');
    await atomicWriteFile(path, 'second');
    expect(readFileSync(path, 'utf8')).toBe('second');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['file.json']);
    if (process.platform !== 'win32') {
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'sub')).mode & 0o777).toBe(0o700);
    }
  });
});
