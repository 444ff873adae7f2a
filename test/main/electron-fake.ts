/**
 * A stand-in for the `electron` module, recording what the main process does with
 * it. Test files mock `electron` with `electronFake.module` (see app.test.ts); the
 * state is reset between tests with `electronFake.reset()`.
 */
import { vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;

function emitter() {
  const listeners = new Map<string, Listener[]>();
  return {
    listeners,
    on: vi.fn(function (this: unknown, event: string, l: Listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), l]);
      return this;
    }),
    once: vi.fn(function (this: unknown, event: string, l: Listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), l]);
      return this;
    }),
    removeListener: vi.fn((event: string, l: Listener) => {
      listeners.set(event, (listeners.get(event) ?? []).filter((x) => x !== l));
    }),
    emit(event: string, ...args: unknown[]) {
      for (const l of listeners.get(event) ?? []) l(...args);
    },
  };
}

export function createElectronFake() {
  const calls: string[] = [];
  const state = {
    isPackaged: true,
    singleInstance: true,
    userData: '/tmp/tessera-userdata',
    idleSeconds: 0,
    clipboardFormats: new Map<string, unknown>(),
  };

  const appEvents = emitter();
  const app = {
    ...appEvents,
    get isPackaged() {
      return state.isPackaged;
    },
    enableSandbox: vi.fn(() => calls.push('enableSandbox')),
    setName: vi.fn(),
    setAppUserModelId: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => state.singleInstance),
    whenReady: vi.fn(async () => {
      calls.push('whenReady');
    }),
    getPath: vi.fn(() => state.userData),
    getAppPath: vi.fn(() => '/app'),
    getVersion: vi.fn(() => '0.1.0'),
    setAboutPanelOptions: vi.fn(),
    showAboutPanel: vi.fn(),
    quit: vi.fn(),
    exit: vi.fn(),
  };

  const protocol = {
    registerSchemesAsPrivileged: vi.fn(() => calls.push('registerSchemesAsPrivileged')),
    handle: vi.fn(),
  };

  const webRequest = { onHeadersReceived: vi.fn() };
  const defaultSession = {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDevicePermissionHandler: vi.fn(),
    webRequest,
  };

  const windows: FakeBrowserWindow[] = [];
  class FakeBrowserWindow {
    static getAllWindows = vi.fn(() => windows.filter((w) => !w.destroyed));
    readonly events = emitter();
    readonly on = this.events.on;
    readonly once = this.events.once;
    destroyed = false;
    minimized = false;
    url = '';
    readonly webContents = {
      ...emitter(),
      send: vi.fn(),
      getURL: () => this.url,
      isDestroyed: () => this.destroyed,
      setWindowOpenHandler: vi.fn(),
      closeDevTools: vi.fn(),
    };
    loadURL = vi.fn(async (url: string) => {
      this.url = url;
    });
    show = vi.fn();
    focus = vi.fn();
    restore = vi.fn(() => (this.minimized = false));
    maximize = vi.fn();
    isMinimized = () => this.minimized;
    isMaximized = () => false;
    isFullScreen = () => false;
    isDestroyed = () => this.destroyed;
    getNormalBounds = () => ({ x: 10, y: 10, width: 1000, height: 700 });
    constructor(readonly options: Record<string, unknown>) {
      windows.push(this);
      // Electron emits web-contents-created for every new webContents.
      appEvents.emit('web-contents-created', {}, this.webContents);
    }
  }

  const ipcMain = { handle: vi.fn(), removeHandler: vi.fn() };

  class FakeClipboardItem {
    constructor(readonly items: Record<string, unknown>) {}
  }
  const clipboard = {
    write: vi.fn(async (items: FakeClipboardItem[]) => {
      state.clipboardFormats = new Map(Object.entries(items[0]!.items));
    }),
    writeText: vi.fn(async (text: string) => {
      state.clipboardFormats = new Map([['text/plain', text]]);
    }),
    readText: vi.fn(async () => String(state.clipboardFormats.get('text/plain') ?? '')),
    clear: vi.fn(() => {
      state.clipboardFormats = new Map();
    }),
  };

  const Menu = { buildFromTemplate: vi.fn((template: unknown[]) => ({ template })), setApplicationMenu: vi.fn() };
  const trays: FakeTray[] = [];
  class FakeTray {
    menu: { template: unknown[] } | null = null;
    setContextMenu = vi.fn((m: { template: unknown[] }) => (this.menu = m));
    setToolTip = vi.fn();
    destroy = vi.fn();
    on = vi.fn();
    constructor(readonly image: unknown) {
      trays.push(this);
    }
  }
  const notifications: { title: string; body: string }[] = [];
  class FakeNotification {
    static isSupported = () => true;
    constructor(readonly options: { title: string; body: string }) {}
    show() {
      notifications.push({ title: this.options.title, body: this.options.body });
    }
  }
  const shortcuts = new Map<string, () => void>();
  const globalShortcut = {
    register: vi.fn((accelerator: string, cb: () => void) => (shortcuts.set(accelerator, cb), true)),
    unregister: vi.fn((accelerator: string) => shortcuts.delete(accelerator)),
    unregisterAll: vi.fn(() => shortcuts.clear()),
  };
  const powerEvents = emitter();
  const powerMonitor = { ...powerEvents, getSystemIdleTime: vi.fn(() => state.idleSeconds) };

  const module = {
    app,
    protocol,
    session: { defaultSession },
    BrowserWindow: FakeBrowserWindow,
    ipcMain,
    clipboard,
    ClipboardItem: FakeClipboardItem,
    Menu,
    Tray: FakeTray,
    nativeImage: { createFromPath: vi.fn(() => ({ setTemplateImage: vi.fn() })) },
    Notification: FakeNotification,
    globalShortcut,
    powerMonitor,
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    shell: { openExternal: vi.fn(async () => undefined) },
    dialog: { showMessageBox: vi.fn(async () => ({ response: 0 })) },
    net: { fetch: vi.fn(async () => new Response('{}')) },
    contextBridge: { exposeInMainWorld: vi.fn() },
    ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() },
  };

  return { module: { default: module, ...module }, state, calls, windows, trays, notifications, shortcuts, appEvents, powerEvents };
}
