import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, ensureDataDir } from '../../src-core/paths.js';
import { newDataDir } from '../helpers/env.js';

describe('defaultDataDir', () => {
  it('matches Electron userData for productName "Tessera" on Linux', () => {
    expect(defaultDataDir({}, 'linux', '/home/ada')).toBe('/home/ada/.config/Tessera');
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/xdg/conf' }, 'linux', '/home/ada')).toBe('/xdg/conf/Tessera');
    // A relative XDG_CONFIG_HOME is invalid per the XDG spec and ignored.
    expect(defaultDataDir({ XDG_CONFIG_HOME: 'rel/conf' }, 'linux', '/home/ada')).toBe('/home/ada/.config/Tessera');
    expect(defaultDataDir({}, 'freebsd', '/home/ada')).toBe('/home/ada/.config/Tessera');
  });

  it('uses Application Support on macOS', () => {
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/ignored' }, 'darwin', '/Users/ada')).toBe('/Users/ada/Library/Application Support/Tessera');
  });

  it('uses %APPDATA% on Windows, with the roaming profile folder as fallback', () => {
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ada')).toBe('C:\\Users\\ada\\AppData\\Roaming\\Tessera');
    expect(defaultDataDir({}, 'win32', 'C:\\Users\\ada')).toBe('C:\\Users\\ada\\AppData\\Roaming\\Tessera');
  });

  it('lets TESSERA_HOME override every platform', () => {
    expect(defaultDataDir({ TESSERA_HOME: '/srv/tessera' }, 'linux', '/home/ada')).toBe('/srv/tessera');
    expect(defaultDataDir({ TESSERA_HOME: '/srv/tessera/' }, 'darwin', '/Users/ada')).toBe('/srv/tessera');
    expect(defaultDataDir({ TESSERA_HOME: 'D:\\tessera', APPDATA: 'C:\\x' }, 'win32', 'C:\\Users\\ada')).toBe('D:\\tessera');
    expect(defaultDataDir({ TESSERA_HOME: '   ' }, 'linux', '/home/ada')).toBe('/home/ada/.config/Tessera');
  });

  it('resolves a relative TESSERA_HOME against the working directory', () => {
    expect(defaultDataDir({ TESSERA_HOME: 'rel' }, 'linux', '/home/ada')).toBe(join(process.cwd(), 'rel'));
  });
});

describe('ensureDataDir', () => {
  it('creates the directory (and parents) private to the user', () => {
    const dir = join(newDataDir('paths'), 'nested', 'Tessera');
    expect(ensureDataDir(dir)).toBe(dir);
    if (process.platform !== 'win32') expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(ensureDataDir(dir)).toBe(dir); // idempotent
  });
});

describe('ensureDataDir on an existing directory', () => {
  it.skipIf(process.platform === 'win32')('tightens a directory others can read to 0700 and says so in the log', () => {
    const dir = newDataDir('paths-open');
    chmodSync(dir, 0o755);
    const warnings: Array<[string, Record<string, unknown> | undefined]> = [];
    ensureDataDir(dir, { warn: (message, fields) => warnings.push([message, fields]) });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.[1]).toMatchObject({ previousMode: '755' });
    // Already private: nothing to do, nothing logged.
    ensureDataDir(dir, { warn: (message, fields) => warnings.push([message, fields]) });
    expect(warnings).toHaveLength(1);
  });
});
