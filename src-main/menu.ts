/**
 * The native application menu and the About panel. Edit roles matter on macOS:
 * without them copy/paste shortcuts do nothing in the key input. Reload and DevTools
 * appear only in development builds.
 */
import type { AboutPanelOptionsOptions, MenuItemConstructorOptions } from 'electron';

const HELP_LINKS = [
  { label: 'ICA documentation', url: 'https://help.ica.illumina.com/' },
  { label: 'Illumina support', url: 'https://support.illumina.com/' },
] as const;

export interface AppMenuOptions {
  platform: NodeJS.Platform;
  appName: string;
  isDev: boolean;
  openWindow: () => void;
  lock: () => void;
  showAbout: () => void;
  /** Opens a help link in the system browser (allow-listed in hardening.ts). */
  openHelpLink: (url: string) => void;
}

export function buildAppMenuTemplate(o: AppMenuOptions): MenuItemConstructorOptions[] {
  const mac = o.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: o.appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { label: 'Lock Tessera', accelerator: 'CommandOrControl+L', click: o.lock },
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  template.push({
    label: 'File',
    submenu: [
      { label: 'Open Tessera', click: o.openWindow },
      ...(mac ? [] : ([{ label: 'Lock Tessera', accelerator: 'CommandOrControl+L', click: o.lock }] as MenuItemConstructorOptions[])),
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit' },
    ],
  });
  template.push({
    label: 'Edit',
    submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
  });
  template.push({
    label: 'View',
    submenu: [
      ...(o.isDev ? ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[]) : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  });
  template.push({ label: 'Window', submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }] });
  template.push({
    role: 'help',
    submenu: [
      ...HELP_LINKS.map((link) => ({ label: link.label, click: () => o.openHelpLink(link.url) })),
      ...(mac ? [] : ([{ type: 'separator' }, { label: `About ${o.appName}`, click: o.showAbout }] as MenuItemConstructorOptions[])),
    ],
  });
  return template;
}

/** The About panel: the app's version plus the Electron, Chromium, Node and V8 it runs on. */
export function aboutPanelOptions(appName: string, version: string, versions: Record<string, string | undefined>): AboutPanelOptionsOptions {
  const runtime = [
    versions.electron && `Electron ${versions.electron}`,
    versions.chrome && `Chromium ${versions.chrome}`,
    versions.node && `Node ${versions.node}`,
    versions.v8 && `V8 ${versions.v8}`,
  ].filter(Boolean) as string[];
  return {
    applicationName: appName,
    applicationVersion: version,
    version: versions.electron ? `Electron ${versions.electron}` : version,
    credits: ['Credential manager for Illumina Connected Software tenants.', ...runtime].join('\n'),
    copyright: 'MIT License',
  };
}

/** The runtime versions reported by getAppInfo and the About panel. */
export function runtimeVersions(versions: NodeJS.ProcessVersions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['electron', 'chrome', 'node', 'v8'] as const) {
    const value = (versions as Record<string, string | undefined>)[key];
    if (value) out[key] = value;
  }
  return out;
}
