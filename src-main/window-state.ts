/**
 * Remembers the main window's size, position and maximised state in a small JSON
 * file (`window-state.json` in Electron's userData). A saved position is used only
 * if it is still on a connected display; otherwise the window is centred again.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as z from '../src-shared/zod.js';

const WINDOW_STATE_FILE = 'window-state.json';
export const DEFAULT_SIZE = { width: 1100, height: 760 } as const;
const MIN = { width: 720, height: 480 } as const;

const WindowStateSchema = z.object({
  x: z.optional(z.number().check(z.int())),
  y: z.optional(z.number().check(z.int())),
  width: z.number().check(z.int(), z.gte(MIN.width), z.lte(20_000)),
  height: z.number().check(z.int(), z.gte(MIN.height), z.lte(20_000)),
  maximized: z._default(z.boolean(), false),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function parseWindowState(text: string | null | undefined): WindowState | null {
  if (!text) return null;
  try {
    const parsed = WindowStateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * The bounds to open with: the saved ones if at least a 100x50 piece of the title
 * area lies on a display's work area, else the saved size (capped to the primary
 * display) without a position, which Electron centres.
 */
export function fitToDisplays(state: WindowState | null, workAreas: readonly Rectangle[]): { x?: number; y?: number; width: number; height: number; maximized: boolean } {
  const primary = workAreas[0];
  const cap = (size: { width: number; height: number }) => ({
    width: primary ? Math.min(size.width, primary.width) : size.width,
    height: primary ? Math.min(size.height, primary.height) : size.height,
  });
  if (!state) return { ...cap(DEFAULT_SIZE), maximized: false };
  const size = cap(state);
  if (state.x === undefined || state.y === undefined) return { ...size, maximized: state.maximized };
  const titleBar: Rectangle = { x: state.x, y: state.y, width: size.width, height: 50 };
  const visible = workAreas.some((area) => overlap(area, titleBar) >= 100 * 50);
  return visible ? { x: state.x, y: state.y, ...size, maximized: state.maximized } : { ...size, maximized: state.maximized };
}

function overlap(a: Rectangle, b: Rectangle): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

export function loadWindowState(dir: string): WindowState | null {
  try {
    return parseWindowState(readFileSync(join(dir, WINDOW_STATE_FILE), 'utf8'));
  } catch {
    return null;
  }
}

/** Written atomically (temp file + rename) so a crash mid-write leaves the old state. */
export function saveWindowState(dir: string, state: WindowState): void {
  const file = join(dir, WINDOW_STATE_FILE);
  try {
    mkdirSync(dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(state)}\n`, { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    // Losing the window position is not worth an error dialog.
  }
}

/** The window events and getters the tracker uses. */
export interface TrackedWindow {
  on(event: 'resize' | 'move' | 'close', listener: () => void): unknown;
  isMaximized(): boolean;
  isMinimized(): boolean;
  isFullScreen(): boolean;
  getNormalBounds(): Rectangle;
}

/** Saves the window's normal bounds shortly after it moves or resizes, and on close. */
export function trackWindowState(
  window: TrackedWindow,
  save: (state: WindowState) => void,
  timers: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void } = {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  },
): void {
  let pending: unknown = null;
  const snapshot = () => {
    if (window.isMinimized() || window.isFullScreen()) return;
    const b = window.getNormalBounds();
    const state = WindowStateSchema.safeParse({ x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height), maximized: window.isMaximized() });
    if (state.success) save(state.data);
  };
  const schedule = () => {
    if (pending !== null) timers.clearTimeout(pending);
    pending = timers.setTimeout(() => {
      pending = null;
      snapshot();
    }, 500);
  };
  window.on('resize', schedule);
  window.on('move', schedule);
  window.on('close', () => {
    if (pending !== null) timers.clearTimeout(pending);
    pending = null;
    snapshot();
  });
}
