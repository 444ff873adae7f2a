/**
 * Profile service over the real config store (a temp data dir) and an in-memory
 * SecretStore: validation, derived URLs, uniqueness, the secret-free view, update,
 * removal (secrets and cache files) and rotation.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openConfigStore } from '../../src-core/config/store.js';
import type { StoredProfile } from '../../src-core/config/types.js';
import { TesseraError } from '../../src-core/errors.js';
import { createEventBus } from '../../src-core/events.js';
import { createProfileRepository } from '../../src-core/profiles/repository.js';
import { createProfileService } from '../../src-core/profiles/service.js';
import { toProfileView } from '../../src-core/profiles/view.js';
import { deleteCacheFiles } from '../../src-core/cache/paths.js';
import { SECRET_KINDS, accountName, accounts, legacyAccountName } from '../../src-core/secrets/accounts.js';
import { createMemoryStore } from '../helpers/memory-store.js';
import { DEFAULT_ICA_BASE_URL } from '../../src-shared/regions.js';
import type { TesseraEvent } from '../../src-shared/contract.js';
import { newDataDir } from '../helpers/env.js';

const KEY = 'unit-profile-api-key-ABCD';
const PASSWORD = 'unit-profile-password-5678';

interface Hooks {
  verify?(profile: StoredProfile, credential: unknown): Promise<unknown>;
  verified?(profile: StoredProfile, result: unknown): Promise<void>;
}

function setup(hooks: Hooks = {}) {
  const dataDir = newDataDir('profiles');
  const config = openConfigStore(dataDir);
  const secrets = createMemoryStore();
  const bus = createEventBus();
  const events: TesseraEvent[] = [];
  bus.on((e) => events.push(e));
  const invalidated: string[] = [];
  const repo = createProfileRepository({ config, secrets, events: bus });
  const admin = createProfileService({
    repo,
    clock: { now: () => Date.parse('2025-03-01T10:00:00Z') },
    tokens: {
      verify: async (p, c) => (await hooks.verify?.(p, c)) as never,
      adopt: async (p, r) => hooks.verified?.(p, r),
      forget: async (p) => {
        invalidated.push(p.name);
      },
    },
    cache: { beforeRemove: async (p) => void (await deleteCacheFiles(dataDir, p.id)) },
  });
  // The lookups and the credential read are the repository's; the rejection mark is written through it.
  const service = {
    ...admin,
    get: (name: string) => repo.find(name),
    view: async (name: string) => toProfileView(await repo.find(name)),
    readCredential: (p: StoredProfile) => repo.readCredential(p),
    setRejected: (id: string, at: string) => repo.update(id, (p) => ({ ...p, key: { ...p.key, rejectedAt: at } })),
  };
  const stored = async (name: string): Promise<StoredProfile> => (await config.read()).profiles.find((p) => p.name === name)!;
  return { dataDir, config, secrets, repo, service, events, invalidated, stored };
}

const keyInput = (over: Record<string, unknown> = {}) => ({
  name: 'core-lab',
  domain: 'Demo-Lab',
  region: 'london',
  credential: { kind: 'api-key', apiKey: KEY },
  ...over,
});

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as TesseraError;
  }
  throw new Error('expected a rejection');
}

describe('add', () => {
  it('derives URLs from the region, stores the key in the SecretStore and only a fingerprint in the config', async () => {
    const s = setup();
    const view = await s.service.add(keyInput());
    expect(view).toMatchObject({
      name: 'core-lab',
      domain: 'demo-lab',
      region: 'euw2',
      credentialKind: 'api-key',
      icaUrl: DEFAULT_ICA_BASE_URL,
      tssUrl: 'https://demo-lab.euw2.trusight.illumina.com',
      customUrls: false,
      includeIdentifiers: false,
      key: { fingerprint: 'ABCD', storedAt: '2025-03-01T10:00:00.000Z' },
      createdAt: '2025-03-01T10:00:00.000Z',
    });
    const p = await s.stored('core-lab');
    expect(await s.secrets.get(accounts.credential(p))).toBe(KEY);
    expect(readFileSync(s.config.path, 'utf8')).not.toContain(KEY);
    expect(JSON.stringify(await s.service.list())).not.toContain(KEY);
    expect(s.events).toEqual([{ type: 'profiles-changed' }]);
  });

  it('keeps URL overrides (customUrls) unless they equal the derived ones', async () => {
    const s = setup();
    const a = await s.service.add(keyInput({ name: 'a', icaUrl: 'https://ica.staging.example/ica/rest/', tssUrl: 'https://demo-lab.euw2.trusight.illumina.com' }));
    expect(a.icaUrl).toBe('https://ica.staging.example/ica/rest');
    expect(a.customUrls).toBe(true);
    expect((await s.stored('a')).tssUrl).toBeUndefined();
    const b = await s.service.add(keyInput({ name: 'b', icaUrl: DEFAULT_ICA_BASE_URL }));
    expect(b.customUrls).toBe(false);
  });

  it('Basic profiles store the password as the secret, the username in the view, and fingerprint the username', async () => {
    const s = setup();
    const view = await s.service.add(keyInput({ credential: { kind: 'basic', username: 'ada@demo-lab.example.org', password: PASSWORD } }));
    expect(view.credentialKind).toBe('basic');
    expect(view.username).toBe('ada@demo-lab.example.org');
    expect(view.key.fingerprint).toBe('.org');
    const p = await s.stored('core-lab');
    expect(await s.secrets.get(accounts.credential(p))).toBe(PASSWORD);
    expect(readFileSync(s.config.path, 'utf8')).not.toContain(PASSWORD);
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ name: 'has space' }, 'name'],
    [{ domain: 'no_underscores' }, 'domain'],
    [{ region: 'mars' }, 'region'],
    [{ credential: { kind: 'api-key', apiKey: 'short' } }, 'API key'],
    [{ credential: { kind: 'api-key', apiKey: 'has a space in the key' } }, 'API key'],
    [{ credential: { kind: 'basic', username: 'not-an-email', password: PASSWORD } }, 'e-mail'],
    [{ icaUrl: 'not a url' }, 'ICA base URL'],
    [{ workgroup: 'wg-1' }, 'workgroup'],
  ])('rejects %o as INVALID_INPUT naming the field, not the value', async (over, field) => {
    const s = setup();
    const error = await rejection(s.service.add(keyInput(over)));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain(field);
    // Fields are named as people know them, never by the schema's internal path.
    expect(error.message).not.toMatch(/credential\.|icaUrl|\(\w+\)/);
    expect(error.message).not.toContain('has a space in the key');
    expect(error.message).not.toContain(PASSWORD);
    expect(s.secrets.entries().size).toBe(0);
  });

  it('refuses http:// ICA/TSS URLs to non-loopback hosts, allows loopback', async () => {
    const s = setup();
    expect((await rejection(s.service.add(keyInput({ icaUrl: 'http://example.com/ica/rest' })))).code).toBe('INSECURE_URL');
    expect((await rejection(s.service.add(keyInput({ tssUrl: 'http://tss.example.com' })))).code).toBe('INSECURE_URL');
    await s.service.add(keyInput({ icaUrl: 'http://127.0.0.1:8790/ica/rest' }));
  });

  it('names are unique regardless of case, and a refused add leaves no secret behind', async () => {
    const s = setup();
    await s.service.add(keyInput());
    const error = await rejection(s.service.add(keyInput({ name: 'CORE-LAB', credential: { kind: 'api-key', apiKey: 'another-key-0000' } })));
    expect(error.code).toBe('PROFILE_EXISTS');
    expect(s.secrets.entries().size).toBe(1);
  });

  it('verify: true mints first and refuses to save a rejected credential with the exact reason', async () => {
    const reason = 'ICA rejected the API key ending in ABCD (POST … returned 401 Unauthorized)';
    const s = setup({
      verify: async () => {
        throw new TesseraError('CREDENTIALS_REJECTED', reason, { status: 401 });
      },
    });
    const error = await rejection(s.service.add(keyInput({ verify: true })));
    expect(error.code).toBe('CREDENTIALS_REJECTED');
    expect(error.message).toBe(reason);
    expect(await s.service.list()).toEqual([]);
    expect(s.secrets.entries().size).toBe(0);
  });

  it('verify: true hands the verified token over once the profile is saved', async () => {
    const adopted: string[] = [];
    const s = setup({ verify: async () => 'token-record', verified: async (p, r) => void adopted.push(`${p.name}:${String(r)}`) });
    await s.service.add(keyInput({ verify: true }));
    expect(adopted).toEqual(['core-lab:token-record']);
  });
});

describe('lookup, update', () => {
  it('finds a profile by exact name, else case-insensitively; unknown is PROFILE_NOT_FOUND', async () => {
    const s = setup();
    await s.service.add(keyInput());
    expect((await s.service.get('CORE-LAB')).name).toBe('core-lab');
    expect((await rejection(s.service.get('nope'))).code).toBe('PROFILE_NOT_FOUND');
  });

  it('updates workgroup, identifiers, region and URLs; null reverts to derived', async () => {
    const s = setup();
    await s.service.add(keyInput({ icaUrl: 'https://ica.staging.example/ica/rest' }));
    let view = await s.service.update('core-lab', { workgroup: '0f8e6d4c-2b1a-4c3d-9e8f-7a6b5c4d3e2f', includeIdentifiers: true, region: 'eu' });
    expect(view).toMatchObject({ workgroup: '0f8e6d4c-2b1a-4c3d-9e8f-7a6b5c4d3e2f', includeIdentifiers: true, region: 'euc1', tssUrl: 'https://demo-lab.euc1.trusight.illumina.com' });
    expect(s.invalidated).toEqual([]);
    view = await s.service.update('core-lab', { workgroup: null, icaUrl: null });
    expect(view.workgroup).toBeUndefined();
    expect(view.icaUrl).toBe(DEFAULT_ICA_BASE_URL);
    expect(view.customUrls).toBe(false);
    // A token belongs to the host that minted it.
    expect(s.invalidated).toEqual(['core-lab']);
  });

  it('rejects unknown fields and insecure URLs', async () => {
    const s = setup();
    await s.service.add(keyInput());
    expect((await rejection(s.service.update('core-lab', { apiKey: 'x' }))).code).toBe('INVALID_INPUT');
    expect((await rejection(s.service.update('core-lab', { tssUrl: 'http://example.com' }))).code).toBe('INSECURE_URL');
    expect((await rejection(s.service.update('ghost', { workgroup: '0f8e6d4c-2b1a-4c3d-9e8f-7a6b5c4d3e2f' }))).code).toBe('PROFILE_NOT_FOUND');
  });
});

describe('remove, rotate', () => {
  it('remove deletes every secret of the profile and its cache files, and nothing of others', async () => {
    const s = setup();
    await s.service.add(keyInput());
    await s.service.add(keyInput({ name: 'other', credential: { kind: 'api-key', apiKey: 'other-profile-key-9999' } }));
    const p = await s.stored('core-lab');
    const other = await s.stored('other');
    await s.secrets.set(accounts.token(p), '{"token":"x"}');
    await s.secrets.set(accounts.cacheKey(p), 'cache-key');
    const cacheDir = join(s.dataDir, 'cache');
    mkdirSync(cacheDir, { recursive: true });
    for (const f of [`${p.id}.db`, `${p.id}.db-wal`, `${p.id}.db-shm`, `${other.id}.db`]) writeFileSync(join(cacheDir, f), 'x');

    await s.service.remove('core-lab');
    for (const account of accounts.all(p)) expect(await s.secrets.get(account)).toBeNull();
    expect(existsSync(join(cacheDir, `${p.id}.db`))).toBe(false);
    expect(existsSync(join(cacheDir, `${p.id}.db-wal`))).toBe(false);
    expect(existsSync(join(cacheDir, `${other.id}.db`))).toBe(true);
    expect(await s.secrets.get(accounts.credential(other))).toBe('other-profile-key-9999');
    expect((await s.service.list()).map((v) => v.name)).toEqual(['other']);
    expect(s.invalidated).toContain('core-lab');
  });

  it('if the keychain fails, the profile stays so the user can retry', async () => {
    const s = setup();
    await s.service.add(keyInput());
    s.secrets.failWith(new TesseraError('KEYCHAIN_LOCKED', 'locked'));
    expect((await rejection(s.service.remove('core-lab'))).code).toBe('KEYCHAIN_LOCKED');
    s.secrets.failWith(null);
    expect(await s.service.list()).toHaveLength(1);
  });

  it('replaceCredential stores the new key, fingerprint and storedAt, clears rejectedAt and voids the token', async () => {
    const s = setup();
    await s.service.add(keyInput());
    const p = await s.stored('core-lab');
    await s.service.setRejected(p.id, '2025-03-01T09:00:00.000Z');
    expect((await s.service.view('core-lab')).key.rejectedAt).toBe('2025-03-01T09:00:00.000Z');
    const view = await s.service.replaceCredential('core-lab', { kind: 'api-key', apiKey: 'rotated-key-value-WXYZ' });
    expect(view.key).toEqual({ fingerprint: 'WXYZ', storedAt: '2025-03-01T10:00:00.000Z' });
    expect(await s.secrets.get(accounts.credential(p))).toBe('rotated-key-value-WXYZ');
    expect(s.invalidated).toEqual(['core-lab']);
    expect((await rejection(s.service.replaceCredential('core-lab', { kind: 'basic', username: 'a@b.org', password: 'pw' }))).code).toBe('INVALID_INPUT');
  });

  it('readCredential of a profile whose secret is gone is SECRET_MISSING', async () => {
    const s = setup();
    await s.service.add(keyInput());
    const p = await s.stored('core-lab');
    await s.secrets.delete(accounts.credential(p));
    const error = await rejection(s.service.readCredential(p));
    expect(error.code).toBe('SECRET_MISSING');
    expect(error.message).toContain('core-lab');
  });
});

describe('demo profile', () => {
  it('creates the demo profile flagged isDemo, then re-points it at a new simulator port', async () => {
    const s = setup();
    const demo = { icaUrl: 'http://127.0.0.1:4000/ica/rest', tssUrl: 'http://127.0.0.1:4000', domain: 'demo-lab', apiKey: 'demo-key-value-0001' };
    const a = await s.service.upsertDemo(demo);
    expect(a).toMatchObject({ name: 'demo', isDemo: true, icaUrl: demo.icaUrl });
    expect((await s.service.list())[0]?.isDemo).toBe(true);
    const b = await s.service.upsertDemo({ ...demo, icaUrl: 'http://127.0.0.1:5000/ica/rest', tssUrl: 'http://127.0.0.1:5000' });
    expect(b).toMatchObject({ name: 'demo', isDemo: true, icaUrl: 'http://127.0.0.1:5000/ica/rest' });
    expect(await s.service.list()).toHaveLength(1);
  });

  it('refuses to take over a user profile named demo', async () => {
    const s = setup();
    await s.service.add(keyInput({ name: 'demo' }));
    const error = await rejection(s.service.upsertDemo({ icaUrl: 'http://127.0.0.1:1/ica/rest', tssUrl: 'http://127.0.0.1:1', domain: 'demo-lab', apiKey: 'demo-key-value-0001' }));
    expect(error.code).toBe('PROFILE_EXISTS');
  });
});

describe('secret entries named after the profile', () => {
  const OLD_KEY = 'unit-profile-old-key-0000';

  it('names every entry after the profile and its id', async () => {
    const s = setup();
    await s.service.add(keyInput());
    const p = await s.stored('core-lab');
    await s.repo.tokenSlot(p).set('{"token":"x"}');
    expect([...s.secrets.entries().keys()].sort()).toEqual([`profile core-lab: credential (${p.id})`, `profile core-lab: token (${p.id})`]);
  });

  it('reads entries an earlier version stored under the id alone and moves them to the named account', async () => {
    const s = setup();
    await s.service.add(keyInput());
    const p = await s.stored('core-lab');
    // As an earlier version left them.
    await s.secrets.delete(accounts.credential(p));
    await s.secrets.set(legacyAccountName(p.id, 'credential'), KEY);
    await s.secrets.set(legacyAccountName(p.id, 'cache-key'), 'cache-key-value');

    expect(await s.service.readCredential(p)).toEqual({ kind: 'api-key', apiKey: KEY });
    expect(await s.repo.cacheKeySlot(p).get()).toBe('cache-key-value');
    expect(Object.fromEntries(s.secrets.entries())).toEqual({ [accounts.credential(p)]: KEY, [accounts.cacheKey(p)]: 'cache-key-value' });
  });

  it('keeps a legacy entry that could not be moved, and still reads it', async () => {
    const s = setup();
    await s.service.add(keyInput());
    const p = await s.stored('core-lab');
    await s.secrets.delete(accounts.credential(p));
    await s.secrets.set(legacyAccountName(p.id, 'credential'), KEY);
    const set = s.secrets.set;
    s.secrets.set = async () => {
      throw new TesseraError('KEYCHAIN_UNAVAILABLE', 'no writes');
    };
    expect(await s.service.readCredential(p)).toEqual({ kind: 'api-key', apiKey: KEY });
    s.secrets.set = set;
    expect([...s.secrets.entries().keys()]).toEqual([legacyAccountName(p.id, 'credential')]);
  });

  it('a rename moves every entry to the new name', async () => {
    const s = setup();
    await s.service.add(keyInput());
    const p = await s.stored('core-lab');
    await s.repo.tokenSlot(p).set('{"token":"x"}');
    await s.secrets.set(legacyAccountName(p.id, 'cache-key'), 'cache-key-value');
    const renamed = await s.repo.update(p.id, (q) => ({ ...q, name: 'bench' }));
    expect(Object.fromEntries(s.secrets.entries())).toEqual({
      [accounts.credential(renamed)]: KEY,
      [accounts.token(renamed)]: '{"token":"x"}',
      [accounts.cacheKey(renamed)]: 'cache-key-value',
    });
    expect(accounts.credential(renamed)).toBe(`profile bench: credential (${p.id})`);
  });

  it('a profile renamed in config.json (by hand) finds its entries under the former name and relabels them', async () => {
    const s = setup();
    await s.service.add(keyInput());
    const p = await s.stored('core-lab');
    await s.repo.tokenSlot(p).set('{"token":"x"}');
    await s.config.update((cfg) => {
      cfg.profiles[0]!.name = 'bench';
      return cfg;
    });
    const renamed = await s.stored('bench');
    expect(await s.repo.tokenSlot(renamed).get()).toBe('{"token":"x"}');
    expect(await s.service.readCredential(renamed)).toEqual({ kind: 'api-key', apiKey: KEY });
    expect([...s.secrets.entries().keys()].sort()).toEqual([accounts.credential(renamed), accounts.token(renamed)]);
  });

  it('a new key leaves no older copy under another name', async () => {
    const s = setup();
    await s.service.add(keyInput());
    const p = await s.stored('core-lab');
    await s.secrets.set(legacyAccountName(p.id, 'credential'), OLD_KEY);
    await s.secrets.set(accountName({ id: p.id, name: 'former' }, 'credential'), OLD_KEY);
    await s.service.replaceCredential('core-lab', { kind: 'api-key', apiKey: 'rotated-key-value-WXYZ' });
    expect(Object.fromEntries(s.secrets.entries())).toEqual({ [accounts.credential(p)]: 'rotated-key-value-WXYZ' });
  });

  it('a token written at a mint costs one keychain write, without listing every entry', async () => {
    const s = setup();
    await s.service.add(keyInput());
    const p = await s.stored('core-lab');
    let listed = 0;
    const list = s.secrets.list.bind(s.secrets);
    s.secrets.list = async () => {
      listed++;
      return list();
    };
    await s.repo.tokenSlot(p).set('{"token":"x"}');
    await s.repo.awsCredentialsSlot(p).set('{"aws":"x"}');
    expect(listed).toBe(0);
    expect(await s.repo.tokenSlot(p).get()).toBe('{"token":"x"}');
  });

  it('remove deletes the entries under every name, and nothing of another profile', async () => {
    const s = setup();
    await s.service.add(keyInput());
    await s.service.add(keyInput({ name: 'other', credential: { kind: 'api-key', apiKey: 'other-profile-key-9999' } }));
    const p = await s.stored('core-lab');
    const other = await s.stored('other');
    for (const kind of SECRET_KINDS) {
      await s.secrets.set(legacyAccountName(p.id, kind), 'old');
      await s.secrets.set(accountName({ id: p.id, name: 'former' }, kind), 'old');
    }
    await s.service.remove('core-lab');
    expect([...s.secrets.entries().keys()]).toEqual([accounts.credential(other)]);
  });
});
