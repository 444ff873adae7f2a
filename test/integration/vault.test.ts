/**
 * The encrypted file vault over the real file system, with real scrypt and AES-GCM,
 * and real concurrent processes.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../src-core/errors.js';
import { accounts } from '../../src-core/secrets/accounts.js';
import { createFileVault, DEFAULT_KDF } from '../../src-core/secrets/file-vault.js';
import { openSecretStore } from '../../src-core/secrets/select.js';
import { newDataDir, recordSecret } from '../helpers/env.js';

const root = resolve(import.meta.dirname, '../..');

/** vault.json as parsed JSON, loosely typed so tests can damage any part of it. */
interface VaultJson {
  version?: number;
  kdf: { N: number; salt: string };
  cipher: { data: string; tag: string; iv: string };
}

let counter = 0;
/** A unique secret value, recorded for the final scan. */
function secret(label: string): string {
  counter += 1;
  const value = `${label}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 12)}`;
  recordSecret(value);
  return value;
}

function counted(passphrase: string) {
  const provider = Object.assign(
    async () => {
      provider.calls += 1;
      return passphrase;
    },
    { calls: 0 },
  );
  return provider;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TesseraError);
    return (error as TesseraError).code;
  }
  return 'no error';
}

describe('file vault', () => {
  it('round-trips secrets and asks for the passphrase once per store', async () => {
    const dir = newDataDir('vault-roundtrip');
    const pass = counted(secret('passphrase'));
    const vault = createFileVault({ dataDir: dir, passphrase: pass });
    expect(vault.backend).toBe('file');
    expect(await vault.exists()).toBe(false);
    // Reading or deleting in an absent vault needs no passphrase.
    expect(await vault.get(accounts.credential({ id: 'p1', name: 'lab' }))).toBeNull();
    expect(await vault.delete(accounts.credential({ id: 'p1', name: 'lab' }))).toBe(false);
    expect(pass.calls).toBe(0);

    const key = secret('api-key');
    const unicode = `${secret('pw')}-ünïcødé-✓`;
    await vault.set(accounts.credential({ id: 'p1', name: 'lab' }), key);
    await vault.set(accounts.credential({ id: 'p2', name: 'partner' }), unicode);
    expect(await vault.get(accounts.credential({ id: 'p1', name: 'lab' }))).toBe(key);
    expect(await vault.get(accounts.credential({ id: 'p2', name: 'partner' }))).toBe(unicode);
    expect(await vault.get('constructor')).toBeNull(); // no prototype lookups
    expect(await vault.delete(accounts.credential({ id: 'p1', name: 'lab' }))).toBe(true);
    expect(await vault.delete(accounts.credential({ id: 'p1', name: 'lab' }))).toBe(false);
    expect(await vault.get(accounts.credential({ id: 'p1', name: 'lab' }))).toBeNull();
    expect(pass.calls).toBe(1);

    // Another store (as in another process) derives its own key, once.
    const pass2 = counted(await pass());
    const other = createFileVault({ dataDir: dir, passphrase: pass2 });
    expect(await other.get(accounts.credential({ id: 'p2', name: 'partner' }))).toBe(unicode);
    expect(await other.get(accounts.credential({ id: 'p2', name: 'partner' }))).toBe(unicode);
    expect(pass2.calls).toBe(1);

    // lock() forgets the key.
    other.lock();
    expect(await other.get(accounts.credential({ id: 'p2', name: 'partner' }))).toBe(unicode);
    expect(pass2.calls).toBe(2);
  });

  it('writes a 0600 file with KDF parameters and no plaintext secret, account name or passphrase', async () => {
    const dir = newDataDir('vault-file');
    const passphrase = secret('passphrase');
    const vault = createFileVault({ dataDir: dir, passphrase: async () => passphrase });
    const values = [secret('api-key'), secret('password'), secret('jwt')];
    for (const [i, v] of values.entries()) await vault.set(accounts.credential({ id: `profile-${i}`, name: `lab-${i}` }), v);
    const text = readFileSync(vault.path, 'utf8');
    for (const v of values) {
      expect(text).not.toContain(v);
      expect(text).not.toContain(Buffer.from(v).toString('base64'));
    }
    expect(text).not.toContain(passphrase);
    expect(text).not.toContain('profile-');
    const file = JSON.parse(text);
    expect(file).toMatchObject({ format: 'tessera-vault', version: 1, kdf: { name: 'scrypt', ...DEFAULT_KDF }, cipher: { name: 'aes-256-gcm' } });
    if (process.platform !== 'win32') expect(statSync(vault.path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['vault.json']); // no temp or lock file left
  });

  it('re-encrypts with a fresh IV on every write', async () => {
    const dir = newDataDir('vault-iv');
    const vault = createFileVault({ dataDir: dir, passphrase: async () => 'iv-test-passphrase' });
    recordSecret('iv-test-passphrase');
    await vault.set('a', secret('v'));
    const iv1 = JSON.parse(readFileSync(vault.path, 'utf8')).cipher.iv;
    await vault.set('b', secret('v'));
    expect(JSON.parse(readFileSync(vault.path, 'utf8')).cipher.iv).not.toBe(iv1);
  });

  it('rejects a wrong passphrase with VAULT_BAD_PASSPHRASE and changes nothing', async () => {
    const dir = newDataDir('vault-wrong');
    const right = secret('right');
    const wrong = secret('wrong');
    const value = secret('api-key');
    await createFileVault({ dataDir: dir, passphrase: async () => right }).set('a', value);
    const before = readFileSync(join(dir, 'vault.json'), 'utf8');
    const bad = createFileVault({ dataDir: dir, passphrase: async () => wrong });
    expect(await codeOf(bad.get('a'))).toBe('VAULT_BAD_PASSPHRASE');
    expect(await codeOf(bad.set('b', secret('other')))).toBe('VAULT_BAD_PASSPHRASE');
    expect(await codeOf(bad.unlock())).toBe('VAULT_BAD_PASSPHRASE');
    expect(readFileSync(join(dir, 'vault.json'), 'utf8')).toBe(before);
    try {
      await bad.get('a');
    } catch (error) {
      expect((error as Error).message).not.toContain(wrong);
      expect((error as Error).message).not.toContain(value);
    }
  });

  it('asks again after a wrong passphrase instead of remembering the failure', async () => {
    const dir = newDataDir('vault-retry');
    const right = secret('right');
    const value = secret('api-key');
    await createFileVault({ dataDir: dir, passphrase: async () => right }).set('a', value);
    const answers = [secret('typo'), right];
    const vault = createFileVault({ dataDir: dir, passphrase: async () => answers.shift() ?? '' });
    expect(await codeOf(vault.get('a'))).toBe('VAULT_BAD_PASSPHRASE');
    expect(await vault.get('a')).toBe(value);
  });

  it('needs a passphrase: VAULT_PASSPHRASE_REQUIRED when none is given', async () => {
    const dir = newDataDir('vault-nopass');
    expect(await codeOf(createFileVault({ dataDir: dir, passphrase: async () => '' }).set('a', secret('v')))).toBe('VAULT_PASSPHRASE_REQUIRED');
    expect(
      await codeOf(
        createFileVault({
          dataDir: dir,
          passphrase: async () => {
            throw new Error('no TTY');
          },
        }).set('a', secret('v')),
      ),
    ).toBe('VAULT_PASSPHRASE_REQUIRED');
    // Through the selector: no TESSERA_VAULT_PASSPHRASE and no prompt.
    const store = await openSecretStore({ dataDir: dir, env: { TESSERA_SECRET_BACKEND: 'file' } });
    expect(await codeOf(store.set('a', secret('v')))).toBe('VAULT_PASSPHRASE_REQUIRED');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('without a passphrase source it stays locked (VAULT_LOCKED) until unlockWith gets the typed passphrase', async () => {
    const dir = newDataDir('vault-inapp');
    const right = secret('right');
    const value = secret('api-key');
    const vault = createFileVault({ dataDir: dir });
    expect(vault.needsPassphrase()).toBe(true);
    // Absent vault: reading needs nothing, writing needs the key.
    expect(await vault.get('a')).toBeNull();
    expect(await codeOf(vault.set('a', value))).toBe('VAULT_LOCKED');
    // Two typed passphrases racing to create: one creates, the other must open that vault (and cannot).
    const other = secret('other');
    const results = await Promise.allSettled([vault.unlockWith(right, { create: true }), vault.unlockWith(other, { create: true })]);
    expect(results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as TesseraError).code))).toEqual(['ok', 'VAULT_BAD_PASSPHRASE']);
    expect(vault.needsPassphrase()).toBe(false);
    await vault.set('a', value);
    const before = readFileSync(vault.path, 'utf8');
    vault.lock();
    expect(vault.needsPassphrase()).toBe(true);
    expect(await codeOf(vault.get('a'))).toBe('VAULT_LOCKED');
    expect(await codeOf(vault.unlockWith(other))).toBe('VAULT_BAD_PASSPHRASE');
    expect(vault.needsPassphrase()).toBe(true);
    await vault.unlockWith(right);
    expect(await vault.get('a')).toBe(value);
    expect(readFileSync(vault.path, 'utf8')).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(['vault.json']);
    // A damaged vault is reported when unlocking, not on the first read.
    const file = JSON.parse(before);
    file.cipher.data = flip(file.cipher.data, 0, 1);
    writeFileSync(vault.path, JSON.stringify(file));
    expect(await codeOf(createFileVault({ dataDir: dir }).unlockWith(right))).toBe('VAULT_CORRUPT');
  });

  const flip = (b64: string, index: number, bit: number) => {
    const bytes = Buffer.from(b64, 'base64');
    bytes[index] = (bytes[index] ?? 0) ^ bit;
    return bytes.toString('base64');
  };
  it.each([
    ['a flipped ciphertext byte', (f: VaultJson) => void (f.cipher.data = flip(f.cipher.data, 0, 1))],
    ['a different auth tag', (f: VaultJson) => void (f.cipher.tag = flip(f.cipher.tag, 3, 0x80))],
    ['a different IV', (f: VaultJson) => void (f.cipher.iv = flip(f.cipher.iv, 0, 1))],
    ['a truncated ciphertext', (f: VaultJson) => void (f.cipher.data = f.cipher.data.slice(0, 8))],
    ['an edited format version', (f: VaultJson) => void (f.version = 2)],
    ['an absurd scrypt cost', (f: VaultJson) => void (f.kdf.N = 2 ** 30)],
    ['a malformed salt', (f: VaultJson) => void (f.kdf.salt = 'not base64!')],
    ['a missing cipher', (f: VaultJson) => void delete (f as Partial<VaultJson>).cipher],
  ])('reports a tampered file (%s) as VAULT_CORRUPT', async (_label, tamper) => {
    const dir = newDataDir('vault-tamper');
    const pass = secret('passphrase');
    const vault = createFileVault({ dataDir: dir, passphrase: async () => pass });
    await vault.set('a', secret('api-key'));
    const file = JSON.parse(readFileSync(vault.path, 'utf8'));
    tamper(file);
    writeFileSync(vault.path, JSON.stringify(file));
    const fresh = createFileVault({ dataDir: dir, passphrase: async () => pass });
    expect(await codeOf(fresh.get('a'))).toBe('VAULT_CORRUPT');
    expect(await codeOf(fresh.set('b', secret('v')))).toBe('VAULT_CORRUPT');
  });

  it.each([
    ['not JSON', '{"format": "tessera-vault", '],
    ['empty', ''],
    ['another format', '{"format":"keepass"}'],
  ])('reports an unreadable file (%s) as VAULT_CORRUPT without overwriting it', async (_label, text) => {
    const dir = newDataDir('vault-garbage');
    writeFileSync(join(dir, 'vault.json'), text);
    const vault = createFileVault({ dataDir: dir, passphrase: async () => 'x-passphrase' });
    expect(await codeOf(vault.get('a'))).toBe('VAULT_CORRUPT');
    expect(await codeOf(vault.set('a', secret('v')))).toBe('VAULT_CORRUPT');
    expect(readFileSync(join(dir, 'vault.json'), 'utf8')).toBe(text);
  });

  it('loses no write when many set() calls run at once in one process', async () => {
    const dir = newDataDir('vault-inproc');
    const pass = counted(secret('passphrase'));
    const vault = createFileVault({ dataDir: dir, passphrase: pass });
    const values = Array.from({ length: 30 }, (_, i) => [`acct-${i}`, secret('v')] as const);
    await Promise.all(values.map(([a, v]) => vault.set(a, v)));
    for (const [a, v] of values) expect(await vault.get(a)).toBe(v);
    expect(pass.calls).toBe(1); // the key was derived once, even for 30 concurrent first writes
  });

  it('loses no write when two processes write at the same time', async () => {
    const dir = newDataDir('vault-procs');
    const passphrase = secret('passphrase');
    // Create the vault first so both children share one salt (and race only on writes).
    await createFileVault({ dataDir: dir, passphrase: async () => passphrase }).set('seed', secret('seed'));
    const storeUrl = pathToFileURL(join(root, 'src-core/secrets/select.ts')).href;
    const script = `
      const { openSecretStore } = await import(${JSON.stringify(storeUrl)});
      const store = await openSecretStore({ dataDir: process.env.DIR });
      const n = Number(process.env.N);
      await Promise.all(Array.from({ length: n }, (_, i) => store.set(process.env.TAG + '-' + i, process.env.TAG + '-value-' + i + '-' + process.env.SALT)));
    `;
    const salt = secret('salt'); // makes each stored value unique to this run, and recorded
    const run = (tag: string) =>
      new Promise<void>((done, fail) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
          cwd: root,
          env: { ...process.env, DIR: dir, TAG: tag, N: '15', SALT: salt, TESSERA_SECRET_BACKEND: 'file', TESSERA_VAULT_PASSPHRASE: passphrase },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let err = '';
        child.stderr.on('data', (d) => (err += String(d)));
        child.on('error', fail);
        child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`child ${tag} exited ${code}: ${err.split(passphrase).join('***')}`))));
      });
    await Promise.all([run('a'), run('b')]);
    const vault = createFileVault({ dataDir: dir, passphrase: async () => passphrase });
    for (const tag of ['a', 'b']) {
      for (let i = 0; i < 15; i += 1) expect(await vault.get(`${tag}-${i}`)).toBe(`${tag}-value-${i}-${salt}`);
    }
    expect(readdirSync(dir).sort()).toEqual(['vault.json']);
  }, 60_000);

  it('breaks a lock left behind by a dead process', async () => {
    const dir = newDataDir('vault-stale-lock');
    const pass = secret('passphrase');
    // A pid that does not exist: the highest possible pid is far above what is in use.
    writeFileSync(join(dir, 'vault.json.lock'), JSON.stringify({ pid: 2 ** 22 - 3, host: (await import('node:os')).hostname(), at: Date.now(), nonce: 'x' }));
    const vault = createFileVault({ dataDir: dir, passphrase: async () => pass });
    const value = secret('v');
    await vault.set('a', value);
    expect(await vault.get('a')).toBe(value);
    expect(readdirSync(dir).sort()).toEqual(['vault.json']);
  });
});

describe('a new vault passphrase', () => {
  const cheap = { N: 1024, r: 8, p: 1 };

  it('is held to the shared rule (at least 8 characters) by the core, whoever asks: a prompt or the app', async () => {
    const dir = newDataDir('vault-short');
    const store = createFileVault({ dataDir: dir, passphrase: async () => 'short', kdf: cheap });
    expect(await codeOf(store.set('a', secret('v')))).toBe('INVALID_INPUT');
    expect(await store.exists()).toBe(false);
    const app = createFileVault({ dataDir: dir, kdf: cheap });
    await expect(app.unlockWith('short', { create: true })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('cannot recover a forgotten passphrase') });
    expect(await app.exists()).toBe(false);
  });

  it('does not apply to an existing vault, which opens with the passphrase it was made with', async () => {
    const dir = newDataDir('vault-existing');
    const passphrase = secret('long-passphrase');
    await createFileVault({ dataDir: dir, passphrase: async () => passphrase, kdf: cheap }).set('a', secret('v'));
    const asked: Array<{ create: boolean } | undefined> = [];
    const again = createFileVault({ dataDir: dir, passphrase: async (purpose) => (asked.push(purpose), passphrase), kdf: cheap });
    expect(await again.list()).toEqual(['a']);
    expect(asked.every((p) => !p?.create)).toBe(true);
  });
});
