import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION, MIGRATIONS, migrate } from '../../src-core/config/migrations.js';
import { defaultConfig, openConfigStore, peekConfig } from '../../src-core/config/store.js';
import type { StoredProfile } from '../../src-core/config/types.js';
import { TesseraError } from '../../src-core/errors.js';
import { newDataDir } from '../helpers/env.js';

const root = resolve(import.meta.dirname, '../..');

function profile(name: string, overrides: Partial<StoredProfile> = {}): StoredProfile {
  const now = '2025-01-01T00:00:00.000Z';
  return {
    id: `id-${name}`,
    name,
    domain: 'lab',
    region: 'us',
    credentialKind: 'api-key',
    includeIdentifiers: false,
    createdAt: now,
    updatedAt: now,
    key: { fingerprint: 'abcd', storedAt: now },
    ...overrides,
  };
}

async function thrown(promise: Promise<unknown>): Promise<TesseraError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TesseraError);
    return error as TesseraError;
  }
  throw new Error('expected a TesseraError');
}

describe('config store', () => {
  it('reads defaults when there is no file, without creating one', async () => {
    const dir = newDataDir('config-defaults');
    const store = openConfigStore(dir);
    expect(store.path).toBe(join(dir, 'config.json'));
    const config = await store.read();
    expect(config).toEqual(defaultConfig());
    expect(config.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(config.settings).toMatchObject({ minTtlSeconds: 300, clipboardClearSeconds: 30, theme: 'system' });
    expect(existsSync(store.path)).toBe(false);
  });

  it('writes atomically with mode 0600, leaving no temporary files, and reads back what it wrote', async () => {
    const dir = newDataDir('config-write');
    const store = openConfigStore(dir);
    const written = await store.update((c) => {
      c.profiles.push(profile('core-lab'));
      c.settings.minTtlSeconds = 600;
      c.secretBackend = 'file';
    });
    expect(written.profiles.map((p) => p.name)).toEqual(['core-lab']);
    if (process.platform !== 'win32') expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['config.json']);
    const again = await openConfigStore(dir).read();
    expect(again).toEqual(written);
    expect(JSON.parse(readFileSync(store.path, 'utf8')).schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
  });

  it('accepts a mutator that returns a new config', async () => {
    const store = openConfigStore(newDataDir('config-return'));
    const next = await store.update((c) => ({ ...c, profiles: [profile('a'), profile('b')] }));
    expect(next.profiles).toHaveLength(2);
  });

  it('leaves the file unchanged when the mutator throws or produces an invalid config', async () => {
    const store = openConfigStore(newDataDir('config-throw'));
    await store.update((c) => void c.profiles.push(profile('keep')));
    const before = readFileSync(store.path, 'utf8');
    await expect(
      store.update((c) => {
        c.profiles.length = 0;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const invalid = await thrown(store.update((c) => void ((c.settings as { minTtlSeconds: unknown }).minTtlSeconds = 'soon')));
    expect(invalid.code).toBe('INTERNAL');
    expect(invalid.message).toContain('settings.minTtlSeconds');
    expect(readFileSync(store.path, 'utf8')).toBe(before);
  });

  it('migrates a version-0 file ({profiles} without settings) and writes the current version on update', async () => {
    const dir = newDataDir('config-v0');
    const { includeIdentifiers: _omit, ...v0Profile } = profile('legacy');
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ profiles: [v0Profile], defaultProfile: 'legacy' }));
    const store = openConfigStore(dir);
    const config = await store.read();
    expect(config.schemaVersion).toBe(1);
    expect(config.profiles).toEqual([profile('legacy')]);
    expect(config.settings.defaultProfile).toBe('legacy');
    expect(config.settings.minTtlSeconds).toBe(300);
    expect(config).not.toHaveProperty('defaultProfile');
    // Reading never rewrites; the next update does, at the current version.
    expect(JSON.parse(readFileSync(store.path, 'utf8')).schemaVersion).toBeUndefined();
    await store.update(() => undefined);
    const raw = JSON.parse(readFileSync(store.path, 'utf8'));
    expect(raw.schemaVersion).toBe(1);
    expect(raw.defaultProfile).toBeUndefined();
    expect(raw.settings.defaultProfile).toBe('legacy');
  });

  it('has one ordered migration step per version below the current one', () => {
    expect(MIGRATIONS.map((m) => m.from)).toEqual([...Array(CURRENT_SCHEMA_VERSION).keys()]);
    expect(migrate({ schemaVersion: 1, profiles: [] })).toMatchObject({ from: 1, to: 1 });
    expect(migrate({ profiles: [] })).toMatchObject({ from: 0, to: 1, raw: { schemaVersion: 1, settings: {} } });
  });

  it.each([
    ['not JSON', '{"profiles": ['],
    ['an empty file', ''],
    ['a JSON array', '[]'],
    ['a bad schemaVersion', '{"schemaVersion": "one", "profiles": []}'],
    ['a profile without an id', JSON.stringify({ schemaVersion: 1, profiles: [{ name: 'x' }], settings: {} })],
  ])('moves a corrupt file (%s) aside with CONFIG_CORRUPT, then starts fresh', async (_label, text) => {
    const dir = newDataDir('config-corrupt');
    const path = join(dir, 'config.json');
    writeFileSync(path, text);
    const store = openConfigStore(dir);
    const error = await thrown(store.read());
    expect(error.code).toBe('CONFIG_CORRUPT');
    expect(error.message).toMatch(/moved aside to config\.json\.corrupt-/);
    const aside = readdirSync(dir).filter((f) => f.startsWith('config.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]!), 'utf8')).toBe(text); // nothing lost
    expect(existsSync(path)).toBe(false);
    expect(await store.read()).toEqual(defaultConfig());
    await store.update((c) => void c.profiles.push(profile('fresh')));
    expect((await store.read()).profiles).toHaveLength(1);
  });

  it('reports corruption on update too, without applying the change', async () => {
    const dir = newDataDir('config-corrupt-update');
    writeFileSync(join(dir, 'config.json'), '{oops');
    const store = openConfigStore(dir);
    expect((await thrown(store.update((c) => void c.profiles.push(profile('x'))))).code).toBe('CONFIG_CORRUPT');
    expect(existsSync(store.path)).toBe(false);
    expect(readdirSync(dir).some((f) => f.startsWith('config.json.corrupt-'))).toBe(true);
  });

  it('peeks without moving anything (for the doctor)', async () => {
    const dir = newDataDir('config-peek');
    expect(await peekConfig(dir)).toEqual({ state: 'missing' });
    writeFileSync(join(dir, 'config.json'), 'nope');
    expect(await peekConfig(dir)).toMatchObject({ state: 'corrupt', reason: 'it is not valid JSON' });
    expect(existsSync(join(dir, 'config.json'))).toBe(true);
  });

  it('reads a file from a newer Tessera but refuses to rewrite it', async () => {
    const dir = newDataDir('config-newer');
    const text = JSON.stringify({ schemaVersion: CURRENT_SCHEMA_VERSION + 1, profiles: [profile('n')], settings: {}, futureField: true });
    writeFileSync(join(dir, 'config.json'), text);
    const store = openConfigStore(dir);
    expect((await store.read()).profiles.map((p) => p.name)).toEqual(['n']);
    const error = await thrown(store.update(() => undefined));
    expect(error.message).toMatch(/newer Tessera/);
    expect(readFileSync(store.path, 'utf8')).toBe(text);
  });

  it('serialises concurrent updates in one process', async () => {
    const store = openConfigStore(newDataDir('config-inproc'));
    await Promise.all(Array.from({ length: 25 }, (_, i) => store.update((c) => void c.profiles.push(profile(`p${i}`)))));
    expect((await store.read()).profiles).toHaveLength(25);
  });

  it('keeps every update when two processes update at the same time', async () => {
    const dir = newDataDir('config-procs');
    const storeUrl = pathToFileURL(join(root, 'src-core/config/store.ts')).href;
    const script = `
      const { openConfigStore } = await import(${JSON.stringify(storeUrl)});
      const { DIR: dir, TAG: tag, N: n } = process.env;
      const store = openConfigStore(dir);
      for (let i = 0; i < Number(n); i++) {
        await store.update((c) => {
          const now = new Date().toISOString();
          c.profiles.push({ id: tag + i, name: tag + i, domain: 'lab', region: 'us', credentialKind: 'api-key',
            includeIdentifiers: false, createdAt: now, updatedAt: now, key: { fingerprint: 'abcd', storedAt: now } });
        });
      }
    `;
    const run = (tag: string) =>
      new Promise<number>((done, fail) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
          cwd: root,
          env: { ...process.env, DIR: dir, TAG: tag, N: '20' },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let err = '';
        child.stderr.on('data', (d) => (err += String(d)));
        child.on('error', fail);
        child.on('exit', (code) => (code === 0 ? done(code) : fail(new Error(`child ${tag} exited ${code}: ${err}`))));
      });
    await Promise.all([run('a'), run('b')]);
    const names = (await openConfigStore(dir).read()).profiles.map((p) => p.name);
    expect(names).toHaveLength(40);
    expect(new Set(names).size).toBe(40);
    expect(readdirSync(dir).sort()).toEqual(['config.json']); // no lock or temp file left behind
  }, 60_000);
});
