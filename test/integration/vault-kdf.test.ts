/**
 * The file vault's scrypt cost and header checks, over the real file system with real
 * scrypt: node:crypto's scrypt is wrapped only to count and record the parameters of
 * every derivation, so a test can prove a tampered header never reached scrypt.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TesseraError } from '../../src-core/errors.js';
import { createFileVault, DEFAULT_KDF, LEGACY_KDF } from '../../src-core/secrets/file-vault.js';
import { newDataDir, recordSecret } from '../helpers/env.js';

const derivations = vi.hoisted(() => [] as Array<{ N: number; r: number; p: number }>);

vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  const scrypt = ((...args: Parameters<typeof real.scrypt>) => {
    const options = args[3] as { N: number; r: number; p: number };
    derivations.push({ N: options.N, r: options.r, p: options.p });
    return (real.scrypt as (...a: unknown[]) => void)(...args);
  }) as typeof real.scrypt;
  return { ...real, default: { ...real, scrypt }, scrypt };
});

afterEach(() => {
  derivations.length = 0;
});

/** The cheap cost the tests write with; Tessera's own constants are checked separately. */
const TEST_KDF = { N: 2 ** 12, r: 8, p: 1 };

let counter = 0;
function secret(label: string): string {
  counter += 1;
  const value = `${label}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 12)}`;
  recordSecret(value);
  return value;
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

interface VaultJson {
  kdf: { N: number; r: number; p: number; salt: string };
  check: string;
  headerSha256?: string;
}

async function vaultWith(label: string, kdf = TEST_KDF): Promise<{ dir: string; pass: string; path: string }> {
  const dir = newDataDir(label);
  const pass = secret('passphrase');
  const vault = createFileVault({ dataDir: dir, passphrase: async () => pass, kdf });
  await vault.set('a', secret('api-key'));
  return { dir, pass, path: vault.path };
}

const flip = (b64: string, index: number) => {
  const bytes = Buffer.from(b64, 'base64');
  bytes[index] = (bytes[index] ?? 0) ^ 1;
  return bytes.toString('base64');
};

describe('file vault scrypt cost', () => {
  it('writes new vaults with N=2^17, r=8, p=1 (old ones used N=2^15)', () => {
    expect(DEFAULT_KDF).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    expect(LEGACY_KDF).toEqual({ N: 2 ** 15, r: 8, p: 1 });
  });

  it('answers a header raised to N=2^20, r=32, p=16 as damaged without running scrypt at that cost', async () => {
    const { dir, pass, path } = await vaultWith('vault-kdf-raised');
    const file = JSON.parse(readFileSync(path, 'utf8')) as VaultJson;
    Object.assign(file.kdf, { N: 2 ** 20, r: 32, p: 16 });
    writeFileSync(path, JSON.stringify(file));
    derivations.length = 0;
    const vault = createFileVault({ dataDir: dir, passphrase: async () => pass, kdf: TEST_KDF });
    expect(await codeOf(vault.get('a'))).toBe('VAULT_CORRUPT');
    expect(await codeOf(vault.unlockWith(pass))).toBe('VAULT_CORRUPT');
    expect(derivations).toEqual([]);
  });

  it('refuses scrypt parameters Tessera never writes, even in a header without a checksum', async () => {
    const { dir, pass, path } = await vaultWith('vault-kdf-unknown');
    const file = JSON.parse(readFileSync(path, 'utf8')) as VaultJson;
    Object.assign(file.kdf, { N: 2 ** 19 });
    delete file.headerSha256; // as an older Tessera wrote it: no checksum to catch the edit
    writeFileSync(path, JSON.stringify(file));
    derivations.length = 0;
    const vault = createFileVault({ dataDir: dir, passphrase: async () => pass, kdf: TEST_KDF });
    expect(await codeOf(vault.get('a'))).toBe('VAULT_CORRUPT');
    expect(derivations).toEqual([]);
  });

  it.each([
    ['salt', (f: VaultJson) => void (f.kdf.salt = flip(f.kdf.salt, 3))],
    ['check value', (f: VaultJson) => void (f.check = flip(f.check, 5))],
  ])('says "damaged" (VAULT_CORRUPT), not "wrong passphrase", for a tampered %s', async (_label, tamper) => {
    const { dir, pass, path } = await vaultWith('vault-kdf-tamper');
    const file = JSON.parse(readFileSync(path, 'utf8')) as VaultJson;
    tamper(file);
    writeFileSync(path, JSON.stringify(file));
    derivations.length = 0;
    const vault = createFileVault({ dataDir: dir, passphrase: async () => pass, kdf: TEST_KDF });
    expect(await codeOf(vault.get('a'))).toBe('VAULT_CORRUPT');
    expect(await codeOf(createFileVault({ dataDir: dir, kdf: TEST_KDF }).unlockWith(pass))).toBe('VAULT_CORRUPT');
    // Damage is found from the header alone, before any passphrase is needed.
    expect(derivations).toEqual([]);
  });

  it('still says "wrong passphrase" for a wrong passphrase on an intact vault', async () => {
    const { dir } = await vaultWith('vault-kdf-wrong');
    const vault = createFileVault({ dataDir: dir, passphrase: async () => secret('wrong'), kdf: TEST_KDF });
    expect(await codeOf(vault.get('a'))).toBe('VAULT_BAD_PASSPHRASE');
  });

  it('rewrites a vault made with the old cost with the current one the next time it is written', async () => {
    // The old cost is real here (N=2^15); the "current" one is the cheap test cost.
    const { dir, pass, path } = await vaultWith('vault-kdf-migrate', LEGACY_KDF);
    const old = JSON.parse(readFileSync(path, 'utf8')) as VaultJson;
    expect(old.kdf).toMatchObject(LEGACY_KDF);
    const value = secret('api-key');

    const reader = createFileVault({ dataDir: dir, passphrase: async () => pass, kdf: TEST_KDF });
    expect(await codeOf(reader.get('a'))).toBe('no error');
    // Reading alone leaves the file as it is.
    expect(readFileSync(path, 'utf8')).toBe(JSON.stringify(old, null, 2) + '\n');

    await reader.set('b', value);
    const migrated = JSON.parse(readFileSync(path, 'utf8')) as VaultJson;
    expect(migrated.kdf).toMatchObject(TEST_KDF);
    expect(migrated.kdf.salt).not.toBe(old.kdf.salt);
    expect(migrated.headerSha256).toMatch(/^[0-9a-f]{64}$/);

    // Every entry survived, and another process opens it with the same passphrase.
    const other = createFileVault({ dataDir: dir, passphrase: async () => pass, kdf: TEST_KDF });
    expect(await other.get('b')).toBe(value);
    expect(await other.get('a')).not.toBeNull();

    // The desktop app's way in (typed passphrase, no provider) migrates too.
    const legacy = await vaultWith('vault-kdf-migrate-app', LEGACY_KDF);
    const app = createFileVault({ dataDir: legacy.dir, kdf: TEST_KDF });
    await app.unlockWith(legacy.pass);
    await app.set('c', secret('v'));
    expect((JSON.parse(readFileSync(legacy.path, 'utf8')) as VaultJson).kdf).toMatchObject(TEST_KDF);
  });
});
