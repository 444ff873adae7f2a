/**
 * The main window. Its webPreferences are written out literally here, in one place,
 * so reviewers and electronegativity's static checks see exactly what ships:
 * isolated, sandboxed, no Node, web security on, no webviews, no insecure content,
 * middle-click new windows disabled, DevTools only in development builds.
 */
import type { BrowserWindow as ElectronBrowserWindow, BrowserWindowConstructorOptions } from 'electron';

export type BrowserWindowCtor = new (options: BrowserWindowConstructorOptions) => ElectronBrowserWindow;

export interface MainWindowOptions {
  preload: string;
  devTools: boolean;
  bounds: { x?: number; y?: number; width: number; height: number };
  icon?: string;
}

export function createMainWindow(BrowserWindow: BrowserWindowCtor, o: MainWindowOptions): ElectronBrowserWindow {
  return new BrowserWindow({
    ...o.bounds,
    minWidth: 720,
    minHeight: 480,
    title: 'Tessera',
    show: false,
    backgroundColor: '#111418',
    ...(o.icon ? { icon: o.icon } : {}),
    webPreferences: {
      preload: o.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      // Middle-click (auxclick) would open links in new windows; the open handler denies them anyway.
      disableBlinkFeatures: 'Auxclick',
      devTools: o.devTools,
    },
  });
}
