import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startSim } from '../../sim/index.js';
import { quickCopy, withCopyNotifications } from '../../src-main/copy.js';
import { createDemoPort } from '../../src-main/demo.js';
import { IDLE_POLL_MS, startIdleLock } from '../../src-main/idle.js';
import { aboutPanelOptions, buildAppMenuTemplate, runtimeVersions } from '../../src-main/menu.js';
import { copyNotification, createNotifier } from '../../src-main/notifications.js';
import { netFetchPort, resolveDataDir } from '../../src-main/ports.js';
import { createShortcutController } from '../../src-main/shortcut.js';
import { acquireSingleInstance, focusWindow } from '../../src-main/single-instance.js';
import { DEFAULT_SIZE, fitToDisplays, loadWindowState, parseWindowState, saveWindowState, trackWindowState } from '../../src-main/window-state.js';
import { TesseraError } from '../../src-core/errors.js';
import { recordSecret } from '../helpers/env.js';
import { createFakeCore } from './fakes.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('idle lock', () => {
  function setup(minutes: number) {
    vi.useFakeTimers();
    let idle = 0;
    const listeners = new Map<string, () => void>();
    const powerMonitor = {
      getSystemIdleTime: vi.fn(() => idle),
      on: vi.fn((e: string, l: () => void) => listeners.set(e, l)),
      removeListener: vi.fn((e: string) => listeners.delete(e)),
    };
    const lock = vi.fn(async () => undefined);
    const idleLock = startIdleLock({ powerMonitor, idleLockMinutes: () => minutes, lock, timers: { setInterval, clearInterval } as never });
    return { setIdle: (s: number) => (idle = s), listeners, lock, idleLock, powerMonitor };
  }

  it('calls lock() once the system has been idle for idleLockMinutes, and only once per absence', async () => {
    const t = setup(5);
    t.setIdle(4 * 60);
    await vi.advanceTimersByTimeAsync(IDLE_POLL_MS);
    expect(t.lock).not.toHaveBeenCalled();
    t.setIdle(5 * 60);
    await vi.advanceTimersByTimeAsync(IDLE_POLL_MS);
    expect(t.lock).toHaveBeenCalledTimes(1);
    t.setIdle(6 * 60);
    await vi.advanceTimersByTimeAsync(IDLE_POLL_MS * 4);
    expect(t.lock).toHaveBeenCalledTimes(1);
    // The user comes back, then leaves again: a new absence locks again.
    t.setIdle(1);
    await vi.advanceTimersByTimeAsync(IDLE_POLL_MS);
    t.setIdle(5 * 60);
    await vi.advanceTimersByTimeAsync(IDLE_POLL_MS);
    expect(t.lock).toHaveBeenCalledTimes(2);
  });

  it('locks when the screen locks or the machine suspends', () => {
    const t = setup(15);
    t.listeners.get('lock-screen')!();
    t.listeners.get('suspend')!();
    expect(t.lock).toHaveBeenCalledTimes(2);
  });

  it('is off with 0 minutes, and stops listening on dispose', async () => {
    const t = setup(0);
    t.setIdle(99_999);
    await vi.advanceTimersByTimeAsync(IDLE_POLL_MS * 3);
    t.listeners.get('lock-screen')!();
    expect(t.lock).not.toHaveBeenCalled();
    t.idleLock.dispose();
    expect(t.powerMonitor.removeListener).toHaveBeenCalledWith('lock-screen', expect.any(Function));
  });
});

describe('global shortcut', () => {
  it('registers the configured accelerator, replaces it on change and releases it', () => {
    const registered = new Set<string>();
    const gs = { register: vi.fn((a: string) => (registered.add(a), true)), unregister: vi.fn((a: string) => registered.delete(a)) };
    const trigger = vi.fn();
    const c = createShortcutController(gs, trigger);
    expect(c.apply('CommandOrControl+Shift+T')).toEqual({ ok: true, accelerator: 'CommandOrControl+Shift+T' });
    (gs.register.mock.calls[0] as unknown as [string, () => void])[1]();
    expect(trigger).toHaveBeenCalled();
    expect(c.apply('CommandOrControl+Shift+T').ok).toBe(true);
    expect(gs.register).toHaveBeenCalledTimes(1);
    c.apply('Alt+F9');
    expect([...registered]).toEqual(['Alt+F9']);
    c.apply('');
    expect(registered.size).toBe(0);
    expect(c.current).toBeNull();
  });

  it('reports a shortcut another app owns, and one Electron cannot parse', () => {
    const taken = createShortcutController({ register: () => false, unregister: vi.fn() }, vi.fn());
    expect(taken.apply('Ctrl+C')).toEqual({ ok: false, accelerator: 'Ctrl+C', reason: 'taken' });
    const invalid = createShortcutController({ register: () => { throw new Error('bad'); }, unregister: vi.fn() }, vi.fn());
    expect(invalid.apply('Hyper+Banana')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(invalid.current).toBeNull();
  });
});

describe('single instance', () => {
  it('a second launch quits itself; the first focuses its window', () => {
    const second = { requestSingleInstanceLock: () => false, on: vi.fn(), quit: vi.fn() };
    expect(acquireSingleInstance(second, vi.fn())).toBe(false);
    expect(second.quit).toHaveBeenCalled();
    let onSecond: (() => void) | undefined;
    const first = { requestSingleInstanceLock: () => true, on: vi.fn((_e: string, l: () => void) => (onSecond = l)), quit: vi.fn() };
    const focus = vi.fn();
    expect(acquireSingleInstance(first, focus)).toBe(true);
    onSecond!();
    expect(focus).toHaveBeenCalled();
    expect(first.quit).not.toHaveBeenCalled();
  });

  it('focusWindow restores a minimised window and brings it forward', () => {
    const w = { isDestroyed: () => false, isMinimized: () => true, restore: vi.fn(), show: vi.fn(), focus: vi.fn() };
    expect(focusWindow(w)).toBe(true);
    expect(w.restore).toHaveBeenCalled();
    expect(w.focus).toHaveBeenCalled();
    expect(focusWindow(null)).toBe(false);
  });
});

describe('window state', () => {
  const display = { x: 0, y: 0, width: 1920, height: 1080 };

  it('round-trips through window-state.json and rejects junk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-ws-'));
    expect(loadWindowState(dir)).toBeNull();
    saveWindowState(dir, { x: 10, y: 20, width: 1000, height: 700, maximized: true });
    expect(loadWindowState(dir)).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: true });
    expect(readFileSync(join(dir, 'window-state.json'), 'utf8')).toContain('"maximized":true');
    expect(parseWindowState('{"width":"big"}')).toBeNull();
    expect(parseWindowState('not json')).toBeNull();
    expect(parseWindowState('{"width":10,"height":10}')).toBeNull();
  });

  it('reopens where it was if that is on a display, else centred at the saved size', () => {
    expect(fitToDisplays({ x: 100, y: 100, width: 1000, height: 700, maximized: false }, [display])).toEqual({ x: 100, y: 100, width: 1000, height: 700, maximized: false });
    expect(fitToDisplays({ x: 5000, y: 100, width: 1000, height: 700, maximized: false }, [display])).toEqual({ width: 1000, height: 700, maximized: false });
    expect(fitToDisplays(null, [display])).toEqual({ ...DEFAULT_SIZE, maximized: false });
    expect(fitToDisplays({ x: 0, y: 0, width: 4000, height: 3000, maximized: true }, [display])).toMatchObject({ width: 1920, height: 1080, maximized: true });
  });

  it('saves the normal bounds after moves (debounced) and on close', () => {
    vi.useFakeTimers();
    const listeners = new Map<string, () => void>();
    const window = {
      on: (e: string, l: () => void) => listeners.set(e, l),
      isMaximized: () => false,
      isMinimized: () => false,
      isFullScreen: () => false,
      getNormalBounds: () => ({ x: 1, y: 2, width: 900, height: 600 }),
    };
    const save = vi.fn();
    trackWindowState(window, save);
    listeners.get('move')!();
    listeners.get('resize')!();
    expect(save).not.toHaveBeenCalled();
    vi.advanceTimersByTime(500);
    expect(save).toHaveBeenCalledTimes(1);
    listeners.get('close')!();
    expect(save).toHaveBeenLastCalledWith({ x: 1, y: 2, width: 900, height: 600, maximized: false });
  });
});

describe('copy notifications', () => {
  const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

  it('name the profile, the expiry and the clipboard clear time, never the token', () => {
    const n = copyNotification({ profile: 'core-lab', format: 'header', origin: 'window', expiresAt: '2030-01-01T12:34:56.000Z', clearsAt: '2030-01-01T11:00:30.000Z' }, 'en-GB');
    expect(n.title).toBe('Authorization header copied for core-lab');
    expect(n.body).toMatch(/^Valid until \d\d:\d\d:\d\d\. Clipboard clears at \d\d:\d\d:\d\d\.$/);
    expect(copyNotification({ profile: 'x', format: 'jwt', origin: 'tray', expiresAt: '2030-01-01T12:00:00Z', clearsAt: null }).body).toMatch(/not cleared automatically/);
  });

  it('every copy through the IPC-facing API notifies; other calls pass through', async () => {
    const core = createFakeCore();
    const notify = vi.fn();
    const api = withCopyNotifications(core, notify);
    await api.copyToken('lab', 'env');
    expect(notify).toHaveBeenCalledWith(expect.objectContaining({ title: 'Export line copied for lab' }));
    await api.listProfiles();
    expect(core.listProfiles).toHaveBeenCalled();
    expect(notify).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(notify.mock.calls)).not.toContain(JWT);
  });

  it('a failed tray copy becomes a notification with the typed message, never a rejection', async () => {
    const core = createFakeCore();
    core.copyToken.mockRejectedValueOnce(new TesseraError('CREDENTIALS_REJECTED', 'The platform refused the key ending …abcd.'));
    const notify = vi.fn();
    await expect(quickCopy(core, notify, 'lab', 'jwt', 'tray')).resolves.toBeNull();
    expect(notify).toHaveBeenCalledWith({ title: 'Could not copy a token for lab', body: 'The platform refused the key ending …abcd.' });
    core.copyToken.mockRejectedValueOnce(new Error(`raw ${JWT}`));
    await quickCopy(core, notify, 'lab', 'jwt', 'tray');
    expect(JSON.stringify(notify.mock.calls)).not.toContain(JWT);
    await quickCopy(core, notify, undefined, 'jwt', 'shortcut');
    expect(notify).toHaveBeenLastCalledWith(expect.objectContaining({ title: 'Could not copy a token' }));
  });

  it('the notifier is silent where notifications are unsupported or broken', () => {
    const shown = vi.fn();
    class Supported {
      static isSupported = () => true;
      constructor(readonly o: unknown) {}
      show = shown;
    }
    createNotifier(Supported)({ title: 't', body: 'b' });
    expect(shown).toHaveBeenCalled();
    class Unsupported {
      static isSupported = () => false;
      show() {
        throw new Error('never');
      }
    }
    expect(() => createNotifier(Unsupported)({ title: 't', body: 'b' })).not.toThrow();
  });
});

describe('application menu and About panel', () => {
  const base = { appName: 'Tessera', openWindow: vi.fn(), lock: vi.fn(), showAbout: vi.fn(), openHelpLink: vi.fn() };
  const flat = (t: ReturnType<typeof buildAppMenuTemplate>) => JSON.stringify(t, (_k, v) => (typeof v === 'function' ? 'fn' : v));

  it('has DevTools and reload only in development builds', () => {
    expect(flat(buildAppMenuTemplate({ ...base, platform: 'linux', isDev: false }))).not.toMatch(/toggleDevTools|reload/i);
    expect(flat(buildAppMenuTemplate({ ...base, platform: 'linux', isDev: true }))).toMatch(/toggleDevTools/);
  });

  it('has the macOS app menu with About and the edit roles', () => {
    const mac = buildAppMenuTemplate({ ...base, platform: 'darwin', isDev: false });
    expect(mac[0]!.label).toBe('Tessera');
    expect(flat(mac)).toMatch(/"role":"about"/);
    expect(flat(mac)).toMatch(/"role":"paste"/);
    const help = buildAppMenuTemplate({ ...base, platform: 'linux', isDev: false }).find((m) => m.role === 'help')!;
    (help.submenu as { click?: () => void }[])[0]!.click!();
    expect(base.openHelpLink).toHaveBeenCalledWith('https://help.ica.illumina.com/');
  });

  it('the About panel lists the app and runtime versions', () => {
    const versions = runtimeVersions({ ...process.versions, electron: '45.5.0', chrome: '142.0.0.0' } as NodeJS.ProcessVersions);
    expect(Object.keys(versions).sort()).toEqual(['chrome', 'electron', 'node', 'v8']);
    const about = aboutPanelOptions('Tessera', '0.1.0', versions);
    expect(about).toMatchObject({ applicationName: 'Tessera', applicationVersion: '0.1.0' });
    expect(about.credits).toContain('Electron 45.5.0');
    expect(about.credits).toContain('Chromium 142.0.0.0');
  });
});

describe('ports', () => {
  it('TESSERA_HOME overrides userData as the data directory', () => {
    expect(resolveDataDir({ TESSERA_HOME: '/srv/tessera' }, '/home/u/.config/Tessera')).toBe('/srv/tessera');
    expect(resolveDataDir({ TESSERA_HOME: '  ' }, '/home/u/.config/Tessera')).toBe('/home/u/.config/Tessera');
    expect(resolveDataDir({}, '/home/u/.config/Tessera')).toBe('/home/u/.config/Tessera');
  });

  it('net.fetch receives a string URL', async () => {
    const netFetch = vi.fn(async () => new Response('ok'));
    await netFetchPort(netFetch)(new URL('https://ica.illumina.com/ica/rest/api/tokens'), { method: 'POST' });
    expect(netFetch).toHaveBeenCalledWith('https://ica.illumina.com/ica/rest/api/tokens', { method: 'POST' });
  });
});

describe('demo port', () => {
  it('starts the embedded simulator once, on 127.0.0.1, and stops it', async () => {
    const starts: unknown[] = [];
    const port = createDemoPort(async (options) => {
      starts.push(options);
      const sim = await startSim({ ...options, cases: 10, onSecretIssued: recordSecret });
      return sim;
    });
    const [a, b] = await Promise.all([port.start(), port.start()]);
    expect(starts).toEqual([{ port: 0, host: '127.0.0.1' }]);
    expect(a).toEqual(b);
    expect(new URL(a.icaUrl).hostname).toBe('127.0.0.1');
    expect(new URL(a.tssUrl).hostname).toBe('127.0.0.1');
    expect(a.domain).toBeTruthy();
    const health = await fetch(a.icaUrl.replace(/\/ica\/rest.*$/, '/')).catch(() => null);
    expect(health).not.toBeNull();
    await port.stop();
    await expect(fetch(a.icaUrl)).rejects.toThrow();
  });

  it('retries after a failed start', async () => {
    let attempt = 0;
    const port = createDemoPort(async () => {
      attempt += 1;
      if (attempt === 1) throw new Error('EADDRINUSE');
      return { icaBaseUrl: 'http://127.0.0.1:1/ica/rest', tssBaseUrl: 'http://127.0.0.1:1', demo: { domain: 'demo-lab', apiKey: 'k' }, close: vi.fn() };
    });
    await expect(port.start()).rejects.toThrow('EADDRINUSE');
    await expect(port.start()).resolves.toMatchObject({ domain: 'demo-lab' });
  });
});
