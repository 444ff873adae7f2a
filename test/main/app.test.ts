/**
 * The composition root against a mocked `electron` and a fake core: hardening is in
 * place before anything loads, IPC comes from the contract, the tray/shortcut/idle
 * lock drive the core, a second instance focuses the first, and quitting cleans up.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONTRACT_METHODS, EVENT_CHANNEL } from '../../src-shared/contract.js';
import { createClipboardHygiene } from '../../src-core/clipboard/hygiene.js';
import { systemClock, systemTimers, type Ports } from '../../src-core/ports.js';
import { createElectronFake } from './electron-fake.js';
import { createFakeCore, profile, type FakeCore } from './fakes.js';

const holder = vi.hoisted(() => ({ current: null as unknown as ReturnType<typeof import('./electron-fake.js').createElectronFake> }));
// One mocked module for the whole file, delegating to each test's fresh fake.
vi.mock('electron', () => {
  const target = () => holder.current.module as Record<string | symbol, unknown>;
  return new Proxy({}, {
    get: (_t, key) => target()[key],
    has: (_t, key) => key in target(),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_t, key) => ({ configurable: true, enumerable: true, value: target()[key] }),
  });
});

let fake: ReturnType<typeof createElectronFake>;
let core: FakeCore;
let ports: Ports | undefined;
let renderer: string;

async function start(options: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform; startSim?: never } = {}) {
  const { startDesktop } = await import('../../src-main/app.js');
  return startDesktop({
    paths: { preload: '/app/out/preload/preload.cjs', renderer, icons: '/app/resources/icons' },
    createCore: (p) => {
      ports = p;
      return core;
    },
    openSecrets: () => ({ backend: 'memory', get: async () => null, set: async () => undefined, delete: async () => false, list: async () => [] }),
    startSim: options.startSim ?? (vi.fn(async (o: { port?: number; host?: string }) => ({ icaBaseUrl: `http://${o.host}:1234/ica/rest`, tssBaseUrl: `http://${o.host}:1234`, demo: { domain: 'demo-lab', apiKey: 'demo-key-123456' }, close: vi.fn() })) as never),
    env: options.env ?? {},
    platform: options.platform ?? 'linux',
  });
}

const flush = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  fake = createElectronFake();
  holder.current = fake;
  fake.state.userData = mkdtempSync(join(tmpdir(), 'tessera-userdata-'));
  renderer = mkdtempSync(join(tmpdir(), 'tessera-renderer-'));
  mkdirSync(renderer, { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Tessera</title>');
  core = createFakeCore({ profiles: [profile('core-lab'), profile('partner')], settings: { defaultProfile: 'partner' } });
  ports = undefined;
  vi.resetModules();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('startup hardening', () => {
  it('enables the sandbox and registers the privileged scheme before the app is ready', async () => {
    await start();
    expect(fake.calls.slice(0, 3)).toEqual(['enableSandbox', 'registerSchemesAsPrivileged', 'whenReady']);
    expect(fake.module.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) })]);
  });

  it('loads the renderer from app://tessera/ in a packaged build, with the secure window options', async () => {
    await start({ env: { ELECTRON_RENDERER_URL: 'http://localhost:5173' } });
    const [window] = fake.windows;
    expect(window!.loadURL).toHaveBeenCalledWith('app://tessera/index.html');
    expect(window!.options.webPreferences).toMatchObject({ preload: '/app/out/preload/preload.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, devTools: false });
    expect(window!.options.webPreferences).not.toHaveProperty('allowRunningInsecureContent', true);
  });

  it('uses the dev server only when unpackaged and ELECTRON_RENDERER_URL is set', async () => {
    fake.state.isPackaged = false;
    await start({ env: { ELECTRON_RENDERER_URL: 'http://localhost:5173' } });
    expect(fake.windows[0]!.loadURL).toHaveBeenCalledWith('http://localhost:5173/');
    expect(fake.windows[0]!.options.webPreferences).toMatchObject({ devTools: true });
  });

  it('guards every webContents and the session: navigation, window.open and permissions denied', async () => {
    await start();
    const contents = fake.windows[0]!.webContents;
    expect(contents.setWindowOpenHandler).toHaveBeenCalled();
    const openHandler = contents.setWindowOpenHandler.mock.calls[0]![0] as (d: { url: string }) => unknown;
    expect(openHandler({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    const navigate = { url: 'https://evil.example/', preventDefault: vi.fn() };
    contents.emit('will-navigate', navigate);
    expect(navigate.preventDefault).toHaveBeenCalled();
    const session = fake.module.session.defaultSession;
    const callback = vi.fn();
    (session.setPermissionRequestHandler.mock.calls[0]![0] as (w: unknown, p: string, cb: (g: boolean) => void) => void)({}, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    expect((session.setPermissionCheckHandler.mock.calls[0]![0] as (w: unknown, p: string) => boolean)({}, 'notifications')).toBe(false);
    expect(session.webRequest.onHeadersReceived).toHaveBeenCalled();
  });

  it('serves the renderer through protocol.handle with the CSP header', async () => {
    await start();
    const [scheme, handler] = fake.module.protocol.handle.mock.calls[0]! as [string, (r: Request) => Promise<Response>];
    expect(scheme).toBe('app');
    const response = await handler(new Request('app://tessera/index.html'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect((await handler(new Request('app://tessera/..%2f..%2fetc%2fpasswd'))).status).toBe(404);
  });

  it('sets the application menu and the About panel with versions', async () => {
    await start();
    expect(fake.module.Menu.setApplicationMenu).toHaveBeenCalled();
    expect(fake.module.app.setAboutPanelOptions).toHaveBeenCalledWith(expect.objectContaining({ applicationName: 'Tessera', applicationVersion: '0.1.0' }));
  });
});

describe('core wiring', () => {
  it('gives the core Electron ports: net.fetch, the clipboard, userData (or TESSERA_HOME), versions, the demo', async () => {
    await start();
    expect(ports!.paths.dataDir).toBe(fake.state.userData);
    await ports!.fetch(new URL('https://ica.illumina.com/x'));
    expect(fake.module.net.fetch).toHaveBeenCalledWith('https://ica.illumina.com/x', undefined);
    expect(ports!.appInfo?.version).toBe('0.1.0');
    const demo = await ports!.demo!();
    expect(demo).toEqual({ icaUrl: 'http://127.0.0.1:1234/ica/rest', tssUrl: 'http://127.0.0.1:1234', domain: 'demo-lab', apiKey: 'demo-key-123456' });
    vi.resetModules();
    fake = createElectronFake();
    holder.current = fake;
    await start({ env: { TESSERA_HOME: '/srv/tessera-home' } });
    expect(ports!.paths.dataDir).toBe('/srv/tessera-home');
  });

  it('registers every contract method once and answers only the app page', async () => {
    await start();
    const channels = fake.module.ipcMain.handle.mock.calls.map((c) => c[0]);
    expect(channels.sort()).toEqual(CONTRACT_METHODS.map((m) => `tessera:${m}`).sort());
    const handler = fake.module.ipcMain.handle.mock.calls.find((c) => c[0] === 'tessera:listProfiles')![1] as (e: unknown) => Promise<unknown>;
    await expect(handler({ senderFrame: { url: 'app://tessera/index.html', parent: null } })).resolves.toMatchObject({ ok: true, value: core.profiles });
    await expect(handler({ senderFrame: { url: 'https://evil.example/', parent: null } })).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN_ORIGIN' } });
  });

  it('forwards core events to the window on tessera:event', async () => {
    await start();
    core.emit({ type: 'sync', progress: { profile: 'core-lab', phase: 'cases', done: 1, total: 2 } });
    expect(fake.windows[0]!.webContents.send).toHaveBeenCalledWith(EVENT_CHANNEL, { type: 'sync', progress: { profile: 'core-lab', phase: 'cases', done: 1, total: 2 } });
  });
});

describe('single instance', () => {
  it('a second launch quits without creating anything', async () => {
    fake.state.singleInstance = false;
    await expect(start()).resolves.toBeNull();
    expect(fake.module.app.quit).toHaveBeenCalled();
    expect(fake.windows).toHaveLength(0);
    expect(fake.module.ipcMain.handle).not.toHaveBeenCalled();
  });

  it('the first instance shows and focuses its window when a second one starts', async () => {
    await start();
    const window = fake.windows[0]!;
    window.minimized = true;
    fake.appEvents.emit('second-instance', {}, ['tessera'], '/');
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    window.destroyed = true;
    fake.appEvents.emit('second-instance', {}, ['tessera'], '/');
    expect(fake.windows).toHaveLength(2);
  });
});

describe('tray and shortcut', () => {
  const trayLabels = () => (fake.trays[0]!.menu!.template as { label?: string }[]).map((i) => i.label);

  it('builds the tray menu from the profiles and rebuilds it on profiles-changed', async () => {
    await start();
    await flush();
    expect(trayLabels().filter(Boolean)).toEqual(['core-lab — core-lab-lab (US)', 'partner — partner-lab (US, default)', 'Open Tessera', 'Quit Tessera']);
    core.profiles = [...core.profiles, profile('third')];
    core.emit({ type: 'profiles-changed' });
    await flush();
    expect(trayLabels()).toContain('third — third-lab (US)');
    core.emit({ type: 'locked' });
    await flush();
    expect(trayLabels()[0]).toMatch(/locked/);
  });

  it('copies from the tray in main and confirms with a notification that names profile and expiry, not the token', async () => {
    await start();
    await flush();
    const submenu = (fake.trays[0]!.menu!.template[0] as { submenu: { label: string; click: () => void }[] }).submenu;
    submenu.find((i) => i.label === 'Copy as Authorization header')!.click();
    await flush();
    expect(core.copyToken).toHaveBeenCalledWith('core-lab', 'header', 'tray');
    expect(fake.notifications).toEqual([{ title: 'Authorization header copied for core-lab', body: expect.stringMatching(/^Valid until .+ Clipboard clears at /) }]);
  });

  it('registers settings.globalShortcut to copy the default profile, and follows settings changes', async () => {
    await start();
    expect([...fake.shortcuts.keys()]).toEqual(['CommandOrControl+Shift+T']);
    fake.shortcuts.get('CommandOrControl+Shift+T')!();
    await flush();
    expect(core.copyToken).toHaveBeenCalledWith('partner', 'jwt', 'shortcut');
    expect(fake.notifications[0]!.title).toBe('Token copied for partner');
    core.emit({ type: 'settings-changed', settings: { ...core.settings, globalShortcut: 'Alt+Shift+K' } });
    expect([...fake.shortcuts.keys()]).toEqual(['Alt+Shift+K']);
  });
});

describe('idle lock', () => {
  it('locks the core after idleLockMinutes of system idle, and on screen lock', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    core.settings = { ...core.settings, idleLockMinutes: 1 };
    await start();
    fake.state.idleSeconds = 61;
    await vi.advanceTimersByTimeAsync(15_000);
    expect(core.lock).toHaveBeenCalledTimes(1);
    fake.powerEvents.emit('lock-screen');
    expect(core.lock).toHaveBeenCalledTimes(2);
  });
});

describe('quit', () => {
  /** The core's clipboard hygiene over the port main hands it, with the timed clear off; the fake core's dispose runs it. */
  function copyThroughCore(text: string) {
    const hygiene = createClipboardHygiene({ clipboard: ports!.clipboard!, timers: systemTimers, clock: systemClock, clearSeconds: async () => 0 });
    core.dispose.mockImplementation(async () => {
      await hygiene.clearNow();
    });
    return hygiene.copy(text);
  }

  it('holds the quit until the core is disposed and the clipboard no longer holds a token', async () => {
    await start();
    await copyThroughCore('Authorization: Bearer eyJ.quit.test');
    const event = { preventDefault: vi.fn() };
    fake.appEvents.emit('before-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(fake.module.app.quit).toHaveBeenCalled());
    expect(core.dispose).toHaveBeenCalled();
    expect(fake.state.clipboardFormats.size).toBe(0);
    expect(fake.module.globalShortcut.unregisterAll).toHaveBeenCalled();
    // The second before-quit (from app.quit) goes through.
    const again = { preventDefault: vi.fn() };
    fake.appEvents.emit('before-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });

  it('leaves a clipboard the user has since changed', async () => {
    await start();
    await copyThroughCore('eyJ.quit.test');
    await fake.module.clipboard.writeText('the user copied this');
    fake.appEvents.emit('before-quit', { preventDefault: vi.fn() });
    await vi.waitFor(() => expect(fake.module.app.quit).toHaveBeenCalled());
    expect(await fake.module.clipboard.readText()).toBe('the user copied this');
  });

  it('leaves the clipboard to the core: main clears nothing itself on quit', async () => {
    await start();
    await ports!.clipboard!.writeSecret('eyJ.quit.test');
    fake.appEvents.emit('before-quit', { preventDefault: vi.fn() });
    await vi.waitFor(() => expect(fake.module.app.quit).toHaveBeenCalled());
    // The fake core decides nothing, so the text stays: no second owner in main.
    expect(await fake.module.clipboard.readText()).toBe('eyJ.quit.test');
  });
});
