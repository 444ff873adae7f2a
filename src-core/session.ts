/**
 * Session: the single source of truth for whether Tessera may use its secrets now.
 * Two reasons can keep it closed:
 * - the idle lock (`lock()` / `unlock()`), which the desktop app starts after idle time,
 *   a screen lock or suspend;
 * - a file vault opened on the app's own screen (no TESSERA_VAULT_PASSPHRASE, no
 *   prompt) that holds no key yet: only `unlockVault(passphrase)` opens it.
 * While closed, everything that needs secrets fails with LOCKED or VAULT_LOCKED; the
 * faces learn of every change through the `locked` / `unlocked` events and ask
 * `state()` when they need the current value, so none keeps a copy of its own.
 *
 * Locking tells the participants (tokens forget what is in memory, the clipboard is
 * cleared if it still holds Tessera's copy, the cache closes its databases) and makes
 * the file vault forget its derived key. Wrong vault passphrases in a row earn a pause
 * before the answer; attempts run one after another.
 */
import { VaultPassphraseSchema, VaultUnlockOptionsSchema, type VaultState } from '../src-shared/base-schemas.js';
import { TesseraError } from './errors.js';
import type { EventBus } from './events.js';
import { isPassphraseVault, type Logger, type SecretStore, type Timers } from './ports.js';
import { parseInput } from './validate.js';

/** Something that holds sensitive state and must drop it when Tessera locks. */
interface LockParticipant {
  lock(): void | Promise<unknown>;
  unlock?(): void | Promise<unknown>;
}

interface SessionState {
  /** Either reason holds: the idle lock, or a vault waiting for its passphrase. */
  locked: boolean;
  /** The file vault's state; null with the OS keychain. */
  vault: VaultState | null;
}

export interface Session {
  state(): Promise<SessionState>;
  /** Throws while shut down (INTERNAL), while the vault waits for its passphrase (VAULT_LOCKED) or while locked (LOCKED). */
  assertUnlocked(): void;
  /** Throws only once shut down. */
  assertAlive(): void;
  lock(): Promise<void>;
  unlock(): Promise<void>;
  unlockVault(passphrase: unknown, options?: unknown): Promise<void>;
  /** Joins the lock: `lock()` runs on every participant, `unlock()` when the session opens again. */
  participate(participant: LockParticipant): void;
  /** Shuts down: every later call fails. Returns false when it had already ended. */
  end(): boolean;
}

/**
 * After a wrong vault passphrase: nothing for the first (a typo), then 0.5, 1, 2 and
 * at most 4 seconds. Attempts run one at a time, so guessing through the app's API
 * costs this on top of scrypt's own cost; a stolen vault.json is protected by scrypt.
 */
export function vaultRetryDelayMs(failures: number): number {
  return failures < 2 ? 0 : Math.min(500 * 2 ** (failures - 2), 4000);
}

export interface SessionDeps {
  secrets: SecretStore;
  events: EventBus;
  timers: Timers;
  logger?: Logger;
  retryDelayMs?: (failures: number) => number;
}

const VAULT_LOCKED_MESSAGE = 'The file vault is locked: enter its passphrase to unlock Tessera.';

export function createSession(deps: SessionDeps): Session {
  const { events } = deps;
  const vault = isPassphraseVault(deps.secrets) ? deps.secrets : null;
  const participants: LockParticipant[] = [];
  const retryDelay = deps.retryDelayMs ?? vaultRetryDelayMs;
  let locked = false;
  let ended = false;
  let failures = 0;
  let attempts: Promise<unknown> = Promise.resolve();

  /** True while the file vault has no key and nothing but the person can give its passphrase. */
  const vaultWaiting = (): boolean => vault?.needsPassphrase() ?? false;

  async function vaultState(): Promise<VaultState | null> {
    if (!vault) return null;
    if (!vault.needsPassphrase()) return 'open';
    return (await vault.exists()) ? 'locked' : 'new';
  }

  function assertAlive(): void {
    if (ended) throw new TesseraError('INTERNAL', 'Tessera has been shut down.');
  }

  /** Ends a lock (idle, or the vault's wait for its passphrase): participants may open again, and the faces hear of it. */
  async function open(): Promise<void> {
    locked = false;
    for (const p of participants) await p.unlock?.();
    events.emit({ type: 'unlocked' });
  }

  return {
    async state() {
      return { locked: locked || vaultWaiting(), vault: await vaultState() };
    },
    assertAlive,
    assertUnlocked() {
      assertAlive();
      if (vaultWaiting()) throw new TesseraError('VAULT_LOCKED', VAULT_LOCKED_MESSAGE);
      if (locked) throw new TesseraError('LOCKED', 'Tessera is locked.');
    },
    async lock() {
      if (locked) return;
      locked = true;
      // Like Bitwarden: forget what is sensitive in memory; the keychain keeps its entries.
      for (const p of participants) await Promise.resolve(p.lock()).catch(() => undefined);
      // Without TESSERA_VAULT_PASSPHRASE, the passphrase is asked again.
      vault?.lock();
      const state = await vaultState().catch(() => null);
      events.emit(state ? { type: 'locked', vault: state } : { type: 'locked' });
    },
    async unlock() {
      assertAlive();
      if (vaultWaiting()) throw new TesseraError('VAULT_LOCKED', VAULT_LOCKED_MESSAGE);
      if (locked) await open();
    },
    unlockVault(passphrase, options) {
      const attempt = attempts.then(async () => {
        assertAlive();
        if (!vault) throw new TesseraError('INVALID_INPUT', 'Tessera keeps its secrets in the OS keychain here: there is no vault passphrase to enter.');
        const typed = parseInput(VaultPassphraseSchema, passphrase, 'Invalid passphrase');
        const { create } = options === undefined ? {} : parseInput(VaultUnlockOptionsSchema, options, 'Invalid unlock options');
        const wasLocked = locked || vaultWaiting();
        try {
          await vault.unlockWith(typed, { create: create === true });
        } catch (error) {
          if (error instanceof TesseraError && error.code === 'VAULT_BAD_PASSPHRASE') {
            failures += 1;
            // Never the passphrase: only that one was refused, and how many in a row.
            deps.logger?.warn('file vault passphrase refused', { failures });
            const ms = retryDelay(failures);
            if (ms > 0) await new Promise<void>((done) => deps.timers.setTimeout(done, ms));
          }
          throw error;
        }
        failures = 0;
        if (wasLocked) await open();
      });
      attempts = attempt.catch(() => undefined);
      return attempt;
    },
    participate(participant) {
      participants.push(participant);
    },
    end() {
      if (ended) return false;
      ended = true;
      return true;
    },
  };
}
