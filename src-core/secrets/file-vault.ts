/**
 * The explicit encrypted file vault (backend `file`) for machines without an OS
 * keychain, in the spirit of aws-vault's file backend: `<dataDir>/vault.json`.
 *
 * Format (version 1): a plaintext header with the KDF parameters, and one AES-256-GCM
 * ciphertext of the whole `{account: secret}` map, so neither secrets nor account
 * names are readable. scrypt derives 64 bytes from the passphrase: the first half is
 * the encryption key, the second half keys an HMAC "check" value stored in the header,
 * which tells a wrong passphrase (VAULT_BAD_PASSPHRASE) from a damaged file
 * (VAULT_CORRUPT). The header is the GCM additional data, so it is authenticated with
 * the key, and `headerSha256` (a plain checksum of the header) sits beside it.
 *
 * What can be told apart, and when:
 * - A header whose checksum does not match (a changed salt, cost, check value or
 *   format) is damaged: VAULT_CORRUPT, found before any passphrase is asked for.
 * - scrypt parameters other than those Tessera writes (DEFAULT_KDF, the older
 *   LEGACY_KDF, or a store's configured cost) are refused the same way, before scrypt
 *   runs: an edited header cannot make Tessera spend minutes and gigabytes.
 * - A damaged ciphertext, IV or tag is VAULT_CORRUPT once the key is derived (GCM).
 * - The checksum is not secret: someone who edits the salt or check value on purpose
 *   and recomputes it gets VAULT_BAD_PASSPHRASE, the same as a wrong passphrase. Only
 *   the passphrase is secret, so nothing else could tell the two apart; either way the
 *   vault stays closed. Vaults written before the checksum existed have none until
 *   their next write, and header damage reads as a wrong passphrase until then.
 *
 * Vaults made with the old cost (N=2^15) are rewritten with the current one on their
 * next write: whenever the passphrase is at hand for an old-cost vault, a new salt and
 * key with the current cost are derived and kept in memory for that write.
 *
 * scrypt is slow on purpose, so the key is derived once per store (one per process)
 * and kept in memory until `lock()`. The passphrase is asked for only when no key is
 * cached, and never while holding the cross-process lock (a prompt could take minutes).
 * A face with its own passphrase screen (the desktop app) gives no provider: the
 * store stays locked (VAULT_LOCKED) until `unlockWith()` gets the typed passphrase.
 * Writes are serialised in the process and across processes (lock file), then
 * written atomically with mode 0600.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import * as z from '../../src-shared/zod.js';
import { formatIssue } from '../../src-shared/issues.js';
import { newVaultPassphraseProblem, VAULT_PASSPHRASE_UNRECOVERABLE } from '../../src-shared/rules.js';
import { atomicWriteFile } from '../config/atomic.js';
import { withFileLock } from '../config/lock.js';
import { TesseraError } from '../errors.js';
import type { PassphraseVault, SecretStore } from '../ports.js';
import { registerSecret } from '../redact.js';

const VAULT_FILE = 'vault.json';
const FORMAT = 'tessera-vault';
const VERSION = 1;
const CHECK_LABEL = 'tessera-vault-check-v1';

/** Cost of new vaults (the commonly recommended scrypt cost): about 0.4 s and 128 MiB per derivation on a laptop. */
export const DEFAULT_KDF = { N: 2 ** 17, r: 8, p: 1 } as const;
/** What earlier Tessera versions wrote; still opened, and rewritten with DEFAULT_KDF on the next write. */
export const LEGACY_KDF = { N: 2 ** 15, r: 8, p: 1 } as const;
/** Node refuses scrypt above its maxmem (32 MiB by default); 128 * N * r is 128 MiB at DEFAULT_KDF. */
const SCRYPT_MAXMEM = 256 * 1024 * 1024;

type Cost = { N: number; r: number; p: number };
const sameCost = (a: Cost, b: Cost): boolean => a.N === b.N && a.r === b.r && a.p === b.p;

/** `create`: the passphrase will create a new vault (a prompt asks twice; the length rule applies). */
export type PassphraseProvider = (purpose?: { create: boolean }) => Promise<string>;

export interface FileVaultOptions {
  dataDir: string;
  /**
   * Asked only when the key is not in memory yet: env TESSERA_VAULT_PASSPHRASE or a TTY
   * prompt. Absent: only `unlockWith()` opens the vault; until then reads and writes fail
   * with VAULT_LOCKED.
   */
  passphrase?: PassphraseProvider;
  /**
   * scrypt cost for new vaults and for rewriting old-cost ones (tests pass a cheap one).
   * Existing vaults open only with this cost, DEFAULT_KDF or LEGACY_KDF.
   */
  kdf?: { N?: number; r?: number; p?: number };
}

export interface FileVaultStore extends SecretStore, PassphraseVault {
  readonly backend: 'file';
  readonly path: string;
  /** Whether vault.json exists. */
  exists(): Promise<boolean>;
  /** Derives and checks the key now (asking for the passphrase if needed); no-op when the vault does not exist yet. */
  unlock(): Promise<void>;
  /** Forgets the derived key; the next access asks for the passphrase again. */
  lock(): void;
  /** Every account name in the vault (never the values); needs the key like a read. */
  list(): Promise<string[]>;
}

const b64 = (bytes: number, label: string) =>
  z.string().check(z.refine((s) => /^[A-Za-z0-9+/]+={0,2}$/.test(s) && Buffer.from(s, 'base64').length === bytes, `${label} is malformed`));

// Bounds keep a tampered header from making us allocate gigabytes or spin for minutes.
const KdfSchema = z.object({
  name: z.literal('scrypt'),
  salt: b64(16, 'salt'),
  N: z.number().check(z.int(), z.gte(2 ** 10), z.lte(2 ** 20), z.refine((n) => (n & (n - 1)) === 0, 'N must be a power of two')),
  r: z.number().check(z.int(), z.gte(1), z.lte(32)),
  p: z.number().check(z.int(), z.gte(1), z.lte(16)),
});

const VaultFileSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(VERSION),
  kdf: KdfSchema,
  check: b64(32, 'check'),
  /** sha256 (hex) of the header, as `aad()` spells it; absent in vaults written before it existed. */
  headerSha256: z.optional(z.string().check(z.regex(/^[0-9a-f]{64}$/))),
  cipher: z.object({ name: z.literal('aes-256-gcm'), iv: b64(12, 'iv'), tag: b64(16, 'tag'), data: z.string().check(z.regex(/^[A-Za-z0-9+/]*={0,2}$/)) }),
});
type VaultFile = z.infer<typeof VaultFileSchema>;
type Header = Pick<VaultFile, 'format' | 'version' | 'kdf' | 'check'>;

const EntriesSchema = z.record(z.string(), z.string());

function corrupt(path: string, why: string, cause?: unknown): TesseraError {
  return new TesseraError('VAULT_CORRUPT', `The file vault ${path} cannot be read: ${why}.`, cause === undefined ? undefined : { cause });
}

/** The rule for a new vault's passphrase (src-shared/rules.ts), for every face and TESSERA_VAULT_PASSPHRASE alike. */
function assertNewPassphrase(passphrase: string): void {
  const problem = newVaultPassphraseProblem(passphrase);
  if (problem) throw new TesseraError('INVALID_INPUT', `${problem} ${VAULT_PASSPHRASE_UNRECOVERABLE}`);
}

function deriveKey(passphrase: string, kdf: Header['kdf']): Promise<Buffer> {
  const options: ScryptOptions = { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: SCRYPT_MAXMEM };
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), Buffer.from(kdf.salt, 'base64'), 64, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function checkValue(key: Buffer): Buffer {
  return createHmac('sha256', key.subarray(32)).update(CHECK_LABEL).digest();
}

function noPassphrase(): TesseraError {
  return new TesseraError('VAULT_PASSPHRASE_REQUIRED', 'The file vault needs its passphrase, and none was given.');
}

/** The header as GCM additional data: any edit to it fails authentication. */
function aad(header: Header): Buffer {
  const { format, version, kdf, check } = header;
  return Buffer.from(JSON.stringify({ format, version, kdf: { name: kdf.name, salt: kdf.salt, N: kdf.N, r: kdf.r, p: kdf.p }, check }));
}

function headerSum(header: Header): string {
  return createHash('sha256').update(aad(header)).digest('hex');
}

function encrypt(header: Header, key: Buffer, entries: Record<string, string>): VaultFile {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.subarray(0, 32), iv);
  cipher.setAAD(aad(header));
  const data = Buffer.concat([cipher.update(JSON.stringify(entries), 'utf8'), cipher.final()]);
  const { format, version, kdf, check } = header;
  return {
    format,
    version,
    kdf,
    check,
    headerSha256: headerSum(header),
    cipher: { name: 'aes-256-gcm', iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') },
  };
}

export function createFileVault(options: FileVaultOptions): FileVaultStore {
  const path = join(options.dataDir, VAULT_FILE);
  const lockPath = `${path}.lock`;
  const newKdf = { ...DEFAULT_KDF, ...options.kdf };
  /** The only costs an existing vault may ask for: what Tessera writes, now and before. */
  const acceptedCosts: Cost[] = [DEFAULT_KDF, LEGACY_KDF, newKdf];
  /** The one derived key, tied to the salt and parameters it was derived for. */
  let cached: { id: string; key: Buffer } | null = null;
  /** For an old-cost vault: the header and key (current cost) its next write uses. */
  let upgrade: { fromId: string; header: Header; key: Buffer } | null = null;

  const kdfId = (kdf: Header['kdf']) => `${kdf.salt}:${kdf.N}:${kdf.r}:${kdf.p}`;

  /** Calls the provider at most once per operation, and never keeps the passphrase beyond it. */
  function passphraseOnce(): (purpose?: { create: boolean }) => Promise<string> {
    let pending: Promise<string> | null = null;
    return (purpose) => {
      pending ??= (async () => {
        const provider = options.passphrase;
        if (!provider) throw new TesseraError('VAULT_LOCKED', `The file vault ${path} is locked: enter its passphrase in Tessera to unlock it.`);
        let value: string;
        try {
          value = await provider(purpose);
        } catch (error) {
          if (error instanceof TesseraError) throw error;
          throw new TesseraError('VAULT_PASSPHRASE_REQUIRED', 'The file vault needs its passphrase, and none was given.', { cause: error });
        }
        if (typeof value !== 'string' || value.length === 0) throw noPassphrase();
        registerSecret(value);
        if (purpose?.create) assertNewPassphrase(value);
        return value;
      })();
      return pending;
    };
  }

  async function readVault(): Promise<VaultFile | null> {
    let text: string;
    try {
      text = await fs.readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw corrupt(path, (error as NodeJS.ErrnoException).code ?? 'I/O error', error);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw corrupt(path, 'it is not valid JSON', error);
    }
    const parsed = VaultFileSchema.safeParse(raw);
    if (!parsed.success) {
      throw corrupt(path, formatIssue(parsed.error.issues[0], { location: true }));
    }
    // Both checks come before any passphrase or scrypt: see the file comment.
    const file = parsed.data;
    if (file.headerSha256 !== undefined && file.headerSha256 !== headerSum(file)) {
      throw corrupt(path, 'its header is damaged (it does not match its checksum)');
    }
    if (!acceptedCosts.some((cost) => sameCost(cost, file.kdf))) {
      throw corrupt(path, `its scrypt parameters (N=${file.kdf.N}, r=${file.kdf.r}, p=${file.kdf.p}) are not ones Tessera writes`);
    }
    return file;
  }

  /** With the passphrase at hand for an old-cost vault: derives the header and key its next write uses. */
  async function prepareUpgrade(header: Header, passphrase: string): Promise<void> {
    if (sameCost(header.kdf, newKdf)) return;
    const fromId = kdfId(header.kdf);
    if (upgrade?.fromId === fromId) return;
    const kdf = { name: 'scrypt' as const, salt: randomBytes(16).toString('base64'), ...newKdf };
    const key = await deriveKey(passphrase, kdf);
    upgrade = { fromId, header: { format: FORMAT, version: VERSION, kdf, check: checkValue(key).toString('base64') }, key };
  }

  /** A derivation in flight, so concurrent first reads ask and derive once. */
  let unlocking: { id: string; key: Promise<Buffer> } | null = null;

  /** The key for this vault from this passphrase; VAULT_BAD_PASSPHRASE when the header's check value disagrees. */
  async function keyFromPassphrase(header: Header, passphrase: string): Promise<Buffer> {
    const key = await deriveKey(passphrase, header.kdf);
    if (!timingSafeEqual(checkValue(key), Buffer.from(header.check, 'base64'))) {
      key.fill(0);
      throw new TesseraError('VAULT_BAD_PASSPHRASE', `The passphrase does not open the file vault ${path}.`);
    }
    return key;
  }

  async function keyFor(header: Header, ask: () => Promise<string>): Promise<Buffer> {
    const id = kdfId(header.kdf);
    if (cached?.id === id) return cached.key;
    if (unlocking?.id !== id) {
      const attempt = {
        id,
        key: (async () => {
          const passphrase = await ask();
          const key = await keyFromPassphrase(header, passphrase);
          cached = { id, key };
          await prepareUpgrade(header, passphrase);
          return key;
        })(),
      };
      unlocking = attempt;
      // A failed attempt (wrong passphrase) must not stick: the next call asks again.
      void attempt.key.then(
        () => undefined,
        () => undefined,
      ).finally(() => {
        if (unlocking === attempt) unlocking = null;
      });
    }
    return unlocking.key;
  }

  /** The header for a vault this store is about to create; shared so concurrent first writes derive once. */
  let fresh: Promise<Header> | null = null;

  function newHeader(ask: (purpose?: { create: boolean }) => Promise<string>): Promise<Header> {
    const pending: Promise<Header> = fresh ?? (async (): Promise<Header> => {
      const kdf = { name: 'scrypt' as const, salt: randomBytes(16).toString('base64'), ...newKdf };
      const key = await deriveKey(await ask({ create: true }), kdf);
      cached = { id: kdfId(kdf), key };
      return { format: FORMAT, version: VERSION, kdf, check: checkValue(key).toString('base64') };
    })().catch((error: unknown) => {
      fresh = null;
      throw error;
    });
    fresh = pending;
    return pending;
  }

  function decrypt(file: VaultFile, key: Buffer): Record<string, string> {
    let plain: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.subarray(0, 32), Buffer.from(file.cipher.iv, 'base64'));
      decipher.setAAD(aad(file));
      decipher.setAuthTag(Buffer.from(file.cipher.tag, 'base64'));
      plain = Buffer.concat([decipher.update(Buffer.from(file.cipher.data, 'base64')), decipher.final()]).toString('utf8');
    } catch (error) {
      throw corrupt(path, 'its contents fail authentication (the file was modified or damaged)', error);
    }
    let entries: unknown;
    try {
      entries = JSON.parse(plain);
    } catch (error) {
      throw corrupt(path, 'its decrypted contents are not valid', error);
    }
    const parsed = EntriesSchema.safeParse(entries);
    if (!parsed.success) throw corrupt(path, 'its decrypted contents are not valid');
    return parsed.data;
  }

  /** Opens the vault with a typed passphrase, or creates an empty one with it (only when `create`). */
  async function openWith(passphrase: string, create: boolean): Promise<void> {
    if (typeof passphrase !== 'string' || passphrase.length === 0) throw noPassphrase();
    // Even a wrong passphrase is masked: it is likely a near miss of the right one.
    registerSecret(passphrase);
    const file = await readVault();
    if (file) {
      // Always checked, even with a key in memory: a typed passphrase is never taken on trust.
      const key = await keyFromPassphrase(file, passphrase);
      decrypt(file, key); // a damaged vault says so now, not on the first read
      cached = { id: kdfId(file.kdf), key };
      await prepareUpgrade(file, passphrase);
      return;
    }
    if (!create) {
      throw new TesseraError('VAULT_LOCKED', `There is no file vault at ${path} yet: choose a passphrase and confirm it to create one.`);
    }
    assertNewPassphrase(passphrase);
    const kdf = { name: 'scrypt' as const, salt: randomBytes(16).toString('base64'), ...newKdf };
    const key = await deriveKey(passphrase, kdf);
    const header: Header = { format: FORMAT, version: VERSION, kdf, check: checkValue(key).toString('base64') };
    await withFileLock(
      lockPath,
      async () => {
        const current = await readVault();
        if (current) {
          // Another Tessera process created it meanwhile: this passphrase must open that one.
          key.fill(0);
          const theirs = await keyFromPassphrase(current, passphrase);
          decrypt(current, theirs);
          cached = { id: kdfId(current.kdf), key: theirs };
          await prepareUpgrade(current, passphrase);
          return;
        }
        await fs.mkdir(options.dataDir, { recursive: true, mode: 0o700 });
        await atomicWriteFile(path, `${JSON.stringify(encrypt(header, key, {}), null, 2)}\n`, 0o600);
        cached = { id: kdfId(kdf), key };
      },
      { onTimeout: () => new TesseraError('INTERNAL', `Another Tessera process holds the file vault lock for too long; try again.`) },
    );
  }

  /** Typed passphrases are tried one at a time, so two can never race to create or open the vault. */
  let opening: Promise<unknown> = Promise.resolve();

  /** Read-modify-write under the lock, with the key obtained before the lock is taken. */
  async function modify(change: (entries: Record<string, string>) => boolean, createIfMissing: boolean): Promise<boolean> {
    const ask = passphraseOnce();
    const before = await readVault();
    if (!before && !createIfMissing) return false;
    let prepared: Header | null = null;
    if (before) await keyFor(before, ask);
    else prepared = await newHeader(ask);

    return withFileLock(
      lockPath,
      async () => {
        const current = await readVault();
        let header: Header;
        let entries: Record<string, string>;
        if (current) {
          // Usually the cached key; a vault re-created meanwhile needs its own key.
          const key = await keyFor(current, ask);
          entries = decrypt(current, key);
          header = current;
        } else {
          if (!createIfMissing) return false;
          header = prepared ?? (await newHeader(ask));
          entries = {};
        }
        if (!change(entries)) return false;
        // An old-cost vault is written with the current cost (new salt and key) when one was prepared.
        const migration = current && upgrade?.fromId === kdfId(current.kdf) ? upgrade : null;
        if (migration) header = migration.header;
        const key = migration ? migration.key : await keyFor(header, ask);
        const file = encrypt(header, key, entries);
        await fs.mkdir(options.dataDir, { recursive: true, mode: 0o700 });
        await atomicWriteFile(path, `${JSON.stringify(file, null, 2)}\n`, 0o600);
        if (migration) {
          cached = { id: kdfId(migration.header.kdf), key: migration.key };
          upgrade = null;
        }
        return true;
      },
      { onTimeout: () => new TesseraError('INTERNAL', `Another Tessera process holds the file vault lock for too long; try again.`) },
    );
  }

  return {
    backend: 'file',
    path,
    async get(account) {
      const file = await readVault();
      if (!file) return null;
      const entries = decrypt(file, await keyFor(file, passphraseOnce()));
      return Object.hasOwn(entries, account) ? (entries[account] ?? null) : null;
    },
    async set(account, value) {
      await modify((entries) => {
        entries[account] = value;
        return true;
      }, true);
    },
    async delete(account) {
      let removed = false;
      await modify((entries) => {
        if (!Object.hasOwn(entries, account)) return false;
        delete entries[account];
        removed = true;
        return true;
      }, false);
      return removed;
    },
    async list() {
      const file = await readVault();
      if (!file) return [];
      return Object.keys(decrypt(file, await keyFor(file, passphraseOnce())));
    },
    async exists() {
      try {
        await fs.access(path);
        return true;
      } catch {
        return false;
      }
    },
    async unlock() {
      const file = await readVault();
      if (file) decrypt(file, await keyFor(file, passphraseOnce()));
    },
    needsPassphrase() {
      return !options.passphrase && cached === null;
    },
    unlockWith(passphrase, unlockOptions = {}) {
      const attempt = opening.then(() => openWith(passphrase, unlockOptions.create === true));
      opening = attempt.catch(() => undefined);
      return attempt;
    },
    lock() {
      cached?.key.fill(0);
      cached = null;
      upgrade?.key.fill(0);
      upgrade = null;
      fresh = null;
      unlocking = null;
    },
  };
}
