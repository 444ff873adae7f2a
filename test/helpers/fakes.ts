/** Fakes for the OS parts of the ports (clipboard, timers) used by unit tests. */
import type { ClipboardPort, Timers } from '../../src-core/ports.js';

export function fakeClipboard(): ClipboardPort & { text: string; writes: number; clears: number } {
  const c = {
    text: '',
    writes: 0,
    clears: 0,
    writeSecret(t: string) {
      c.text = t;
      c.writes++;
    },
    readText: () => c.text,
    clear() {
      c.text = '';
      c.clears++;
    },
  };
  return c;
}

export function manualTimers(): Timers & { pending: Map<number, { fn: () => void; ms: number }>; fire(): void } {
  let next = 1;
  const pending = new Map<number, { fn: () => void; ms: number }>();
  return {
    pending,
    setTimeout(fn, ms) {
      const id = next++;
      pending.set(id, { fn, ms });
      return id;
    },
    clearTimeout(handle) {
      pending.delete(handle as number);
    },
    fire() {
      const all = [...pending.entries()];
      pending.clear();
      for (const [, t] of all) t.fn();
    },
  };
}
