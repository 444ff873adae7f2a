/**
 * createTessera composition with a fake fetch (a minimal ICA token endpoint), an
 * in-memory SecretStore and fake clipboard/timers: dispatch validation, settings,
 * copy, demo, lock, the cache seam.
 */
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../src-core/rpc.js';
import { createTessera } from '../../src-core/tessera.js';
import type { CacheService } from '../../src-core/cache/service.js';
import { createMemoryStore } from '../helpers/memory-store.js';
import type { FetchPort, Ports } from '../../src-core/ports.js';
import type { TesseraEvent } from '../../src-shared/contract.js';
import type { AddProfileInput } from '../../src-shared/schemas.js';
import { newDataDir } from '../helpers/env.js';
import { fakeClipboard, manualTimers } from '../helpers/fakes.js';
import { makeJwt } from '../helpers/jwt.js';

const KEY = 'unit-tessera-api-key-0042';

function icaFetch(): FetchPort & { mints: number } {
  const f = (async (input: string | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    if (!url.pathname.endsWith('/api/tokens')) return new Response('{}', { status: 404 });
    if (headers.get('x-api-key') !== KEY) {
      return new Response(JSON.stringify({ title: 'Unauthorized', status: 401 }), { status: 401, headers: { 'content-type': 'application/problem+json' } });
    }
    f.mints++;
    const token = await makeJwt({ exp: Math.floor(Date.now() / 1000) + 3600, gty: 'api_key', n: f.mints });
    return new Response(JSON.stringify({ token }), {
      status: 200,
      headers: { 'content-type': 'application/vnd.illumina.v3+json', date: new Date().toUTCString() },
    });
  }) as FetchPort & { mints: number };
  f.mints = 0;
  return f;
}

function setup(extra: Partial<Ports> = {}, cache?: (deps: unknown) => CacheService) {
  const fetch = icaFetch();
  const clipboard = fakeClipboard();
  const timers = manualTimers();
  const secrets = createMemoryStore();
  const ports: Ports = { fetch, secrets, clock: { now: () => Date.now() }, paths: { dataDir: newDataDir('tessera') }, clipboard, timers, ...extra };
  const core = createTessera(ports, cache ? { cache } : {});
  const events: TesseraEvent[] = [];
  core.onEvent((e) => events.push(e));
  return { core, fetch, clipboard, timers, secrets, events, ports };
}

const profileInput: AddProfileInput = { name: 'lab', domain: 'demo-lab', region: 'us', icaUrl: 'https://ica.example/ica/rest', credential: { kind: 'api-key', apiKey: KEY } };

describe('dispatch', () => {
  it('validates arguments: bad args and unknown methods are INVALID_INPUT, never echoing a secret', async () => {
    const { core } = setup();
    const bad = await dispatch(core, 'addProfile', [{ ...profileInput, name: 'bad name', credential: { kind: 'api-key', apiKey: 'secret with spaces' } }]);
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(JSON.stringify(bad)).not.toContain('secret with spaces');
    expect(await dispatch(core, 'nope', [])).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dispatch(core, 'ensureToken', ['lab', { minTtlSeconds: -1 }])).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dispatch(core, 'ensureToken', ['lab', { extra: true }])).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dispatch(core, 'updateSettings', [{ minTtlSeconds: 'soon' }])).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dispatch(core, 'copyToken', ['lab', 'yaml'])).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dispatch(core, 'removeProfile', [])).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('runs valid calls and maps typed errors', async () => {
    const { core } = setup();
    const added = await dispatch(core, 'addProfile', [profileInput]);
    expect(added).toMatchObject({ ok: true, value: { name: 'lab', key: { fingerprint: '0042' } } });
    expect(JSON.stringify(added)).not.toContain(KEY);
    expect(await dispatch(core, 'ensureToken', ['lab'])).toMatchObject({ ok: true, value: { source: 'minted' } });
    expect(await dispatch(core, 'ensureToken', ['ghost'])).toMatchObject({ ok: false, error: { code: 'PROFILE_NOT_FOUND' } });
    expect(await dispatch(core, 'removeProfile', ['lab'])).toEqual({ ok: true, value: null });
  });
});

describe('settings and info', () => {
  it('defaults, updates with an event, and validates patches', async () => {
    const { core, events } = setup();
    expect(await core.getSettings()).toMatchObject({ minTtlSeconds: 300, clipboardClearSeconds: 30, requestTimeoutSeconds: 30 });
    const next = await core.updateSettings({ minTtlSeconds: 120 });
    expect(next.minTtlSeconds).toBe(120);
    expect((await core.getSettings()).minTtlSeconds).toBe(120);
    expect(events).toContainEqual({ type: 'settings-changed', settings: next });
    await expect(core.updateSettings({ minTtlSeconds: -5 } as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('a patch changes only the settings it names (picking a theme keeps the other settings)', async () => {
    const { core } = setup();
    await core.updateSettings({ clipboardClearSeconds: 90, idleLockMinutes: 5, minTtlSeconds: 600 });
    const next = await core.updateSettings({ theme: 'dark' });
    expect(next).toMatchObject({ theme: 'dark', clipboardClearSeconds: 90, idleLockMinutes: 5, minTtlSeconds: 600 });
    expect(await core.getSettings()).toMatchObject({ theme: 'dark', clipboardClearSeconds: 90, idleLockMinutes: 5, minTtlSeconds: 600 });
  });

  it('defaultProfile: null goes back to "first profile"', async () => {
    const { core } = setup();
    await core.addProfile(profileInput);
    expect((await core.updateSettings({ defaultProfile: 'lab' })).defaultProfile).toBe('lab');
    const cleared = await core.updateSettings({ defaultProfile: null });
    expect(cleared).not.toHaveProperty('defaultProfile');
    expect(await core.getSettings()).not.toHaveProperty('defaultProfile');
  });

  it('a refused setting says the range and names the field, never a schema path', async () => {
    const { core } = setup();
    const error = (await core.updateSettings({ clipboardClearSeconds: 5000 }).then(
      () => new Error('accepted'),
      (e: unknown) => e,
    )) as Error;
    expect(error).toMatchObject({ code: 'INVALID_INPUT' });
    expect(error.message).toContain('Enter a whole number from 0 to 3600');
    expect(error.message).toContain('Clear the clipboard after');
    expect(error.message).not.toContain('clipboardClearSeconds');
  });

  it('getAppInfo reports the data dir, lock state and versions', async () => {
    const { core, ports } = setup({ appInfo: { version: '9.9.9', versions: { electron: '45.4.0' } } });
    expect(await core.getAppInfo()).toEqual({ version: '9.9.9', platform: process.platform, dataDir: ports.paths.dataDir, locked: false, vault: null, versions: { electron: '45.4.0' } });
  });

  it('doctor with the in-memory store checks the config and the store', async () => {
    const { core } = setup();
    const report = await core.doctor();
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.name)).toEqual(['config', 'secrets']);
  });
});

describe('copy', () => {
  it('copies a fresh token in the chosen format, reports when it clears, and emits no JWT', async () => {
    const { core, clipboard, events, timers } = setup();
    await core.addProfile({ ...profileInput, workgroup: '0f8e6d4c-2b1a-4c3d-9e8f-7a6b5c4d3e2f' });
    const result = await core.copyToken('lab', 'curl');
    expect(result).toMatchObject({ profile: 'lab', format: 'curl' });
    expect(result.clearsAt).not.toBeNull();
    expect(clipboard.text).toMatch(/^curl -sS -H 'Authorization: Bearer ey/);
    expect(clipboard.text).toContain("-H 'X-ILMN-Workgroup: 0f8e6d4c-2b1a-4c3d-9e8f-7a6b5c4d3e2f'");
    expect(clipboard.text).toContain('https://demo-lab.trusight.illumina.com/crs/api/v2/cases/search');
    const jwt = /Bearer ([^']+)/.exec(clipboard.text)?.[1] ?? '';
    expect(events).toContainEqual({ type: 'copied', result });
    expect(JSON.stringify(events)).not.toContain(jwt);
    timers.fire();
    await new Promise((r) => setTimeout(r, 0));
    expect(clipboard.text).toBe('');
  });

  it('dispose clears the clipboard if it still holds our copy', async () => {
    const { core, clipboard } = setup();
    await core.addProfile(profileInput);
    await core.copyToken('lab', 'jwt');
    expect(clipboard.text).not.toBe('');
    await core.dispose();
    expect(clipboard.text).toBe('');
  });

  it('the copied event says where the copy was asked for; the window is the default', async () => {
    const { core, events } = setup();
    await core.addProfile(profileInput);
    expect((await core.copyToken('lab', 'jwt')).origin).toBe('window');
    const fromTray = await dispatch(core, 'copyToken', ['lab', 'header', 'tray']);
    expect(fromTray).toMatchObject({ ok: true, value: { format: 'header', origin: 'tray' } });
    expect(events.filter((e) => e.type === 'copied').map((e) => e.type === 'copied' && e.result.origin)).toEqual(['window', 'tray']);
    // The contract takes only the known origins, and only the clipboard's formats.
    expect(await dispatch(core, 'copyToken', ['lab', 'jwt', 'somewhere'])).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dispatch(core, 'copyToken', ['lab', 'json'])).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('with the timed clear off, quitting and locking still clear our copy and only ours', async () => {
    const { core, clipboard, timers } = setup();
    await core.addProfile(profileInput);
    await core.updateSettings({ clipboardClearSeconds: 0 });
    expect((await core.copyToken('lab', 'jwt')).clearsAt).toBeNull();
    expect(timers.pending.size).toBe(0);
    await core.lock();
    expect(clipboard.text).toBe('');
    await core.unlock();
    await core.copyToken('lab', 'env');
    clipboard.text = 'the user copied this';
    await core.dispose();
    expect(clipboard.text).toBe('the user copied this');
    expect(clipboard.clears).toBe(1);
  });

  it('without a clipboard port copyToken is a typed error', async () => {
    const { core } = setup({ clipboard: undefined });
    await core.addProfile(profileInput);
    await expect(core.copyToken('lab', 'jwt')).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});

describe('session', () => {
  it('lock clears our clipboard copy, refuses token and cache calls, and unlock restores them', async () => {
    const { core, clipboard, events, fetch } = setup();
    await core.addProfile(profileInput);
    await core.copyToken('lab', 'jwt');
    await core.lock();
    expect(clipboard.text).toBe('');
    await expect(core.getTokenStatus('lab')).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(core.token('lab')).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(core.execEnvironment('lab')).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(core.copyToken('lab', 'jwt')).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(core.sync('lab')).rejects.toMatchObject({ code: 'LOCKED' });
    expect(await core.listProfiles()).toHaveLength(1); // non-secret
    await expect(core.addProfile({ ...profileInput, name: 'other' })).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(core.removeProfile('lab')).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(core.replaceCredential('lab', { kind: 'api-key', apiKey: 'another-key-0000' })).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(core.updateSettings({ minTtlSeconds: 10 })).rejects.toMatchObject({ code: 'LOCKED' });
    await core.unlock();
    expect((await core.ensureToken('lab')).source).toBe('cache');
    expect(fetch.mints).toBe(1);
    expect(events.filter((e) => e.type === 'locked' || e.type === 'unlocked').map((e) => e.type)).toEqual(['locked', 'unlocked']);
  });

  it('startDemo adds the demo profile from ports.demo, and returns it again later', async () => {
    const demo = { icaUrl: 'http://127.0.0.1:4555/ica/rest', tssUrl: 'http://127.0.0.1:4555', domain: 'demo-lab', apiKey: 'demo-api-key-0000' };
    const { core } = setup({ demo: async () => demo });
    const a = await core.startDemo();
    expect(a).toMatchObject({ name: 'demo', isDemo: true, icaUrl: demo.icaUrl, tssUrl: demo.tssUrl, domain: 'demo-lab' });
    const b = await core.startDemo();
    expect(b.name).toBe('demo');
    expect(await core.listProfiles()).toHaveLength(1);
  });

  it('startDemo without an embedded simulator is a typed error', async () => {
    const { core } = setup();
    await expect(core.startDemo()).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});

describe('offline cache seam', () => {
  it('by default the cache methods read the encrypted offline cache (empty before the first sync)', async () => {
    const { core } = setup();
    await expect(core.searchCases('lab', {})).rejects.toMatchObject({ code: 'PROFILE_NOT_FOUND' });
    await core.addProfile(profileInput);
    await expect(core.searchCases('lab', {})).resolves.toMatchObject({ items: [], total: 0, syncedAt: null, stale: true });
    await expect(core.getCacheStatus('lab')).resolves.toMatchObject({ profile: 'lab', cases: 0, tests: 0, syncedAt: null, syncing: false });
    await expect(core.cancelSync('lab')).resolves.toBeUndefined();
    await core.dispose();
  });

  it('a cache facade built from the core deps receives the calls and the lifecycle', async () => {
    const calls: string[] = [];
    const facade: CacheService = {
      listTests: async (name) => (calls.push(`listTests:${name}`), { data: [], syncedAt: null, stale: false, offline: false }),
      searchCases: async () => ({ items: [], total: 0, syncedAt: null, stale: false, offline: false }),
      caseFacets: async () => ({ status: [], subState: [], test: [] }),
      getCase: async () => {
        throw new Error('unused');
      },
      getReport: async () => {
        throw new Error('unused');
      },
      getReportPdf: async () => {
        throw new Error('unused');
      },
      getCacheStatus: async (name) => ({ profile: name, syncedAt: null, cases: 0, tests: 0, syncing: false, includeIdentifiers: false }),
      sync: async () => {
        throw new Error('unused');
      },
      cancelSync: async () => undefined,
      listAuditEvents: async () => ({ data: [], window: null, syncedAt: null, stale: false, offline: false }),
      lock: async () => void calls.push('lock'),
      unlock: async () => void calls.push('unlock'),
      beforeRemove: async (p) => void calls.push(`beforeRemove:${p.name}`),
      dispose: async () => void calls.push('dispose'),
    };
    let sawDeps = false;
    const { core } = setup({}, (deps) => {
      sawDeps = typeof (deps as { bearerToken?: unknown }).bearerToken === 'function';
      return facade;
    });
    expect(sawDeps).toBe(true);
    await core.addProfile(profileInput);
    await core.listTests('lab');
    await core.lock();
    await core.unlock();
    await core.removeProfile('lab');
    await core.dispose();
    expect(calls).toEqual(['listTests:lab', 'lock', 'unlock', 'beforeRemove:lab', 'dispose']);
  });
});
