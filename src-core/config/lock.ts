/**
 * Serialises read-modify-write cycles on one file, within a process (a promise queue)
 * and across processes (a lock file created with O_EXCL). The desktop app and any
 * number of CLI invocations may update config.json or vault.json at the same time;
 * without this, the last writer would silently drop the others' changes.
 *
 * A lock left behind by a crashed process is detected as stale when its owner pid
 * no longer exists on this host, or when it is older than `staleMs` (critical
 * sections take milliseconds, so a lock that old is abandoned); `breakIfStale` says
 * how concurrent waiters break it without deleting a lock taken meanwhile.
 */
import { createHash, randomBytes } from 'node:crypto';
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

/** Test hooks to force interleavings of concurrent breakers (never set in production). */
export interface BreakHooks {
  /** A breaker found the lock stale. */
  onStale?: () => Promise<void>;
  /** A breaker is about to remove the lock it found stale. */
  beforeRemove?: () => Promise<void>;
}

/**
 * Removes `lockPath` if it is stale, atomically with respect to other breakers.
 *
 * Reading, comparing and deleting are three steps, so two waiters that both saw the
 * same stale lock could otherwise both delete "it": the first removes the stale lock, a
 * third process takes the lock, and the second deletes that fresh lock, leaving two
 * holders. Breakers therefore serialise per stale lock: the one that creates (O_EXCL)
 * the marker `<lock>.break-<hash of the stale lock's content and mtime>` re-reads the
 * lock and removes it only if it is still exactly what it saw; the others do nothing
 * and retry the lock as usual. Under the marker the compare-then-remove cannot be
 * overtaken: the stale lock leaves only through a breaker of that same lock (who needs
 * the marker) or its owner (dead, or stuck past `staleMs`, which is what stale means),
 * and a fresh lock can only appear after it has left. Content carries a random nonce,
 * so a later lock never matches an older one. The marker is removed after the break;
 * a breaker that crashes within those few milliseconds leaves a marker that later
 * waiters delete once it is older than `staleMs`.
 */
export async function breakIfStale(lockPath: string, staleMs: number, hooks: BreakHooks = {}): Promise<void> {
  const seen = await readLock(lockPath);
  if (!seen) return;
  const age = Date.now() - seen.mtimeMs;
  const deadOwner = seen.info !== null && seen.info.host === hostname() && seen.info.pid !== process.pid && !pidAlive(seen.info.pid);
  // An unparseable lock younger than staleMs is most likely still being written.
  if (!deadOwner && age < staleMs) return;
  await hooks.onStale?.();
  const marker = `${lockPath}.break-${createHash('sha256').update(`${seen.mtimeMs}\n${seen.raw}`).digest('hex').slice(0, 16)}`;
  try {
    await fs.writeFile(marker, JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now() }), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    await removeAbandonedMarker(marker, staleMs);
    return; // another waiter is breaking this lock
  }
  try {
    const again = await readLock(lockPath);
    if (!again || again.raw !== seen.raw || again.mtimeMs !== seen.mtimeMs) return;
    await hooks.beforeRemove?.();
    await fs.rm(lockPath, { force: true });
  } finally {
    await fs.rm(marker, { force: true });
  }
}

async function removeAbandonedMarker(marker: string, staleMs: number): Promise<void> {
  try {
    const stat = await fs.stat(marker);
    if (Date.now() - stat.mtimeMs >= staleMs) await fs.rm(marker, { force: true });
  } catch {
    // Gone already: its breaker finished.
  }
}

async function release(lockPath: string, nonce: string): Promise<void> {
  const seen = await readLock(lockPath);
  // Only remove our own lock: if it was broken as stale and re-taken, it is someone else's now.
  if (seen?.info?.nonce === nonce) await fs.rm(lockPath, { force: true });
}
