/**
 * One Tessera per user session: a second launch hands over to the first (which
 * brings its window forward) and exits. Two instances would mint tokens twice and
 * fight over the tray, the shortcut and the clipboard timer.
 */
export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  on(event: 'second-instance', listener: (...args: unknown[]) => void): unknown;
  quit(): void;
}

/** Returns false (after asking the app to quit) when another instance already runs. */
export function acquireSingleInstance(app: SingleInstanceApp, focusExisting: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => focusExisting());
  return true;
}

export interface FocusableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/** Shows and focuses the window, restoring it from the dock/taskbar if minimised. */
export function focusWindow(window: FocusableWindow | null | undefined): boolean {
  if (!window || window.isDestroyed()) return false;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
  return true;
}
