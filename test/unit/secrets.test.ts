import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../src-core/errors.js';
import { accounts } from '../../src-core/secrets/accounts.js';
import { keychainError, linuxBusProblem } from '../../src-core/secrets/keychain.js';
import { createMemoryStore } from '../helpers/memory-store.js';
import { openSecretStore, passphraseProvider, resolveSecretBackend } from '../../src-core/secrets/select.js';
import { newDataDir, recordSecret } from '../helpers/env.js';

describe('memory store', () => {
  it('round-trips, reports deletions and can be made to fail', async () => {
    const value = 'mem-secret-0123456789';
    recordSecret(value);
    const store = createMemoryStore({ seeded: 'x' });
    expect(store.backend).toBe('memory');
    expect(await store.get('seeded')).toBe('x');
    await store.set(accounts.credential('p1'), value);
    expect(await store.get(accounts.credential('p1'))).toBe(value);
    expect(await store.delete(accounts.credential('p1'))).toBe(true);
    expect(await store.delete(accounts.credential('p1'))).toBe(false);
    expect(await store.get('missing')).toBeNull();
    store.failWith(new TesseraError('KEYCHAIN_LOCKED', 'locked'));
    await expect(store.get('seeded')).rejects.toMatchObject({ code: 'KEYCHAIN_LOCKED' });
    store.failWith(null);
    expect([...store.entries().keys()]).toEqual(['seeded']);
  });
});

describe('backend selection', () => {
  it('defaults to the keychain', async () => {
    expect(await resolveSecretBackend({ dataDir: newDataDir('sel'), env: {} })).toEqual({ backend: 'keychain', source: 'default' });
  });

  it('reads secretBackend from config.json, lets the option override it and the env override both', async () => {
    const dir = newDataDir('sel-config');
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ schemaVersion: 1, profiles: [], settings: {}, secretBackend: 'file' }));
    expect(await resolveSecretBackend({ dataDir: dir, env: {} })).toEqual({ backend: 'file', source: 'config' });
    expect(await resolveSecretBackend({ dataDir: dir, env: {}, backend: 'keychain' })).toEqual({ backend: 'keychain', source: 'option' });
    expect(await resolveSecretBackend({ dataDir: dir, env: { TESSERA_SECRET_BACKEND: 'Keychain' } })).toEqual({ backend: 'keychain', source: 'env' });
    expect(await resolveSecretBackend({ dataDir: dir, env: { TESSERA_SECRET_BACKEND: 'file' }, backend: 'keychain' })).toEqual({ backend: 'file', source: 'env' });
  });

  it('ignores a damaged config.json (its store reports that) and leaves it in place', async () => {
    const dir = newDataDir('sel-corrupt');
    writeFileSync(join(dir, 'config.json'), '{nope');
    expect(await resolveSecretBackend({ dataDir: dir, env: {} })).toEqual({ backend: 'keychain', source: 'default' });
  });

  it('rejects an unknown TESSERA_SECRET_BACKEND instead of guessing (no plaintext or memory fallback)', async () => {
    for (const value of ['plaintext', 'memory', 'none']) {
      await expect(resolveSecretBackend({ dataDir: newDataDir('sel-bad'), env: { TESSERA_SECRET_BACKEND: value } })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringContaining('"keychain" or "file"'),
      });
    }
  });

  it('opens the chosen store type', async () => {
    const dir = newDataDir('sel-open');
    expect((await openSecretStore({ dataDir: dir, env: {} })).backend).toBe('keychain');
    expect((await openSecretStore({ dataDir: dir, env: { TESSERA_SECRET_BACKEND: 'file' } })).backend).toBe('file');
  });

  it('takes the passphrase from TESSERA_VAULT_PASSPHRASE first, then the prompt, else fails with VAULT_PASSPHRASE_REQUIRED', async () => {
    const pass = 'env-passphrase-42';
    recordSecret(pass);
    let prompted = 0;
    const prompt = async () => {
      prompted += 1;
      return 'typed';
    };
    expect(await passphraseProvider({ TESSERA_VAULT_PASSPHRASE: pass }, prompt)()).toBe(pass);
    expect(prompted).toBe(0);
    expect(await passphraseProvider({}, prompt)()).toBe('typed');
    await expect(passphraseProvider({})()).rejects.toMatchObject({ code: 'VAULT_PASSPHRASE_REQUIRED', message: expect.stringContaining('TESSERA_VAULT_PASSPHRASE') });
  });
});

describe('keychain error mapping', () => {
  it('maps platform failures to KEYCHAIN_UNAVAILABLE with the file-vault hint', () => {
    const error = keychainError(new Error("Couldn't access platform storage: AccessDenied"), 'store a secret');
    expect(error.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(error.message).toContain('AccessDenied');
    expect(error.message).toContain('TESSERA_SECRET_BACKEND=file');
  });

  it('explains a value too long for the platform keychain (Windows caps secrets at 2560 bytes)', () => {
    const error = keychainError(new Error("Attribute 'password' is longer than platform limit of 1280 chars"), 'store a secret');
    expect(error.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(error.message).toContain('longer than this keychain accepts');
  });

  it('explains a Secret Service without a default keyring', () => {
    const error = keychainError(new Error("Couldn't access platform storage: Secret Service: no result found"), 'store a secret');
    expect(error.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(error.message).toContain('no default keyring');
  });

  it.each([
    "Couldn't access platform storage: Secret Service: unlock prompt was dismissed",
    'The collection is locked',
    'User interaction is not allowed.',
  ])('maps a locked keychain (%s) to KEYCHAIN_LOCKED', (message) => {
    const error = keychainError(new Error(message), 'read a secret');
    expect(error.code).toBe('KEYCHAIN_LOCKED');
    expect(error.message).toContain('Unlock');
  });

  it('never echoes the secret value, even if the platform did', () => {
    const value = 'leaky-value-9876543210';
    recordSecret(value);
    const error = keychainError(new Error(`failed to store ${value}`), 'store a secret', value);
    expect(error.message).not.toContain(value);
  });

  it('detects a missing or dangling D-Bus session bus on Linux only', () => {
    expect(linuxBusProblem({}, 'linux')).toMatch(/DBUS_SESSION_BUS_ADDRESS is not set/);
    expect(linuxBusProblem({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' }, 'linux')).toMatch(/does not exist/);
    expect(linuxBusProblem({ DBUS_SESSION_BUS_ADDRESS: 'unix:abstract=/tmp/dbus-x,guid=1' }, 'linux')).toBeNull();
    expect(linuxBusProblem({}, 'darwin')).toBeNull();
    expect(linuxBusProblem({}, 'win32')).toBeNull();
    const runtime = newDataDir('xdg-runtime');
    writeFileSync(join(runtime, 'bus'), '');
    expect(linuxBusProblem({ XDG_RUNTIME_DIR: runtime }, 'linux')).toBeNull();
  });
});
