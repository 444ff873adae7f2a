import { afterEach, describe, expect, it, vi } from 'vitest';
import { useApp } from '../../src-renderer/stores/app.js';
import { ensureRows, FACET_DELAY_MS, facetKey, facetsUpdating, openCases, PAGE_SIZE, rowAt, setFilters, useCases } from '../../src-renderer/stores/cases.js';
import { handleEvent } from '../../src-renderer/stores/events.js';
import { copyToken, ensureToken, loadProfiles, useProfiles } from '../../src-renderer/stores/profiles.js';
import { startSync, syncOf, useSync } from '../../src-renderer/stores/sync.js';
import { FakeError, profile, tokenStatus } from './fake-bridge.js';
import { installBridge, useFreshState } from './setup.js';

useFreshState();

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('profiles store', () => {
  it('loads profiles and their token status, and follows token events', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('a'), profile('b')];
    bridge.tokens.set('a', tokenStatus('a'));
    await loadProfiles();
    expect(useProfiles.getState().profiles.map((p) => p.name)).toEqual(['a', 'b']);
    expect(useProfiles.getState().tokens.a?.profile).toBe('a');
    expect(useProfiles.getState().tokens.b).toBeNull();
    handleEvent({ type: 'token', profile: 'b', status: tokenStatus('b', 5) });
    expect(useProfiles.getState().tokens.b?.profile).toBe('b');
  });

  it('copies through the bridge and confirms with a toast, holding no JWT', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('a')];
    await loadProfiles();
    await copyToken('a', 'header');
    expect(bridge.callsTo('copyToken')[0]?.args).toEqual(['a', 'header']);
    expect(useApp.getState().toasts.at(-1)?.title).toBe('Copied Authorization header for a');
    // The matching `copied` event from the core does not toast a second time.
    handleEvent({ type: 'copied', result: { profile: 'a', format: 'header', origin: 'window', expiresAt: new Date().toISOString(), clearsAt: null } });
    expect(useApp.getState().toasts).toHaveLength(1);
    expect(JSON.stringify(useProfiles.getState())).not.toContain('eyJ');
  });

  it('a copy from the tray (an event only) still toasts', () => {
    installBridge();
    handleEvent({ type: 'copied', result: { profile: 'z', format: 'jwt', origin: 'tray', expiresAt: new Date().toISOString(), clearsAt: null } });
    expect(useApp.getState().toasts.at(-1)?.title).toBe('Copied JWT for z');
  });

  it('decides by origin, not by time, whether a copied event is its own', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('a')];
    await loadProfiles();
    await copyToken('a', 'jwt');
    expect(useApp.getState().toasts).toHaveLength(1);
    const result = { profile: 'a', format: 'jwt' as const, expiresAt: new Date().toISOString(), clearsAt: null };
    handleEvent({ type: 'copied', result: { ...result, origin: 'window' } });
    expect(useApp.getState().toasts).toHaveLength(1);
    // The global shortcut copies the same token a second later: the window confirms it.
    handleEvent({ type: 'copied', result: { ...result, origin: 'shortcut' } });
    expect(useApp.getState().toasts).toHaveLength(2);
    expect(useApp.getState().toasts.at(-1)?.title).toBe('Copied JWT for a');
  });

  it('turns a rejected key into an error toast with the action, and reloads profiles', async () => {
    const bridge = installBridge();
    bridge.profiles = [profile('a')];
    bridge.overrides.ensureToken = () => {
      bridge.profiles = [profile('a', { key: { fingerprint: 'ab12', storedAt: new Date().toISOString(), rejectedAt: new Date().toISOString() } })];
      throw new FakeError('CREDENTIALS_REJECTED', 'The platform refused the API key ending in ab12.');
    };
    await loadProfiles();
    expect(await ensureToken('a', true)).toBeNull();
    const t = useApp.getState().toasts.at(-1)!;
    expect(t.tone).toBe('error');
    expect(t.body).toMatch(/refused the API key ending in ab12.*Manage API Keys/);
    await settle();
    expect(useProfiles.getState().profiles[0]?.key.rejectedAt).toBeDefined();
  });
});

/** Opens a profile's cases with a search text and waits for its rows. */
async function setFiltersAndShow(profile: string, text: string): Promise<void> {
  await openCases(profile, { text });
  expect(useCases.getState().shown?.text).toBe(text);
}

describe('cases store', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('loads the first page with total and facets, then pages on demand', async () => {
    const bridge = installBridge();
    await openCases('a');
    const s = useCases.getState();
    expect(s.total).toBe(1000);
    expect(s.pages[0]).toHaveLength(PAGE_SIZE);
    // The facet counts follow the rows.
    await vi.waitFor(() => expect(useCases.getState().facets.status.reduce((n, f) => n + f.count, 0)).toBe(1000));
    ensureRows(PAGE_SIZE * 3 + 5, PAGE_SIZE * 3 + 40);
    ensureRows(PAGE_SIZE * 3 + 5, PAGE_SIZE * 3 + 40); // deduplicated while in flight
    await settle();
    await settle();
    expect(bridge.callsTo('searchCases').filter((c) => (c.args[1] as { offset: number }).offset === PAGE_SIZE * 3)).toHaveLength(1);
    expect(rowAt(useCases.getState(), PAGE_SIZE * 3 + 5)?.displayId).toBe(`CASE-${String(PAGE_SIZE * 3 + 6).padStart(6, '0')}`);
  });

  it('keeps at most one search in flight and shows only the latest text (latest wins)', async () => {
    const bridge = installBridge();
    await openCases('a');
    let release: () => void = () => undefined;
    bridge.searchGate = () => new Promise<void>((r) => (release = r));
    const before = bridge.callsTo('searchCases').length;
    const typing = ['C', 'CA', 'CAS', 'CASE-00001'].map((text) => setFilters({ text }));
    // Only the first keystroke's search runs; the rest wait and collapse into one.
    expect(bridge.callsTo('searchCases').length - before).toBe(1);
    release();
    await settle();
    release();
    await Promise.all(typing);
    const searched = bridge.callsTo('searchCases').slice(before).map((c) => (c.args[1] as { text?: string }).text);
    expect(searched).toEqual(['C', 'CASE-00001']);
    expect(useCases.getState().shown?.text).toBe('CASE-00001');
    expect(useCases.getState().total).toBe(10);
  });

  it('shows the rows without waiting for the facet counts, then fills them in', async () => {
    vi.useFakeTimers();
    const bridge = installBridge();
    let release: () => void = () => undefined;
    bridge.facetsGate = () => new Promise<void>((r) => (release = r));
    await openCases('a');
    // Rows and total are on screen; the counts have not even been asked for yet.
    expect(useCases.getState().total).toBe(1000);
    expect(bridge.callsTo('caseFacets')).toHaveLength(0);
    expect(facetsUpdating(useCases.getState())).toBe(true);
    await vi.advanceTimersByTimeAsync(FACET_DELAY_MS);
    expect(bridge.callsTo('caseFacets')).toHaveLength(1);
    expect(useCases.getState().facets.status).toEqual([]);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(facetsUpdating(useCases.getState())).toBe(false);
    expect(useCases.getState().facets.status.reduce((n, f) => n + f.count, 0)).toBe(1000);
  });

  it('asks for the counts once typing pauses, for the text typed last', async () => {
    vi.useFakeTimers();
    const bridge = installBridge();
    await openCases('a');
    for (const text of ['C', 'CA', 'CAS', 'CASE-0000']) {
      await setFilters({ text });
      await vi.advanceTimersByTimeAsync(FACET_DELAY_MS / 2);
    }
    expect(bridge.callsTo('caseFacets')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(FACET_DELAY_MS);
    expect(bridge.callsTo('caseFacets').map((c) => (c.args[1] as { text?: string }).text)).toEqual(['CASE-0000']);
    // CASE-000001 … CASE-000099
    expect(useCases.getState().facets.status.reduce((n, f) => n + f.count, 0)).toBe(99);
  });

  it('never lets a late facet answer for an older query replace the counts of the one shown', async () => {
    vi.useFakeTimers();
    const bridge = installBridge();
    const gates = new Map<string | undefined, () => void>();
    bridge.facetsGate = (q) => new Promise<void>((r) => gates.set(q.text, r));
    await setFiltersAndShow('a', 'CASE-00001');
    await vi.advanceTimersByTimeAsync(FACET_DELAY_MS);
    expect([...gates.keys()]).toEqual(['CASE-00001']);

    // The person types on while the counts of CASE-00001 are still being counted.
    await setFilters({ text: 'CASE-00002' });
    await vi.advanceTimersByTimeAsync(FACET_DELAY_MS);
    const shown = useCases.getState().shown!;
    expect(shown.text).toBe('CASE-00002');
    // One request at a time: CASE-00002's waits for the one in flight.
    expect([...gates.keys()]).toEqual(['CASE-00001']);

    const seen: string[] = [];
    const unsubscribe = useCases.subscribe((s) => {
      if (s.facetsOf !== null) seen.push(JSON.parse(s.facetsOf).text);
    });
    gates.get('CASE-00001')!();
    await vi.advanceTimersByTimeAsync(0);
    // The old answer arrived after CASE-00002's rows: dropped, the previous counts stay marked as updating.
    expect(useCases.getState().facetsOf).not.toBe(facetKey({ ...shown, text: 'CASE-00001' }));
    expect(facetsUpdating(useCases.getState())).toBe(true);
    await vi.advanceTimersByTimeAsync(FACET_DELAY_MS);
    expect([...gates.keys()]).toEqual(['CASE-00001', 'CASE-00002']);
    gates.get('CASE-00002')!();
    await vi.advanceTimersByTimeAsync(0);
    unsubscribe();
    expect([...new Set(seen)]).toEqual(['CASE-00002']);
    expect(facetsUpdating(useCases.getState())).toBe(false);
    // CASE-000020 … CASE-000029
    expect(useCases.getState().facets.status.reduce((n, f) => n + f.count, 0)).toBe(10);
  });

  it("gives another profile its counts when the previous profile's answer comes late", async () => {
    vi.useFakeTimers();
    const bridge = installBridge();
    let release: () => void = () => undefined;
    bridge.facetsGate = () => new Promise<void>((r) => (release = r));
    await openCases('a');
    await vi.advanceTimersByTimeAsync(FACET_DELAY_MS);
    const releaseA = release;
    bridge.facetsGate = null;
    await openCases('b');
    await vi.advanceTimersByTimeAsync(FACET_DELAY_MS);
    releaseA();
    await vi.advanceTimersByTimeAsync(FACET_DELAY_MS);
    expect(bridge.callsTo('caseFacets').map((c) => c.args[0])).toEqual(['a', 'b']);
    expect(facetsUpdating(useCases.getState())).toBe(false);
    expect(useCases.getState().facets.status.reduce((n, f) => n + f.count, 0)).toBe(1000);
  });

  it('drops a page that belongs to an older result', async () => {
    const bridge = installBridge();
    await openCases('a');
    let release: () => void = () => undefined;
    bridge.searchGate = () => new Promise<void>((r) => (release = r));
    ensureRows(PAGE_SIZE * 2, PAGE_SIZE * 2 + 10);
    const gen = useCases.getState().generation;
    const pageRelease = release;
    bridge.searchGate = null;
    await setFilters({ status: ['Complete'] });
    pageRelease();
    await settle();
    expect(useCases.getState().generation).toBe(gen + 1);
    expect(useCases.getState().pages[2]).toBeUndefined();
  });
});

describe('sync and session events', () => {
  it('tracks progress events and the result', async () => {
    const bridge = installBridge();
    bridge.overrides.sync = async (name) => {
      handleEvent({ type: 'sync', progress: { profile: name as string, phase: 'cases', done: 200, total: 1000 } });
      expect(syncOf(useSync.getState(), 'a').progress?.done).toBe(200);
      expect(syncOf(useSync.getState(), 'a').running).toBe(true);
      return { profile: 'a', tests: 2, cases: 1000, removed: 0, syncedAt: new Date().toISOString(), durationMs: 10 };
    };
    await startSync('a');
    const s = syncOf(useSync.getState(), 'a');
    expect(s.running).toBe(false);
    expect(s.lastResult?.cases).toBe(1000);
    expect(useApp.getState().toasts.at(-1)?.title).toBe('Synced a');
  });

  it('a failed sync keeps the typed error', async () => {
    const bridge = installBridge();
    bridge.overrides.sync = () => {
      throw new FakeError('NETWORK', 'Cannot reach demo-lab.trusight.illumina.com');
    };
    await startSync('a');
    expect(syncOf(useSync.getState(), 'a').error?.code).toBe('NETWORK');
  });

  it('locks on the locked event and drops cached rows', async () => {
    installBridge();
    await openCases('a');
    handleEvent({ type: 'locked' });
    expect(useApp.getState().locked).toBe(true);
    expect(useCases.getState().pages).toEqual({});
    handleEvent({ type: 'unlocked' });
    expect(useApp.getState().locked).toBe(false);
  });
});
