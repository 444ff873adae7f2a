/** Sync state per profile: progress from `sync` events, the cache status, the last failure. */
import { create } from 'zustand';
import type { CacheStatus, SyncProgress, SyncResult } from '../../src-shared/schemas.js';
import { tessera } from '../lib/bridge.js';
import { toUiError, type UiError } from '../lib/errors.js';
import { toast } from './app.js';

export interface ProfileSync {
  running: boolean;
  progress: SyncProgress | null;
  status: CacheStatus | null;
  lastResult: SyncResult | null;
  error: UiError | null;
}

export interface SyncState {
  byProfile: Record<string, ProfileSync>;
}

const emptySync: ProfileSync = { running: false, progress: null, status: null, lastResult: null, error: null };

export const useSync = create<SyncState>()(() => ({ byProfile: {} }));

export function resetSync(): void {
  useSync.setState({ byProfile: {} }, true);
}

export function syncOf(state: SyncState, profile: string): ProfileSync {
  return state.byProfile[profile] ?? emptySync;
}

function patch(profile: string, p: Partial<ProfileSync>): void {
  useSync.setState((s) => ({ byProfile: { ...s.byProfile, [profile]: { ...syncOf(s, profile), ...p } } }));
}

/** Listeners that reload data once a sync completes (the cases and tests views register). */
const afterSync = new Set<(profile: string) => void>();
export function onSyncFinished(listener: (profile: string) => void): () => void {
  afterSync.add(listener);
  return () => afterSync.delete(listener);
}

export async function loadCacheStatus(profile: string): Promise<void> {
  try {
    const status = await tessera().getCacheStatus(profile);
    patch(profile, { status, running: status.syncing || syncOf(useSync.getState(), profile).running });
  } catch (error) {
    patch(profile, { error: toUiError(error) });
  }
}

export function applyProgress(progress: SyncProgress): void {
  const running = !['done', 'cancelled', 'failed'].includes(progress.phase);
  patch(progress.profile, { progress, running });
}

export async function startSync(profile: string): Promise<void> {
  if (syncOf(useSync.getState(), profile).running) return;
  patch(profile, { running: true, error: null, progress: { profile, phase: 'tests', done: 0, total: null } });
  try {
    const result = await tessera().sync(profile);
    patch(profile, { lastResult: result, running: false, progress: { profile, phase: 'done', done: result.cases, total: result.cases } });
    toast('success', `Synced ${profile}`, `${result.cases.toLocaleString()} cases and ${result.tests} tests.`);
  } catch (error) {
    const e = toUiError(error);
    patch(profile, { running: false, error: e.code === 'CANCELLED' ? null : e });
  } finally {
    await loadCacheStatus(profile);
    for (const l of afterSync) l(profile);
  }
}

export async function cancelSync(profile: string): Promise<void> {
  try {
    await tessera().cancelSync(profile);
  } catch (error) {
    patch(profile, { error: toUiError(error) });
  }
}
