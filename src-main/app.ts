/**
 * The desktop app's wiring: hardening first (sandbox, privileged scheme, single
 * instance, guards on every webContents), then the core with Electron's ports, IPC
 * from the contract, the window, menus, tray, shortcut, idle lock and the quit
 * sequence. Everything decided here lives in small modules with their own tests;
 * this file only connects them, and takes its dependencies as parameters so the
 * tests can run it against a mocked `electron` and a fake core.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BrowserWindow,
  ClipboardItem,
  Menu,
  Notification,
  Tray,
  app,
  clipboard,
  dialog,
  globalShortcut,
  ipcMain,
  nativeImage,
  net,
  powerMonitor,
  protocol,
  screen,
  session,
  shell,
} from 'electron';
import type { TesseraEvent } from '../src-shared/contract.js';
import type { Logger, Ports, SecretStore, TesseraCore } from '../src-core/index.js';
import { createElectronClipboard, type ClipboardItemCtor, type ElectronClipboardLike } from './clipboard.js';
import { quickCopy, withCopyNotifications } from './copy.js';
import { createDemoPort, type StartSim } from './demo.js';
import { createElectronFiles, type SaveDialogLike } from './files.js';
import { contentSecurityPolicy, guardSession, guardWebContents, openExternalIfAllowed, withSecurityHeaders, type GuardedContents, type GuardedSession } from './hardening.js';
import { startIdleLock } from './idle.js';
import { forwardEvents, registerIpc } from './ipc.js';
import { aboutPanelOptions, buildAppMenuTemplate, runtimeVersions } from './menu.js';
import { createNotifier } from './notifications.js';
import { APP_SCHEME, resolveRendererSource, type RendererSource } from './origin.js';
import { createElectronPorts, resolveDataDir } from './ports.js';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './protocol.js';
import { createShortcutController } from './shortcut.js';
import { acquireSingleInstance, focusWindow } from './single-instance.js';
import { createTrayController, type TrayController } from './tray.js';
import { resolveDefaultProfile, type TrayAction } from './tray-menu.js';
import { createMainWindow } from './window.js';
import { fitToDisplays, loadWindowState, saveWindowState, trackWindowState } from './window-state.js';

const APP_ID = 'com.tessera.desktop';
const APP_NAME = 'Tessera';
/** The quit sequence may not hold the app open longer than this. */
const QUIT_CLEANUP_MS = 3_000;

interface DesktopPaths {
  /** out/preload/preload.cjs */
  preload: string;
  /** out/renderer */
  renderer: string;
  /** resources/icons (PNG icons and tray images) */
  icons: string;
}

export interface DesktopOptions {
  paths: DesktopPaths;
  createCore(ports: Ports): TesseraCore | Promise<TesseraCore>;
  openSecrets(dataDir: string): SecretStore | Promise<SecretStore>;
  /** Loaded lazily: the simulator's code is not needed unless the demo is used. */
  startSim: StartSim;
  createLogger?(dataDir: string): Logger;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

export interface Desktop {
  source: RendererSource;
  core: TesseraCore;
  tray: TrayController | null;
  showMainWindow(): BrowserWindow;
  /** Runs the quit sequence (what `before-quit` triggers). */
  shutdown(): Promise<void>;
}

/**
 * Must run before `app.ready`: the sandbox for every renderer and the privileged
 * scheme can only be set up then. Returns false when another instance owns the lock.
 */
function prepareApp(focusExisting: () => void): boolean {
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  return acquireSingleInstance(app, focusExisting);
}

export async function startDesktop(options: DesktopOptions): Promise<Desktop | null> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  let mainWindow: BrowserWindow | null = null;
  let desktop: Desktop | null = null;
  // A second launch before the window exists is remembered and honoured once it does.
  let focusRequested = false;

  // The name decides userData (and so the single-instance lock's location): set it first.
  app.setName(APP_NAME);
  if (!prepareApp(() => (desktop ? desktop.showMainWindow() : (focusRequested = true)))) return null;
  if (platform === 'win32') app.setAppUserModelId(APP_ID);

  const source = resolveRendererSource({ isPackaged: app.isPackaged, devServerUrl: env.ELECTRON_RENDERER_URL });
  const devTools = source.devServer || !app.isPackaged;
  const openExternal = (url: string) => shell.openExternal(url);

  // Every webContents, including any created later, gets the navigation guards.
  app.on('web-contents-created', (_event, contents) => {
    guardWebContents(contents as unknown as GuardedContents, { source, openExternal });
    if (!devTools) contents.on('devtools-opened', () => contents.closeDevTools());
  });

  await app.whenReady();

  guardSession(session.defaultSession as unknown as GuardedSession, { source });
  const csp = contentSecurityPolicy(source);
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ root: options.paths.renderer, headers: flatten(withSecurityHeaders({}, csp)) }));

  const dataDir = resolveDataDir(env, app.getPath('userData'));
  const logger = options.createLogger?.(dataDir);
  const clipboardPort = createElectronClipboard({
    clipboard: clipboard as unknown as ElectronClipboardLike,
    ClipboardItem: ClipboardItem as unknown as ClipboardItemCtor,
    platform,
    ...(logger ? { logger } : {}),
  });
  const demo = createDemoPort(options.startSim);
  const versions = runtimeVersions(process.versions);
  const secrets = await options.openSecrets(dataDir);
  const files = createElectronFiles({
    dialog: dialog as unknown as SaveDialogLike,
    shell,
    window: () => mainWindow,
    tmpDir: tmpdir(),
    downloadsDir: app.getPath('downloads'),
  });
  const core = await options.createCore(
    createElectronPorts({
      files,
      netFetch: (input, init) => net.fetch(input, init),
      secrets,
      dataDir,
      clipboard: clipboardPort,
      demo,
      version: app.getVersion(),
      versions,
      ...(logger ? { logger } : {}),
    }),
  );

  const icon = (name: string) => join(options.paths.icons, name);
  const notify = createNotifier(Notification, icon('icon-256.png'));
  const api = withCopyNotifications(core, notify);
  const disposeIpc = registerIpc({ ipcMain, api, source, ...(logger ? { logger } : {}) });
  const stopEvents = forwardEvents(core, () => BrowserWindow.getAllWindows().map((w) => w.webContents), source);

  // ---- Window ----------------------------------------------------------------
  const userData = app.getPath('userData');
  function openMainWindow(): BrowserWindow {
    const state = fitToDisplays(loadWindowState(userData), screen.getAllDisplays().map((d) => d.workArea));
    const { maximized, ...bounds } = state;
    const window = createMainWindow(BrowserWindow, {
      preload: options.paths.preload,
      devTools,
      bounds,
      ...(platform === 'linux' ? { icon: icon('icon-512.png') } : {}),
    });
    trackWindowState(window, (s) => saveWindowState(userData, s));
    window.once('ready-to-show', () => {
      if (maximized) window.maximize();
      window.show();
    });
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = null;
    });
    void window.loadURL(source.url);
    return window;
  }
  function showMainWindow(): BrowserWindow {
    if (!mainWindow || mainWindow.isDestroyed()) mainWindow = openMainWindow();
    else focusWindow(mainWindow);
    return mainWindow;
  }

  // ---- Menus -----------------------------------------------------------------
  app.setAboutPanelOptions(aboutPanelOptions(APP_NAME, app.getVersion(), versions));
  const showAbout = () => {
    if (platform === 'win32') {
      const about = aboutPanelOptions(APP_NAME, app.getVersion(), versions);
      void dialog.showMessageBox({ type: 'info', title: `About ${APP_NAME}`, message: `${APP_NAME} ${app.getVersion()}`, detail: about.credits ?? '' });
    } else app.showAboutPanel();
  };
  const lockNow = () => void core.lock().catch(() => undefined);
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      buildAppMenuTemplate({
        platform,
        appName: APP_NAME,
        isDev: devTools,
        openWindow: () => showMainWindow(),
        lock: lockNow,
        showAbout,
        openHelpLink: (url) => openExternalIfAllowed(url, openExternal),
      }),
    ),
  );

  // ---- Tray, shortcut, idle lock ------------------------------------------------
  // The lock state is the core's session: the tray asks for it on every rebuild, which its
  // `locked` / `unlocked` events trigger. An unreadable state shows as unlocked; every core call still checks.
  const lockedNow = async () => (await core.getAppInfo().catch(() => null))?.locked ?? false;
  const settingsNow = () => core.getSettings();
  let idleMinutes = (await settingsNow().catch(() => null))?.idleLockMinutes ?? 15;

  const copyDefault = async () => {
    const [profiles, settings] = await Promise.all([core.listProfiles(), settingsNow()]);
    await quickCopy(api, notify, resolveDefaultProfile(profiles, settings.defaultProfile), 'jwt', 'shortcut');
  };
  const shortcut = createShortcutController(globalShortcut, () => void copyDefault().catch(() => undefined));
  const applyShortcut = (accelerator: string | undefined) => {
    const result = shortcut.apply(accelerator);
    if (!result.ok) logger?.warn('Global shortcut not registered', { accelerator: result.accelerator, reason: result.reason });
  };

  const onTrayAction = (action: TrayAction) => {
    if (action.type === 'copy') void quickCopy(api, notify, action.profile, action.format, 'tray');
    else if (action.type === 'open') showMainWindow();
    else app.quit();
  };
  let tray: TrayController | null = null;
  try {
    const trayImage = nativeImage.createFromPath(icon(platform === 'darwin' ? 'trayTemplate.png' : 'tray.png'));
    if (platform === 'darwin') trayImage.setTemplateImage(true);
    tray = createTrayController(
      { createTray: (image) => new Tray(image), buildMenu: (template) => Menu.buildFromTemplate(template), image: trayImage },
      async () => {
        const [profiles, settings, locked] = await Promise.all([core.listProfiles().catch(() => []), settingsNow().catch(() => null), lockedNow()]);
        return { profiles, defaultProfile: settings?.defaultProfile, locked, shortcut: shortcut.current ?? undefined };
      },
      onTrayAction,
    );
  } catch (error) {
    // Some Linux desktops have no tray: the window, menu and shortcut still work.
    logger?.warn('Tray unavailable', { error: error instanceof Error ? error.name : 'unknown' });
  }

  const initial = await settingsNow().catch(() => null);
  applyShortcut(initial?.globalShortcut);
  void tray?.refresh();

  const idle = startIdleLock({ powerMonitor, idleLockMinutes: () => idleMinutes, lock: () => core.lock() });

  const stopCoreWatch = core.onEvent((event: TesseraEvent) => {
    switch (event.type) {
      case 'profiles-changed':
        void tray?.refresh();
        break;
      case 'settings-changed':
        idleMinutes = event.settings.idleLockMinutes;
        applyShortcut(event.settings.globalShortcut);
        void tray?.refresh();
        break;
      case 'locked':
        void tray?.refresh();
        break;
      case 'unlocked':
        idle.rearm();
        void tray?.refresh();
        break;
      default:
        break;
    }
  });

  // ---- Lifecycle ---------------------------------------------------------------
  // The tray keeps Tessera running with no window; quitting is explicit.
  app.on('window-all-closed', () => undefined);
  app.on('activate', () => showMainWindow());

  let shutdownPromise: Promise<void> | null = null;
  const shutdown = () =>
    (shutdownPromise ??= (async () => {
      stopCoreWatch();
      idle.dispose();
      shortcut.dispose();
      globalShortcut.unregisterAll();
      const cleanup = (async () => {
        // The core clears the clipboard if it still holds Tessera's last copy (timer or not).
        await core.dispose().catch(() => undefined);
        await demo.stop();
      })();
      await Promise.race([cleanup, new Promise((resolve) => setTimeout(resolve, QUIT_CLEANUP_MS).unref?.())]);
      stopEvents();
      disposeIpc();
      tray?.dispose();
      files.dispose();
    })());

  let cleanedUp = false;
  app.on('before-quit', (event) => {
    if (cleanedUp) return;
    // Hold the quit until the clipboard is clean and the core has closed its cache.
    event.preventDefault();
    void shutdown().finally(() => {
      cleanedUp = true;
      app.quit();
    });
  });

  desktop = { source, core, tray, showMainWindow, shutdown };
  showMainWindow();
  if (focusRequested) focusWindow(mainWindow);
  return desktop;
}

function flatten(headers: Record<string, string[] | string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
