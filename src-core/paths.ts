/**
 * Where Tessera keeps its data. The default is the directory Electron's
 * `app.getPath('userData')` gives for productName "Tessera", so the desktop app and
 * the CLI share one config, vault, cache and log. TESSERA_HOME overrides it (tests,
 * portable installs, several isolated setups).
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';
import type { Logger } from './ports.js';

const APP_DIR_NAME = 'Tessera';
const DATA_DIR_ENV = 'TESSERA_HOME';

/** The data directory for this environment and platform (no side effects). */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  const override = env[DATA_DIR_ENV]?.trim();
  if (override) return platform === 'win32' ? win32.resolve(override) : posix.resolve(override);
  switch (platform) {
    case 'win32': {
      // Electron's appData on Windows is the roaming AppData folder (%APPDATA%).
      const appData = env.APPDATA?.trim() || win32.join(home, 'AppData', 'Roaming');
      return win32.join(appData, APP_DIR_NAME);
    }
    case 'darwin':
      return posix.join(home, 'Library', 'Application Support', APP_DIR_NAME);
    default: {
      // XDG base directory spec: a relative XDG_CONFIG_HOME is invalid and ignored.
      const xdg = env.XDG_CONFIG_HOME?.trim();
      const base = xdg && posix.isAbsolute(xdg) ? xdg : posix.join(home, '.config');
      return posix.join(base, APP_DIR_NAME);
    }
  }
}

/**
 * The mode of a data directory that others can read or enter (which ensureDataDir
 * tightens), else null; always null on Windows, which has no such mode bits.
 */
export function openDataDirMode(dir: string): number | null {
  if (process.platform === 'win32') return null;
  const mode = statSync(dir).mode & 0o777;
  return mode & 0o077 ? mode : null;
}

/**
 * Creates the data directory, private to the user (0700), and returns it. An existing
 * directory that others can read or enter (e.g. 755 from an older version or a manual
 * mkdir) is tightened to 0700, since it holds config, the vault and the cache; the
 * change is logged with the previous mode. Windows has no such mode bits.
 */
export function ensureDataDir(dir: string, logger?: Pick<Logger, 'warn'>): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mode = openDataDirMode(dir);
  if (mode !== null) {
    chmodSync(dir, 0o700);
    logger?.warn('data directory was open to other users; its mode is now 700', { dir, previousMode: mode.toString(8) });
  }
  return dir;
}
