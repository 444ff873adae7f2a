/**
 * The desktop path of the file vault: the core over a real vault.json (real scrypt and
 * AES-GCM) in a temporary data dir, opened the way the desktop app opens it (no
 * TESSERA_VAULT_PASSPHRASE, `inAppUnlock`), against the simulator over HTTP. The vault
 * starts locked, every secret-needing method says VAULT_LOCKED, a wrong passphrase
 * loses nothing, the right one makes tokens work, and the idle lock asks again.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import type { TesseraEvent } from '../../src-shared/contract.js';
import { dispatch } from '../../src-core/rpc.js';
import { openSecretStore } from '../../src-core/secrets/select.js';
import { vaultRetryDelayMs } from '../../src-core/session.js';
import type { SecretStore } from '../../src-core/ports.js';
import { newDataDir, recordSecret } from '../helpers/env.js';
import { manualTimers } from '../helpers/fakes.js';
import { addKeyProfile, makeCore, startTestSim } from '../helpers/tessera.js';

let sim: Sim;
beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(async () => {
  await sim.close();
});

let counter = 0;
/** A unique passphrase, recorded so the final scan proves it never reached a file or log. */
function passphrase(label: string): string {
  counter += 1;
  const value = `${label} ${process.pid}-${counter} ${Math.random().toString(36).slice(2, 10)} staple`;
  recordSecret(value);
  return value;
}

/** The store the desktop app and the harness open: file backend, passphrase from the lock screen. */
function appVault(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<SecretStore> {
  // A cheap scrypt cost: these tests are about the lock screen, not the KDF.
  return openSecretStore({ dataDir, env: { TESSERA_SECRET_BACKEND: 'file', ...env }, inAppUnlock: true, kdf: { N: 2 ** 12 } });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'no error';
}

async function messageOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

describe('the file vault opened on the lock screen', () => {
  it('starts locked, is created only with create, then tokens work; the idle lock asks again; a wrong passphrase loses nothing', async () => {
    const dataDir = newDataDir('vault-unlock');
    const right = passphrase('right');
    const wrong = passphrase('wrong');
    const { core } = makeCore({ dataDir, secrets: await appVault(dataDir) });
    const events: TesseraEvent[] = [];
    core.onEvent((e) => events.push(e));

    // Locked from the start, with no vault yet: everything that needs secrets says VAULT_LOCKED.
    expect(await core.getAppInfo()).toMatchObject({ locked: true, vault: 'new' });
    expect(await core.listProfiles()).toEqual([]); // not secret: allowed
    recordSecret(sim.demo.apiKey);
    expect(await codeOf(addKeyProfile(core, sim))).toBe('VAULT_LOCKED');
    expect(await codeOf(core.ensureToken('lab'))).toBe('VAULT_LOCKED');
    expect(await codeOf(core.searchCases('lab', {}))).toBe('VAULT_LOCKED');
    expect(await codeOf(core.startDemo())).toBe('VAULT_LOCKED');
    expect(await codeOf(core.unlock())).toBe('VAULT_LOCKED');
    // Without `create` (the UI has not had it confirmed) no vault is made.
    expect(await codeOf(core.unlockVault(right))).toBe('VAULT_LOCKED');
    expect(readdirSync(dataDir)).not.toContain('vault.json');
    expect(events).toEqual([]);

    await core.unlockVault(right, { create: true });
    expect(events).toEqual([{ type: 'unlocked' }]);
    expect(await core.getAppInfo()).toMatchObject({ locked: false, vault: 'open' });
    const vaultFile = join(dataDir, 'vault.json');
    expect(statSync(vaultFile).mode & 0o777).toBe(0o600);

    await addKeyProfile(core, sim);
    const first = await core.revealToken('lab');
    recordSecret(first.token);
    expect(first.status.source).toBe('minted');
    const onDisk = readFileSync(vaultFile, 'utf8');
    for (const s of [right, sim.demo.apiKey, first.token]) expect(onDisk).not.toContain(s);

    // The idle lock: the derived key is forgotten, so the passphrase is needed again.
    await core.lock();
    expect(events.at(-1)).toEqual({ type: 'locked', vault: 'locked' });
    expect(await core.getAppInfo()).toMatchObject({ locked: true, vault: 'locked' });
    expect(await codeOf(core.ensureToken('lab'))).toBe('VAULT_LOCKED');
    expect(await codeOf(core.copyToken('lab', 'jwt'))).toBe('VAULT_LOCKED');
    expect(await codeOf(core.unlock())).toBe('VAULT_LOCKED');

    // A wrong passphrase: typed error, never echoed, file untouched, still locked.
    const wrongMessage = await messageOf(core.unlockVault(wrong));
    expect(await codeOf(core.unlockVault(wrong, { create: true }))).toBe('VAULT_BAD_PASSPHRASE'); // create never replaces a vault
    expect(wrongMessage).toMatch(/passphrase/);
    expect(wrongMessage).not.toContain(wrong);
    expect(readFileSync(vaultFile, 'utf8')).toBe(onDisk);
    expect(await core.getAppInfo()).toMatchObject({ locked: true, vault: 'locked' });
    expect(await codeOf(core.ensureToken('lab'))).toBe('VAULT_LOCKED');

    // The right one: unlocked, and nothing was lost (the cached token comes from the vault, no new mint).
    const mints = sim.mintCount();
    await core.unlockVault(right);
    expect(events.at(-1)).toEqual({ type: 'unlocked' });
    expect(await core.getAppInfo()).toMatchObject({ locked: false, vault: 'open' });
    const again = await core.revealToken('lab');
    expect(again.token).toBe(first.token);
    expect(again.status.source).toBe('cache');
    expect(sim.mintCount()).toBe(mints);
    await core.dispose();
  });

  it('after a restart the existing vault asks for its passphrase (locked, not new) and keeps its profiles', async () => {
    const dataDir = newDataDir('vault-restart');
    const right = passphrase('right');
    const first = makeCore({ dataDir, secrets: await appVault(dataDir) }).core;
    await first.unlockVault(right, { create: true });
    await addKeyProfile(first, sim);
    await first.dispose();

    const { core } = makeCore({ dataDir, secrets: await appVault(dataDir) });
    expect(await core.getAppInfo()).toMatchObject({ locked: true, vault: 'locked' });
    expect((await core.listProfiles()).map((p) => p.name)).toEqual(['lab']);
    expect(await codeOf(core.ensureToken('lab'))).toBe('VAULT_LOCKED');
    expect(await codeOf(core.unlockVault(passphrase('typo')))).toBe('VAULT_BAD_PASSPHRASE');
    await core.unlockVault(right);
    const token = await core.revealToken('lab');
    recordSecret(token.token);
    expect(token.status.claims.tenantId).toBe(sim.demo.tenantId);
    // The doctor checks the app's own vault with the key it holds.
    const report = await core.doctor();
    expect(report.checks.find((c) => c.name === 'file-vault')).toMatchObject({ ok: true, detail: expect.stringContaining("app's unlocked key") });
    await core.dispose();
  });

  it('with TESSERA_VAULT_PASSPHRASE set it never asks: open, lock forgets the key, unlock() re-derives it', async () => {
    const dataDir = newDataDir('vault-env');
    const fromEnv = passphrase('env');
    const { core } = makeCore({ dataDir, secrets: await appVault(dataDir, { TESSERA_VAULT_PASSPHRASE: fromEnv }) });
    const events: TesseraEvent[] = [];
    core.onEvent((e) => events.push(e));
    expect(await core.getAppInfo()).toMatchObject({ locked: false, vault: 'open' });
    await addKeyProfile(core, sim);
    recordSecret((await core.revealToken('lab')).token);
    await core.lock();
    expect(events.at(-1)).toEqual({ type: 'locked', vault: 'open' });
    expect(await codeOf(core.ensureToken('lab'))).toBe('LOCKED');
    await core.unlock();
    expect((await core.ensureToken('lab')).source).toBe('cache');
    // The typed passphrase is still checked, never taken on trust.
    expect(await codeOf(core.unlockVault(passphrase('not it')))).toBe('VAULT_BAD_PASSPHRASE');
    await core.unlockVault(fromEnv);
    await core.dispose();
  });

  it('the keychain has no vault: unlockVault is INVALID_INPUT and getAppInfo says vault null', async () => {
    const { core } = makeCore({ store: 'memory' });
    expect(await core.getAppInfo()).toMatchObject({ locked: false, vault: null });
    expect(await codeOf(core.unlockVault(passphrase('none')))).toBe('INVALID_INPUT');
    await core.lock();
    expect(await core.getAppInfo()).toMatchObject({ locked: true, vault: null });
    await core.unlock();
    await core.dispose();
  });

  it('dispatch validates the passphrase and never echoes it', async () => {
    const dataDir = newDataDir('vault-dispatch');
    const { core } = makeCore({ dataDir, secrets: await appVault(dataDir) });
    const secret = passphrase('dispatch');
    for (const args of [[''], [42], [secret, { create: 1 }], [secret, { create: true, more: true }]]) {
      const result = await dispatch(core, 'unlockVault', args);
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      expect(JSON.stringify(result)).not.toContain(secret);
    }
    expect(await dispatch(core, 'unlockVault', [secret, { create: true }])).toEqual({ ok: true, value: null });
    expect(await dispatch(core, 'getAppInfo', [])).toMatchObject({ ok: true, value: { locked: false, vault: 'open' } });
    await core.dispose();
  });

  it('wrong passphrases are tried one at a time, with a growing pause after the first', async () => {
    expect([1, 2, 3, 4, 5, 6, 9].map(vaultRetryDelayMs)).toEqual([0, 500, 1000, 2000, 4000, 4000, 4000]);
    const dataDir = newDataDir('vault-backoff');
    const right = passphrase('right');
    const timers = manualTimers();
    const { core } = makeCore({ dataDir, secrets: await appVault(dataDir), ports: { timers } });
    await core.unlockVault(right, { create: true });
    await core.lock();
    expect(await codeOf(core.unlockVault(passphrase('guess')))).toBe('VAULT_BAD_PASSPHRASE'); // the first: no pause
    expect(timers.pending.size).toBe(0);
    // The second wrong one waits (500 ms) before it answers, and a right one queued behind it waits too.
    const second = codeOf(core.unlockVault(passphrase('guess')));
    const third = core.unlockVault(right);
    let thirdDone = false;
    void third.then(() => (thirdDone = true));
    await expect.poll(() => [...timers.pending.values()].map((t) => t.ms)).toEqual([500]);
    expect(thirdDone).toBe(false);
    expect((await core.getAppInfo()).locked).toBe(true);
    timers.fire();
    expect(await second).toBe('VAULT_BAD_PASSPHRASE');
    await third;
    expect((await core.getAppInfo()).locked).toBe(false);
    // Success resets the count: the next wrong passphrase answers at once again.
    await core.lock();
    expect(await codeOf(core.unlockVault(passphrase('guess')))).toBe('VAULT_BAD_PASSPHRASE');
    expect(timers.pending.size).toBe(0);
    await core.dispose();
  });
});
