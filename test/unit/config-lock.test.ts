import { existsSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { atomicWriteFile } from '../../src-core/config/atomic.js';
import { withFileLock } from '../../src-core/config/lock.js';
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
