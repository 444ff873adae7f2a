/**
 * Clipboard hygiene, as KeePassXC does it: after `settings.clipboardClearSeconds` the
 * clipboard is cleared, but only if it still holds what Tessera put there, so a person's
 * own later copy is never wiped. This is the one place that decides whether the
 * clipboard is still ours: it remembers a SHA-256 of the last copy (never the token
 * itself), also when the timer is off, so quitting and locking clear only our copy.
 * The clipboard port only writes (marked concealed for clipboard managers), reads and clears.
 */
import { createHash } from 'node:crypto';
import { TesseraError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { ClipboardPort, Clock, Logger, Timers } from '../ports.js';

export interface ClipboardHygieneDeps {
  clipboard?: ClipboardPort;
  timers: Timers;
  clock: Clock;
  /** settings.clipboardClearSeconds, read per copy; 0 means no timed clear. */
  clearSeconds(): Promise<number>;
  events?: EventBus;
  logger?: Logger;
}

export interface ClipboardHygiene {
  readonly available: boolean;
  /** Writes `text` and schedules the clear; returns when it will happen (null: no timed clear). */
  copy(text: string): Promise<{ clearsAt: string | null }>;
  /** Writes text that is no secret (a snippet): nothing to clear later. */
  copyPlain(text: string): Promise<void>;
  /** Clears now if the clipboard still holds our last copy, timer or not (quit, lock); returns whether it did. */
  clearNow(): Promise<boolean>;
  /** Cancels the pending timer without touching the clipboard. */
  dispose(): void;
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export function createClipboardHygiene(deps: ClipboardHygieneDeps): ClipboardHygiene {
  /** The digest of our last copy while the clipboard may still hold it. */
  let owned: string | undefined;
  /** The pending timed clear; a timer that fires after being replaced finds itself gone. */
  let pending: { timer: unknown } | undefined;

  function cancelTimer(): void {
    if (pending) deps.timers.clearTimeout(pending.timer);
    pending = undefined;
  }

  /** Clears if the clipboard still holds our copy; either way the copy is no longer ours to track. */
  async function clearIfOurs(): Promise<boolean> {
    const clipboard = deps.clipboard;
    const hash = owned;
    if (!clipboard || hash === undefined) return false;
    let current: string;
    try {
      current = await clipboard.readText();
    } catch {
      return false;
    }
    // A copy made meanwhile replaced ours: it decides for itself.
    if (owned !== hash) return false;
    owned = undefined;
    // Someone copied something else since: it is theirs now, leave it.
    if (digest(current) !== hash) return false;
    await clipboard.clear();
    deps.events?.emit({ type: 'clipboard-cleared' });
    return true;
  }

  return {
    get available() {
      return deps.clipboard !== undefined;
    },
    async copy(text) {
      const clipboard = deps.clipboard;
      if (!clipboard) throw new TesseraError('INTERNAL', 'No clipboard is available here; print the token instead (tessera token).');
      cancelTimer();
      await clipboard.writeSecret(text);
      const hash = digest(text);
      owned = hash;
      const seconds = await deps.clearSeconds();
      if (seconds <= 0) return { clearsAt: null };
      const entry: { timer: unknown } = { timer: undefined };
      entry.timer = deps.timers.setTimeout(() => {
        if (pending !== entry) return;
        pending = undefined;
        clearIfOurs().catch((error: unknown) =>
          deps.logger?.warn('clipboard clear failed', { error: error instanceof Error ? error.name : typeof error }),
        );
      }, seconds * 1000);
      pending = entry;
      return { clearsAt: new Date(deps.clock.now() + seconds * 1000).toISOString() };
    },
    async copyPlain(text) {
      const clipboard = deps.clipboard;
      if (!clipboard) throw new TesseraError('INTERNAL', 'No clipboard is available here.');
      // A pending clear stays: it only ever clears the token it wrote, which this replaces.
      await clipboard.writeSecret(text);
    },
    async clearNow() {
      cancelTimer();
      return clearIfOurs();
    },
    dispose() {
      cancelTimer();
    },
  };
}
