/**
 * Token service rules with a fake ICA client and a fake clock: minTtl, skew, refresh vs
 * re-mint, fallbacks, single flight, the shared SecretStore cache, lock and rotation races.
 */
import { describe, expect, it } from 'vitest';
import type { StoredProfile } from '../../src-core/config/types.js';
import { TesseraError } from '../../src-core/errors.js';
import { createEventBus } from '../../src-core/events.js';
import type { IcaClient, MintedToken } from '../../src-core/ica/client.js';
import { accounts } from '../../src-core/secrets/accounts.js';
import { createMemoryStore } from '../helpers/memory-store.js';
import { secretSlot } from '../../src-core/profiles/repository.js';
import { decodeClaims } from '../../src-core/tokens/jwt.js';
import { createTokenService } from '../../src-core/tokens/service.js';
import type { TesseraEvent } from '../../src-shared/contract.js';
import { makeJwt } from '../helpers/jwt.js';

const API_KEY = 'unit-test-api-key-0001';

function profile(kind: 'api-key' | 'basic' = 'api-key', over: Partial<StoredProfile> = {}): StoredProfile {
  return {
    id: `id-${kind}`,
    name: kind === 'api-key' ? 'lab' : 'lab-basic',
    domain: 'demo-lab',
    region: 'us',
    credentialKind: kind,
    ...(kind === 'basic' ? { username: 'ada@example.org' } : {}),
    icaUrl: 'https://ica.example/ica/rest',
    includeIdentifiers: false,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    key: { fingerprint: '0001', storedAt: '2025-01-01T00:00:00.000Z' },
    ...over,
  };
}

interface Setup {
  now: { value: number };
  ica: IcaClient & { calls: string[]; lifetime: number; skewMs: number; fail: ((kind: string) => Error | undefined) | undefined; gate?: Promise<void> };
  secrets: ReturnType<typeof createMemoryStore>;
  rejected: Map<string, string | undefined>;
  events: TesseraEvent[];
  service: ReturnType<typeof createTokenService>;
}

function setup(minTtl = 300): Setup {
  const now = { value: Date.parse('2025-06-01T12:00:00Z') };
  let serial = 0;
  async function mint(kind: string, gty: string): Promise<MintedToken> {
    ica.calls.push(kind);
    if (ica.gate) await ica.gate;
    const failure = ica.fail?.(kind);
    if (failure) throw failure;
    const serverNow = now.value + ica.skewMs;
    const token = await makeJwt({ exp: Math.floor(serverNow / 1000) + ica.lifetime, iat: Math.floor(serverNow / 1000), gty, n: ++serial });
    return { token, claims: decodeClaims(token), skewMs: ica.skewMs, receivedAt: now.value };
  }
  const ica: Setup['ica'] = {
    calls: [],
    lifetime: 3600,
    skewMs: 0,
    fail: undefined,
    mintWithApiKey: () => mint('key', 'api_key'),
    mintWithBasic: () => mint('basic', 'password'),
    refresh: () => mint('refresh', 'password'),
  };
  const secrets = createMemoryStore({
    [accounts.credential(profile('api-key'))]: API_KEY,
    [accounts.credential(profile('basic'))]: 'unit-test-password',
  });
  const rejected = new Map<string, string | undefined>();
  const bus = createEventBus();
  const events: TesseraEvent[] = [];
  bus.on((e) => events.push(e));
  const service = createTokenService({
    ica,
    clock: { now: () => now.value },
    profiles: {
      tokenSlot: (owner) => secretSlot(secrets, accounts.token(owner)),
      async readCredential(p) {
        const secret = await secrets.get(accounts.credential(p));
        if (!secret) throw new TesseraError('SECRET_MISSING', 'missing');
        return p.credentialKind === 'api-key' ? { kind: 'api-key', apiKey: secret } : { kind: 'basic', username: p.username ?? '', password: secret };
      },
      async setRejected(id, at) {
        rejected.set(id, at);
      },
    },
    minTtlSeconds: async () => minTtl,
    events: bus,
  });
  return { now, ica, secrets, rejected, events, service };
}

const status = (e: unknown) => e as TesseraError;

describe('minimum remaining lifetime', () => {
  it('serves the cached token while it has minTtl left, and mints once it has less', async () => {
    const s = setup();
    const p = profile();
    const a = await s.service.ensure(p);
    expect(a.status.source).toBe('minted');
    s.now.value += (3600 - 301) * 1000;
    expect((await s.service.ensure(p)).status.source).toBe('cache');
    s.now.value += 2000; // 299 s left
    const c = await s.service.ensure(p);
    expect(c.status.source).toBe('minted');
    expect(s.ica.calls).toEqual(['key', 'key']);
  });

  it('a per-call minTtl overrides the setting, and 0 still never serves an expired token', async () => {
    const s = setup();
    const p = profile();
    await s.service.ensure(p);
    expect((await s.service.ensure(p, { minTtlSeconds: 3601 })).status.source).toBe('minted');
    s.now.value += 3600 * 1000;
    expect((await s.service.ensure(p, { minTtlSeconds: 0 })).status.source).toBe('minted');
    expect(s.ica.calls).toHaveLength(3);
  });

  it('hands out the freshest token when the tenant lifetime is shorter than minTtl (no mint storm in one call)', async () => {
    const s = setup();
    s.ica.lifetime = 120;
    const results = await Promise.all(Array.from({ length: 10 }, () => s.service.ensure(profile())));
    expect(s.ica.calls).toEqual(['key']);
    expect(new Set(results.map((r) => r.token)).size).toBe(1);
  });
});

describe('skew', () => {
  it('expiry is exp corrected by the measured skew', async () => {
    const s = setup();
    s.ica.skewMs = 10 * 60_000; // server 10 min ahead
    const t = await s.service.ensure(profile());
    expect(Date.parse(t.status.expiresAt)).toBe(Math.floor((s.now.value + s.ica.skewMs) / 1000) * 1000 + 3600_000 - s.ica.skewMs);
    expect(t.status.skewSeconds).toBe(600);
    // Without the correction this token would look 10 minutes longer-lived than it is.
    s.now.value += (3600 - 299) * 1000;
    expect((await s.service.ensure(profile())).status.source).toBe('minted');
  });
});

describe('refresh and re-mint', () => {
  it('refreshes Basic tokens while still valid, and re-mints key tokens', async () => {
    const s = setup();
    await s.service.ensure(profile('basic'));
    s.now.value += 3400 * 1000;
    expect((await s.service.ensure(profile('basic'))).status.source).toBe('refreshed');
    await s.service.ensure(profile('api-key'));
    s.now.value += 3400 * 1000;
    expect((await s.service.ensure(profile('api-key'))).status.source).toBe('minted');
    expect(s.ica.calls).toEqual(['basic', 'refresh', 'key', 'key']);
  });

  it('mints (not refreshes) when the Basic token has already expired', async () => {
    const s = setup();
    await s.service.ensure(profile('basic'));
    s.now.value += 3600 * 1000;
    expect((await s.service.ensure(profile('basic'))).status.source).toBe('minted');
    expect(s.ica.calls).toEqual(['basic', 'basic']);
  });

  it.each([400, 401, 403])('falls back to minting when the refresh answers %i', async (code) => {
    const s = setup();
    await s.service.ensure(profile('basic'));
    s.now.value += 3400 * 1000;
    s.ica.fail = (kind) => (kind === 'refresh' ? new TesseraError(code === 401 ? 'CREDENTIALS_REJECTED' : 'SERVER_ERROR', 'refused', { status: code }) : undefined);
    expect((await s.service.ensure(profile('basic'))).status.source).toBe('minted');
    expect(s.ica.calls).toEqual(['basic', 'refresh', 'basic']);
    expect(s.rejected.get('id-basic')).toBeUndefined();
  });

  it('a network failure of the refresh is reported, not hidden behind a mint', async () => {
    const s = setup();
    await s.service.ensure(profile('basic'));
    s.now.value += 3400 * 1000;
    s.ica.fail = (kind) => (kind === 'refresh' ? new TesseraError('NETWORK', 'down') : undefined);
    await expect(s.service.ensure(profile('basic'))).rejects.toMatchObject({ code: 'NETWORK' });
    expect(s.ica.calls).toEqual(['basic', 'refresh']);
  });

  it('force mints even when a fresh token is cached', async () => {
    const s = setup();
    await s.service.ensure(profile('basic'));
    expect((await s.service.ensure(profile('basic'), { force: true })).status.source).toBe('minted');
    expect(s.ica.calls).toEqual(['basic', 'basic']);
  });
});

describe('single flight', () => {
  it('50 concurrent callers share one mint, and all get its token', async () => {
    const s = setup();
    let open!: () => void;
    s.ica.gate = new Promise<void>((r) => (open = r));
    const pending = Array.from({ length: 50 }, () => s.service.ensure(profile()));
    await new Promise((r) => setTimeout(r, 10));
    open();
    const results = await Promise.all(pending);
    expect(s.ica.calls).toEqual(['key']);
    expect(new Set(results.map((r) => r.token)).size).toBe(1);
  });

  it('shares a failure too, and the next call tries again', async () => {
    const s = setup();
    s.ica.fail = () => new TesseraError('SERVER_ERROR', 'boom', { status: 503 });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => s.service.ensure(profile())));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(s.ica.calls).toHaveLength(1);
    s.ica.fail = undefined;
    await s.service.ensure(profile());
    expect(s.ica.calls).toHaveLength(2);
  });

  it('profiles do not share flights', async () => {
    const s = setup();
    await Promise.all([s.service.ensure(profile('api-key')), s.service.ensure(profile('basic'))]);
    expect(s.ica.calls.sort()).toEqual(['basic', 'key']);
  });
});

describe('shared cache in the SecretStore', () => {
  it('stores the token as JSON under accounts.token(id) and a second service reuses it', async () => {
    const s = setup();
    const t = await s.service.ensure(profile());
    const stored = JSON.parse((await s.secrets.get(accounts.token(profile()))) ?? '{}');
    expect(stored).toMatchObject({ v: 1, token: t.token, grant: 'api-key', skewMs: 0, keyStoredAt: profile().key.storedAt });
    expect(stored.expiresAt).toBe(Date.parse(t.status.expiresAt));

    const other = createTokenService({
      ica: s.ica,
      clock: { now: () => s.now.value },
      profiles: {
        readCredential: async () => ({ kind: 'api-key', apiKey: API_KEY }),
        setRejected: async () => undefined,
        tokenSlot: (owner) => secretSlot(s.secrets, accounts.token(owner)),
      },
      minTtlSeconds: async () => 300,
    });
    const again = await other.ensure(profile());
    expect(again.token).toBe(t.token);
    expect(again.status.source).toBe('cache');
    expect(s.ica.calls).toEqual(['key']);
    expect(await other.status(profile())).toMatchObject({ source: 'cache' });
  });

  it('ignores a cached token from another key (rotated elsewhere) or another ICA host', async () => {
    const s = setup();
    await s.service.ensure(profile());
    s.service.forgetMemory();
    const rotated = profile('api-key', { key: { fingerprint: '9999', storedAt: '2025-07-01T00:00:00.000Z' } });
    expect((await s.service.ensure(rotated)).status.source).toBe('minted');
    s.service.forgetMemory();
    const moved = profile('api-key', { key: rotated.key, icaUrl: 'https://other.example/ica/rest' });
    expect((await s.service.ensure(moved)).status.source).toBe('minted');
  });

  it('treats an unreadable cache entry as absent, and a store that cannot write as non-fatal', async () => {
    const s = setup();
    await s.secrets.set(accounts.token(profile()), '{not json');
    expect((await s.service.ensure(profile())).status.source).toBe('minted');
    const s2 = setup();
    const original = s2.secrets.set.bind(s2.secrets);
    s2.secrets.set = async (account, value) => {
      if (account.endsWith('/token')) throw new TesseraError('KEYCHAIN_LOCKED', 'locked');
      return original(account, value);
    };
    expect((await s2.service.ensure(profile())).status.source).toBe('minted');
  });

  it('discards a planted record whose token is not a well-formed JWT or whose expiry is absurd, and mints anew', async () => {
    const s = setup();
    const p = profile();
    const good = await s.service.ensure(p);
    const stored = JSON.parse((await s.secrets.get(accounts.token(p))) ?? '{}') as Record<string, unknown>;
    const [header, claims] = good.token.split('.');
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const nowS = Math.floor(s.now.value / 1000);
    const planted = [
      { ...stored, token: `${header}.${claims}.sig;touch\${IFS}/tmp/x;#` },
      { ...stored, token: `${header}.${claims}.sig.extra` },
      { ...stored, token: `${header}.${b64({ exp: 1e13 })}.sig`, expiresAt: 1e16 },
      { ...stored, token: `${header}.${b64({ exp: nowS + 3600.5 })}.sig` },
      { ...stored, expiresAt: 1e300 },
    ];
    for (const record of planted) {
      s.service.forgetMemory();
      await s.secrets.set(accounts.token(p), JSON.stringify(record));
      expect(await s.service.status(p)).toBeNull();
      const next = await s.service.ensure(p);
      expect(next.status.source).toBe('minted');
      expect(next.token.split('.')).toHaveLength(3);
      // The re-minted token replaced the planted one in the shared store.
      expect(JSON.parse((await s.secrets.get(accounts.token(p))) ?? '{}').token).toBe(next.token);
    }
  });

  it('status() is null when nothing is cached or the token has expired, and never mints', async () => {
    const s = setup();
    expect(await s.service.status(profile())).toBeNull();
    await s.service.ensure(profile());
    expect(await s.service.status(profile())).toMatchObject({ profile: 'lab', source: 'cache', grant: 'api-key' });
    s.now.value += 3601 * 1000;
    expect(await s.service.status(profile())).toBeNull();
    expect(s.ica.calls).toEqual(['key']);
  });
});

describe('rejection, forgetting, events', () => {
  it('a 401 sets rejectedAt and drops the cached token; a later success clears it', async () => {
    const s = setup();
    await s.service.ensure(profile());
    s.ica.fail = () => new TesseraError('CREDENTIALS_REJECTED', 'POST https://ica.example/ica/rest/api/tokens returned 401 Unauthorized', { status: 401 });
    const error = status(await s.service.ensure(profile(), { force: true }).catch((e: unknown) => e));
    expect(error.code).toBe('CREDENTIALS_REJECTED');
    expect(error.message).toContain('ending in 0001');
    expect(error.message).toContain('Manage API Keys');
    expect(error.message).not.toContain(API_KEY);
    expect(s.rejected.get('id-api-key')).toBe(new Date(s.now.value).toISOString());
    expect(await s.secrets.get(accounts.token(profile()))).toBeNull();
    expect(await s.service.status(profile())).toBeNull();

    s.ica.fail = undefined;
    await s.service.ensure(profile('api-key', { key: { ...profile().key, rejectedAt: 'x' } }));
    expect(s.rejected.has('id-api-key') && s.rejected.get('id-api-key')).toBeUndefined();
  });

  it('a 403 is FORBIDDEN and does not mark the key rejected', async () => {
    const s = setup();
    s.ica.fail = () => new TesseraError('FORBIDDEN', 'returned 403', { status: 403 });
    await expect(s.service.ensure(profile())).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(s.rejected.size).toBe(0);
  });

  it('forget (rotation) during a mint keeps the voided token out of the cache', async () => {
    const s = setup();
    let open!: () => void;
    s.ica.gate = new Promise<void>((r) => (open = r));
    const pending = s.service.ensure(profile());
    await new Promise((r) => setTimeout(r, 5));
    await s.service.forget(profile());
    open();
    await pending;
    s.ica.gate = undefined;
    expect(await s.secrets.get(accounts.token(profile()))).toBeNull();
    expect((await s.service.ensure(profile())).status.source).toBe('minted');
  });

  it('forgetMemory (lock) keeps the SecretStore copy', async () => {
    const s = setup();
    await s.service.ensure(profile());
    s.service.forgetMemory();
    expect((await s.service.ensure(profile())).status.source).toBe('cache');
    expect(s.ica.calls).toEqual(['key']);
  });

  it('emits a token event per mint and a null status on forget, never the JWT', async () => {
    const s = setup();
    const t = await s.service.ensure(profile());
    await s.service.ensure(profile());
    await s.service.forget(profile());
    expect(s.events.map((e) => (e.type === 'token' ? e.status?.source ?? null : e.type))).toEqual(['minted', null]);
    expect(JSON.stringify(s.events)).not.toContain(t.token);
  });

  it('a missing credential is SECRET_MISSING', async () => {
    const s = setup();
    await s.secrets.delete(accounts.credential(profile()));
    await expect(s.service.ensure(profile())).rejects.toMatchObject({ code: 'SECRET_MISSING' });
  });
});
