/**
 * The configurable global shortcut (settings.globalShortcut) that copies the default
 * profile's token. Re-applied when settings change; an empty setting turns it off.
 * A shortcut another application already owns is reported, not fought over.
 */
export interface GlobalShortcutLike {
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
}

type ShortcutResult = { ok: true; accelerator: string | null } | { ok: false; accelerator: string; reason: 'taken' | 'invalid' };

export interface ShortcutController {
  /** Registers `accelerator` (replacing the previous one); `''` or undefined unregisters. */
  apply(accelerator: string | undefined): ShortcutResult;
  readonly current: string | null;
  dispose(): void;
}

export function createShortcutController(globalShortcut: GlobalShortcutLike, onTrigger: () => void): ShortcutController {
  let current: string | null = null;
  const release = () => {
    if (current) {
      try {
        globalShortcut.unregister(current);
      } catch {
        // Already gone (the app is quitting): nothing to undo.
      }
    }
    current = null;
  };
  return {
    get current() {
      return current;
    },
    apply(accelerator) {
      const wanted = accelerator?.trim() ?? '';
      if (wanted === (current ?? '')) return { ok: true, accelerator: current };
      release();
      if (!wanted) return { ok: true, accelerator: null };
      try {
        if (!globalShortcut.register(wanted, onTrigger)) return { ok: false, accelerator: wanted, reason: 'taken' };
      } catch {
        // Electron throws on an accelerator string it cannot parse.
        return { ok: false, accelerator: wanted, reason: 'invalid' };
      }
      current = wanted;
      return { ok: true, accelerator: wanted };
    },
    dispose: release,
  };
}
