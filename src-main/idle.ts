/**
 * Idle lock: after `idleLockMinutes` of system idle time, or when the screen locks,
 * the core's `lock()` forgets in-memory tokens and closes the cache; the renderer
 * shows its lock screen on the `locked` event until `unlock()`. 0 minutes turns the
 * automatic lock off (both triggers).
 *
 * Polling `getSystemIdleTime` is what Electron offers cross-platform (there is no
 * "idle" event); a 15 s period keeps the lock within a quarter minute of the setting.
 */
interface PowerMonitorLike {
  getSystemIdleTime(): number;
  on(event: 'lock-screen' | 'suspend', listener: () => void): unknown;
  removeListener(event: 'lock-screen' | 'suspend', listener: () => void): unknown;
}

interface IntervalTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const IDLE_POLL_MS = 15_000;

export interface IdleLockOptions {
  powerMonitor: PowerMonitorLike;
  /** Current setting; read on every poll so a change applies without a restart. */
  idleLockMinutes: () => number;
  lock: () => Promise<void>;
  timers?: IntervalTimers;
  onError?: (error: unknown) => void;
}

export interface IdleLock {
  /** Re-arms after the user unlocked (a new idle period is needed to lock again). */
  rearm(): void;
  dispose(): void;
}

export function startIdleLock(options: IdleLockOptions): IdleLock {
  const timers: IntervalTimers = options.timers ?? {
    setInterval: (fn, ms) => {
      const handle = setInterval(fn, ms);
      handle.unref?.();
      return handle;
    },
    clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
  };
  // Armed: the next idle period may lock. After a lock it stays disarmed until the
  // user is active again (or unlocks), so a long absence locks once, not every poll.
  let armed = true;

  const doLock = () => {
    armed = false;
    options.lock().catch((error: unknown) => options.onError?.(error));
  };

  const poll = () => {
    const minutes = options.idleLockMinutes();
    if (!(minutes > 0)) return;
    let idleSeconds: number;
    try {
      idleSeconds = options.powerMonitor.getSystemIdleTime();
    } catch (error) {
      options.onError?.(error);
      return;
    }
    if (idleSeconds >= minutes * 60) {
      if (armed) doLock();
    } else if (idleSeconds * 1000 < IDLE_POLL_MS) {
      armed = true;
    }
  };

  const onScreenLock = () => {
    if (options.idleLockMinutes() > 0) doLock();
  };

  const handle = timers.setInterval(poll, IDLE_POLL_MS);
  options.powerMonitor.on('lock-screen', onScreenLock);
  options.powerMonitor.on('suspend', onScreenLock);

  return {
    rearm() {
      armed = true;
    },
    dispose() {
      timers.clearInterval(handle);
      options.powerMonitor.removeListener('lock-screen', onScreenLock);
      options.powerMonitor.removeListener('suspend', onScreenLock);
    },
  };
}
