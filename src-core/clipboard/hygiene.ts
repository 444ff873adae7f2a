/**
 * Clipboard hygiene, as KeePassXC does it: after `settings.clipboardClearSeconds` the
 * clipboard is cleared, but only if it still holds what Tessera put there, so a person's
 * own later copy is never wiped. Only a SHA-256 of the copy is kept to compare with,
 * not the token itself. The Electron port marks writes concealed for clipboard managers.
 */
import { createHash } from 'node:crypto';
import { TesseraError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { ClipboardPort, Clock, Logger, Timers } from '../ports.js';

export interface ClipboardHygieneDeps {
  clipboard?: ClipboardPort;
  timers: Timers;
  clock: Clock;
  /** settings.clipboardClearSeconds, read per copy; 0 means never clear. */
  clearSeconds(): Promise<number>;
  events?: EventBus;
  logger?: Logger;
}

export interface ClipboardHygiene {
  readonly available: boolean;
  /** Writes `text` and schedules the clear; returns when it will happen (null: never). */
  copy(text: string): Promise<{ clearsAt: string | null }>;
  /** Writes text that is no secret (a snippet): nothing to clear later. */
  copyPlain(text: string): Promise<void>;
  /** Clears now if the clipboard still holds our copy (quit, lock). */
  clearNow(): Promise<boolean>;
  /** Cancels the pending timer without touching the clipboard. */
  dispose(): void;
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export function createClipboardHygiene(deps: ClipboardHygieneDeps): ClipboardHygiene {
  let pending: { hash: string; timer: unknown } | undefined;

  function cancelTimer(): void {
    if (pending?.timer !== undefined) deps.timers.clearTimeout(pending.timer);
  }

  async function clearIfOurs(hash: string): Promise<boolean> {
    const clipboard = deps.clipboard;
    if (!clipboard) return false;
    let current: string;
    try {
      current = await clipboard.readText();
    } catch {
      return false;
    }
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
      pending = undefined;
      await clipboard.writeSecret(text);
      const hash = digest(text);
      const seconds = await deps.clearSeconds();
      if (seconds <= 0) return { clearsAt: null };
      const entry: { hash: string; timer: unknown } = { hash, timer: undefined };
      entry.timer = deps.timers.setTimeout(() => {
        if (pending !== entry) return;
        pending = undefined;
        clearIfOurs(hash).catch((error: unknown) =>
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
      const entry = pending;
      if (!entry) return false;
      cancelTimer();
      pending = undefined;
      return clearIfOurs(entry.hash);
    },
    dispose() {
      cancelTimer();
      pending = undefined;
    },
  };
}
