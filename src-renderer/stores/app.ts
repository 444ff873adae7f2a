/**
 * App-wide UI state: where the user is, the lock state, settings (for the theme),
 * the command palette and toasts. Kept apart from profile and case data so that a
 * toast or palette toggle never re-renders the case table.
 */
import { create } from 'zustand';
import type { AppInfo, Settings, SettingsPatch, VaultState } from '../../src-shared/schemas.js';
import { tessera } from '../lib/bridge.js';
import { gistOf, toUiError, type UiError } from '../lib/errors.js';

export type ProfileTab = 'overview' | 'tests' | 'cases';

export type View =
  | { kind: 'home' }
  | { kind: 'add-profile' }
  | { kind: 'settings' }
  | { kind: 'profile'; name: string; tab: ProfileTab };

export type ToastTone = 'success' | 'info' | 'error';

interface Toast {
  id: number;
  tone: ToastTone;
  title: string;
  body?: string;
  /** The full message behind an error, folded away so the toast stays short. */
  detail?: string;
}

export interface AppState {
  view: View;
  locked: boolean;
  /** The file vault's state (null with the OS keychain): `locked` or `new` means the lock screen asks for the passphrase. Never the passphrase itself. */
  vault: VaultState | null;
  settings: Settings | null;
  appInfo: AppInfo | null;
  paletteOpen: boolean;
  toasts: Toast[];
  /** Set while unlock() runs, so the button can say so. */
  unlocking: boolean;
  lockError: UiError | null;
}

const initial: AppState = {
  view: { kind: 'home' },
  locked: false,
  vault: null,
  settings: null,
  appInfo: null,
  paletteOpen: false,
  toasts: [],
  unlocking: false,
  lockError: null,
};

export const useApp = create<AppState>()(() => ({ ...initial }));

/** Where this app keeps keys, in words: the file vault when one is in use (getAppInfo().vault), else the OS keychain. */
export function useSecretHome(): string {
  return useApp((s) => (s.vault ?? s.appInfo?.vault ?? null) === null ? 'the OS keychain' : 'the encrypted file vault');
}

export function resetApp(): void {
  useApp.setState({ ...initial }, true);
}

export function navigate(view: View): void {
  useApp.setState({ view });
}

export function openProfile(name: string, tab: ProfileTab = 'overview'): void {
  navigate({ kind: 'profile', name, tab });
}

export function setPaletteOpen(open: boolean): void {
  useApp.setState({ paletteOpen: open });
}

let toastSeq = 0;
const TOAST_MS = 6000;

export function toast(tone: ToastTone, title: string, body?: string, detail?: string): number {
  const id = ++toastSeq;
  useApp.setState((s) => ({ toasts: [...s.toasts.slice(-3), { id, tone, title, ...(body ? { body } : {}), ...(detail ? { detail } : {}) }] }));
  // Errors stay until dismissed: they carry the action to take.
  if (tone !== 'error') setTimeout(() => dismissToast(id), TOAST_MS);
  return id;
}

export function dismissToast(id: number): void {
  useApp.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}

export function toastError(error: unknown, title?: string): UiError {
  const e = toUiError(error);
  // Short: what failed and what to do, once. The platform's full message is one click away.
  if (!title) {
    toast('error', e.message, e.action);
    return e;
  }
  const gist = gistOf(e.message, e.action);
  toast('error', title, [gist, e.action].filter(Boolean).join(' '), gist === e.message ? undefined : e.message);
  return e;
}

export async function loadAppInfo(): Promise<void> {
  const [info, settings] = await Promise.all([tessera().getAppInfo(), tessera().getSettings()]);
  useApp.setState({ appInfo: info, settings, locked: info.locked, vault: info.vault ?? null });
}

/** Re-reads the vault's state (after a refusal that may mean it was created or removed meanwhile). */
async function refreshVault(): Promise<void> {
  try {
    const info = await tessera().getAppInfo();
    useApp.setState({ appInfo: info, vault: info.vault ?? null });
  } catch {
    // The error already shown is the one that matters.
  }
}

export async function saveSettings(patch: SettingsPatch): Promise<Settings> {
  const settings = await tessera().updateSettings(patch);
  useApp.setState({ settings });
  return settings;
}

/**
 * Follows the core's session: called for its `locked` / `unlocked` events (and the first
 * getAppInfo), never on a guess of the renderer's own. `vault`: the file vault's state
 * the lock event reported; unlocking leaves a file vault `open`.
 */
export function setLocked(locked: boolean, vault?: VaultState): void {
  useApp.setState((s) => ({
    locked,
    ...(vault ? { vault } : !locked && s.vault ? { vault: 'open' as const } : {}),
    ...(locked ? { paletteOpen: false } : { lockError: null }),
  }));
}

/** Asks the core to lock; the lock screen follows its `locked` event. */
export async function lockNow(): Promise<void> {
  useApp.setState({ paletteOpen: false });
  try {
    await tessera().lock();
  } catch (error) {
    toastError(error, 'Could not lock');
  }
}

export async function unlockNow(): Promise<boolean> {
  return attemptUnlock(() => tessera().unlock());
}

/**
 * Opens the file vault with a typed passphrase (`create`: it was typed twice, for a
 * vault that does not exist yet). The passphrase is only passed through: no store
 * keeps it, and the caller clears its field before calling.
 */
export async function unlockVaultNow(passphrase: string, create: boolean): Promise<boolean> {
  return attemptUnlock(() => tessera().unlockVault(passphrase, create ? { create: true } : undefined));
}

/** One unlock attempt from the lock screen: its progress, its error, and the switch to the passphrase form when the vault wants one. */
async function attemptUnlock(call: () => Promise<void>): Promise<boolean> {
  useApp.setState({ unlocking: true, lockError: null });
  try {
    // Success ends the lock in the core, whose `unlocked` event removes the lock screen.
    await call();
    return true;
  } catch (error) {
    const e = toUiError(error);
    useApp.setState({ lockError: e });
    // The file vault wants its passphrase: the lock screen switches to asking for it.
    if (e.code === 'VAULT_LOCKED') await refreshVault();
    return false;
  } finally {
    useApp.setState({ unlocking: false });
  }
}
