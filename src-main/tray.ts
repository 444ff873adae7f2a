/**
 * The tray icon (the menu-bar extra on macOS) and its menu. The menu model comes
 * from tray-menu.ts; this module only owns the Electron objects and rebuilds the
 * menu when `refresh()` is called (main calls it on profiles-changed,
 * settings-changed, locked and unlocked).
 */
import type { Menu, MenuItemConstructorOptions, NativeImage, Tray } from 'electron';
import { buildTrayMenu, toMenuTemplate, type TrayAction, type TrayMenuInput, type TrayMenuItem } from './tray-menu.js';

export interface TrayDeps {
  createTray(image: NativeImage): Pick<Tray, 'setContextMenu' | 'setToolTip' | 'destroy' | 'on'>;
  buildMenu(template: MenuItemConstructorOptions[]): Menu;
  image: NativeImage;
}

export interface TrayController {
  refresh(): Promise<void>;
  /** The last menu model shown (for tests and diagnostics). */
  readonly model: readonly TrayMenuItem[];
  dispose(): void;
}

export function createTrayController(deps: TrayDeps, load: () => Promise<TrayMenuInput>, onAction: (action: TrayAction) => void): TrayController {
  const tray = deps.createTray(deps.image);
  tray.setToolTip('Tessera');
  let model: TrayMenuItem[] = [];
  let generation = 0;
  const show = (input: TrayMenuInput) => {
    model = buildTrayMenu(input);
    tray.setContextMenu(deps.buildMenu(toMenuTemplate(model, onAction)));
  };
  // Shown at once so the tray is never menu-less while the core starts.
  show({ profiles: [], locked: false });
  return {
    get model() {
      return model;
    },
    async refresh() {
      const mine = ++generation;
      let input: TrayMenuInput;
      try {
        input = await load();
      } catch {
        input = { profiles: [], locked: false };
      }
      // Two refreshes racing: only the newest result is shown.
      if (mine === generation) show(input);
    },
    dispose() {
      tray.destroy();
    },
  };
}
