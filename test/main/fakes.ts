/**
 * Test doubles for the main-process suites: a fake TesseraCore (every contract
 * method a spy with a plausible answer, events you can emit), fake IPC frames, and
 * a recorder for ipcMain.
 */
import { vi, type Mock } from 'vitest';
import { CONTRACT_METHODS, type TesseraEvent, type TesseraMethod } from '../../src-shared/contract.js';
import type { CopyResult, ProfileView, Settings } from '../../src-shared/schemas.js';
import type { TesseraCore } from '../../src-core/service.js';
import { SETTING_DEFAULTS } from '../../src-shared/rules.js';

export const SETTINGS: Settings = { ...SETTING_DEFAULTS };

export function profile(name: string, extra: Partial<ProfileView> = {}): ProfileView {
  return {
    name,
    domain: `${name.toLowerCase()}-lab`,
    region: 'us',
    credentialKind: 'api-key',
    icaUrl: 'https://ica.illumina.com/ica/rest',
    tssUrl: 'https://us.tss.illumina.com',
    customUrls: false,
    includeIdentifiers: false,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    key: { fingerprint: 'abcd', storedAt: '2025-01-01T00:00:00.000Z' },
    ...extra,
  };
}

export type FakeCore = TesseraCore & {
  [K in TesseraMethod]: Mock;
} & {
  emit(event: TesseraEvent): void;
  listenerCount(): number;
  profiles: ProfileView[];
  settings: Settings;
  dispose: Mock;
  token: Mock;
  execEnvironment: Mock;
};

export function createFakeCore(init: { profiles?: ProfileView[]; settings?: Partial<Settings> } = {}): FakeCore {
  const listeners = new Set<(event: TesseraEvent) => void>();
  const state = { profiles: init.profiles ?? [], settings: { ...SETTINGS, ...init.settings }, locked: false };
  const core: Record<string, unknown> = {};
  for (const method of CONTRACT_METHODS) core[method] = vi.fn(async () => null);
  // Accessors, so a test can change what the core answers (Object.assign would copy values).
  Object.defineProperties(core, {
    profiles: { get: () => state.profiles, set: (value: ProfileView[]) => (state.profiles = value) },
    settings: { get: () => state.settings, set: (value: Settings) => (state.settings = value) },
  });
  Object.assign(core, {
    listProfiles: vi.fn(async () => state.profiles),
    getSettings: vi.fn(async () => state.settings),
    getAppInfo: vi.fn(async () => ({ version: '0.1.0', platform: 'linux', dataDir: '/tmp/x', locked: state.locked, vault: null, versions: {} })),
    copyToken: vi.fn(async (name: string, format: CopyResult['format'], origin: CopyResult['origin'] = 'window'): Promise<CopyResult> => ({
      profile: name,
      format,
      origin,
      expiresAt: '2030-01-01T12:00:00.000Z',
      clearsAt: '2030-01-01T11:00:30.000Z',
    })),
    lock: vi.fn(async () => undefined),
    unlock: vi.fn(async () => undefined),
    onEvent: vi.fn((listener: (event: TesseraEvent) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    }),
    token: vi.fn(async () => {
      throw new Error('not used');
    }),
    execEnvironment: vi.fn(async () => ({})),
    dispose: vi.fn(async () => undefined),
    emit(event: TesseraEvent) {
      // Like the real core's session: the state changes before the event announces it.
      if (event.type === 'locked' || event.type === 'unlocked') state.locked = event.type === 'locked';
      for (const l of [...listeners]) l(event);
    },
    listenerCount: () => listeners.size,
  });
  return core as unknown as FakeCore;
}

/** An IPC invoke event as Electron builds it, from a frame at `url`. */
export function frameEvent(url: string, options: { subframe?: boolean } = {}) {
  return { senderFrame: { url, parent: options.subframe ? { url } : null } } as never;
}

export const APP_EVENT = frameEvent('app://tessera/index.html');

export type Handler = (event: unknown, ...args: unknown[]) => Promise<unknown>;

export function createIpcRecorder() {
  const handlers = new Map<string, Handler>();
  const counts = new Map<string, number>();
  return {
    handlers,
    counts,
    handle: vi.fn((channel: string, listener: Handler) => {
      counts.set(channel, (counts.get(channel) ?? 0) + 1);
      handlers.set(channel, listener);
    }),
    removeHandler: vi.fn((channel: string) => {
      handlers.delete(channel);
    }),
  };
}
