/**
 * Serialises read-modify-write cycles on one file, within a process (a promise queue)
 * and across processes (a lock file created with O_EXCL). The desktop app and any
 * number of CLI invocations may update config.json or vault.json at the same time;
 * without this, the last writer would silently drop the others' changes.
 *
 * A lock left behind by a crashed process is detected as stale when its owner pid
 * no longer exists on this host, or when it is older than `staleMs` (critical
 * sections take milliseconds, so a lock that old is abandoned).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';

export interface LockOptions {
  /** Give up waiting after this long (default 15 s). */
  timeoutMs?: number;
  /** A lock older than this is considered abandoned (default 30 s). */
  staleMs?: number;
  /** Raised when the lock cannot be taken in time (the caller chooses the error type). */
  onTimeout?: (lockPath: string) => Error;
}

interface LockInfo {
  pid: number;
  host: string;
  at: number;
  nonce: string;
}

const queues = new Map<string, Promise<unknown>>();

/** Runs `fn` while holding `lockPath`; in-process callers queue up, other processes wait for the lock file. */
export function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const previous = queues.get(lockPath) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => withProcessLock(lockPath, fn, options));
  const tail = run.catch(() => undefined);
  queues.set(lockPath, tail);
  void tail.then(() => {
    if (queues.get(lockPath) === tail) queues.delete(lockPath);
  });
  return run;
}

async function withProcessLock<T>(lockPath: string, fn: () => Promise<T>, options: LockOptions): Promise<T> {
  const nonce = await acquire(lockPath, options);
  try {
    return await fn();
  } finally {
    await release(lockPath, nonce);
  }
}

async function acquire(lockPath: string, options: LockOptions): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const staleMs = options.staleMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  const nonce = randomBytes(8).toString('hex');
  const body = JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now(), nonce } satisfies LockInfo);
  await fs.mkdir(dirname(lockPath), { recursive: true, mode: 0o700 });
  for (let attempt = 0; ; attempt += 1) {
    try {
      const handle = await fs.open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(body);
      } finally {
        await handle.close();
      }
      return nonce;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    await breakIfStale(lockPath, staleMs);
    if (Date.now() > deadline) {
      throw options.onTimeout?.(lockPath) ?? new Error(`Timed out waiting for the lock ${lockPath}`);
    }
    // Short, jittered waits: critical sections are a few milliseconds long.
    await new Promise((r) => setTimeout(r, Math.min(5 + attempt * 2, 50) + Math.random() * 10));
  }
}

async function readLock(lockPath: string): Promise<{ info: LockInfo | null; raw: string; mtimeMs: number } | null> {
  try {
    const [raw, stat] = await Promise.all([fs.readFile(lockPath, 'utf8'), fs.stat(lockPath)]);
    let info: LockInfo | null = null;
    try {
      info = JSON.parse(raw) as LockInfo;
    } catch {
      // Being written right now, or garbage: only its age can tell.
    }
    return { info, raw, mtimeMs: stat.mtimeMs };
  } catch {
    return null; // released meanwhile
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function breakIfStale(lockPath: string, staleMs: number): Promise<void> {
  const seen = await readLock(lockPath);
  if (!seen) return;
  const age = Date.now() - seen.mtimeMs;
  const deadOwner = seen.info !== null && seen.info.host === hostname() && seen.info.pid !== process.pid && !pidAlive(seen.info.pid);
  // An unparseable lock younger than a second is most likely still being written.
  if (!deadOwner && age < staleMs) return;
  // Re-read just before removing so we do not delete a fresh lock that replaced the stale one.
  const again = await readLock(lockPath);
  if (!again || again.raw !== seen.raw) return;
  await fs.rm(lockPath, { force: true });
}

async function release(lockPath: string, nonce: string): Promise<void> {
  const seen = await readLock(lockPath);
  // Only remove our own lock: if it was broken as stale and re-taken, it is someone else's now.
  if (seen?.info?.nonce === nonce) await fs.rm(lockPath, { force: true });
}
