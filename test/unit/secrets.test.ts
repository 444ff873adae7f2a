import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../src-core/errors.js';
import { accountName, accounts, legacyAccountName, parseAccount, profileIdOf, SECRET_KINDS } from '../../src-core/secrets/accounts.js';
import { findOrphans, orphanProfiles } from '../../src-core/secrets/orphans.js';
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
    await store.set(accounts.credential({ id: 'p1', name: 'lab' }), value);
    expect(await store.get(accounts.credential({ id: 'p1', name: 'lab' }))).toBe(value);
    expect(await store.delete(accounts.credential({ id: 'p1', name: 'lab' }))).toBe(true);
    expect(await store.delete(accounts.credential({ id: 'p1', name: 'lab' }))).toBe(false);
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

describe('account names', () => {
  const id = '6f1c2a9e-0b7d-4c51-9a3e-2d4f8b1c7e60';

  it('name the profile and its id, and parse back by the id whatever the name holds', () => {
    expect(accounts.credential({ id, name: 'lab' })).toBe(`profile lab: credential (${id})`);
    // Names as a hand-edited config.json may hold them: separators, parentheses, colons.
    for (const name of ['lab', 'lab-eu.2', 'a: token (x)', 'x) (credential', 'Ünï cødé', '']) {
      for (const kind of SECRET_KINDS) {
        expect(parseAccount(accountName({ id, name }, kind))).toEqual({ profileId: id, kind, name });
      }
    }
    expect(parseAccount(legacyAccountName(id, 'token'))).toEqual({ profileId: id, kind: 'token', name: null });
    expect(profileIdOf(legacyAccountName(id, 'cache-key'))).toBe(id);
    for (const other of ['probe/123-abc', 'profile lab: secret (x)', 'profile lab: token (a b)', 'something else']) expect(parseAccount(other)).toBeNull();
  });

  it('orphans are found in both forms and described by name where the entry has one', async () => {
    const dir = newDataDir('orphans-forms');
    const kept = { id: 'kept-id', name: 'kept' };
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ schemaVersion: 1, profiles: [{ ...kept, domain: 'd', region: 'us', credentialKind: 'api-key', includeIdentifiers: false, createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z', key: { fingerprint: '0001', storedAt: '2025-01-01T00:00:00.000Z' } }], settings: {} }));
    const gone = { id: 'gone-id', name: 'gone' };
    const listed = [accounts.credential(kept), legacyAccountName(kept.id, 'token'), accounts.credential(gone), accounts.token(gone), legacyAccountName('old-id', 'credential'), 'probe/1-a'];
    const orphans = await findOrphans(dir, async () => listed);
    expect(orphans).toEqual([accounts.credential(gone), accounts.token(gone), legacyAccountName('old-id', 'credential')].sort());
    expect(orphanProfiles(orphans!).sort()).toEqual(['gone (gone-id)', 'old-id']);
  });
});
