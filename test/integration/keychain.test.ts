/**
 * The keychain store against a real Secret Service: gnome-keyring in the private
 * D-Bus session that `npm test` starts (with a temporary HOME), plus child processes
 * in deliberately broken environments: no session bus, a keyring with no default
 * collection, and a locked keyring.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src-shared/schemas.js';
import { TesseraError } from '../../src-core/errors.js';
import { SECRET_SERVICE, accounts } from '../../src-core/secrets/accounts.js';
import { createKeychainStore } from '../../src-core/secrets/keychain.js';
import { openSecretStore } from '../../src-core/secrets/select.js';
import { newDataDir, recordSecret } from '../helpers/env.js';

const root = resolve(import.meta.dirname, '../..');
const has = (cmd: string) => spawnSync('bash', ['-c', `command -v ${cmd}`]).status === 0;
const haveBus = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS);
// Under `npm test` the session is always there; a bare `vitest` run without one skips (and says so).
const realKeychain = haveBus || process.env.TESSERA_TEST_INNER === '1';
const canNest = has('dbus-run-session') && has('gnome-keyring-daemon');

let counter = 0;
function secret(label: string): string {
  counter += 1;
  const value = `${label}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 12)}`;
  recordSecret(value);
  return value;
}
const uniqueAccount = (label: string) => accounts.credential({ id: `kc-test-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`, name: 'kc-test' });

/** secret-tool prints the secret on stdout and the attributes on stderr. */
function secretTool(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('secret-tool', args, { encoding: 'utf8', input, env: process.env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface ChildResult {
  results: { op: string; outcome: string; code?: string; message?: string }[];
}

/**
 * Runs keychain operations in a child Node process. Values come from the environment
 * and never go back on stdout: a get reports only null, match or mismatch.
 */
const childScript = `
  const { openSecretStore } = await import(${JSON.stringify(pathToFileURL(join(root, 'src-core/secrets/select.ts')).href)});
  const { runDoctor } = await import(${JSON.stringify(pathToFileURL(join(root, 'src-core/doctor.ts')).href)});
  const ops = JSON.parse(process.env.OPS);
  const results = [];
  const store = await openSecretStore({ dataDir: process.env.DIR });
  for (const [op, account] of ops) {
    try {
      if (op === 'get') {
        const v = await store.get(account);
        results.push({ op, outcome: v === null ? 'null' : v === process.env.VALUE ? 'match' : 'mismatch' });
      } else if (op === 'set') {
        await store.set(account, process.env.VALUE);
        results.push({ op, outcome: 'ok' });
      } else if (op === 'delete') {
        results.push({ op, outcome: String(await store.delete(account)) });
      } else if (op === 'doctor') {
        const report = await runDoctor({ dataDir: process.env.DIR });
        results.push({ op, outcome: JSON.stringify(report) });
      }
    } catch (e) {
      results.push({ op, outcome: 'error', code: e.code, message: e.message });
    }
  }
  process.stdout.write('\\n@@RESULT@@' + JSON.stringify({ results }));
`;

function runChild(options: { env: NodeJS.ProcessEnv; ops: [string, string][]; value?: string; wrap?: string }): Promise<ChildResult> {
  const env: NodeJS.ProcessEnv = { ...options.env, OPS: JSON.stringify(options.ops), VALUE: options.value ?? '', CHILD_SCRIPT: childScript };
  const node = `exec ${JSON.stringify(process.execPath)} --import tsx --input-type=module -e "$CHILD_SCRIPT"`;
  const [cmd, args] = options.wrap
    ? ['dbus-run-session', ['--', 'bash', '-c', `${options.wrap}; ${node}`]]
    : ['bash', ['-c', node]];
  return new Promise((done, fail) => {
    const child = spawn(cmd, args as string[], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (err += String(d)));
    child.on('error', fail);
    child.on('exit', (code) => {
      try {
        // A D-Bus-activated keyring daemon may print to the same stdout first.
        const marker = out.lastIndexOf('@@RESULT@@');
        if (marker < 0) throw new Error('no result');
        done(JSON.parse(out.slice(marker + '@@RESULT@@'.length)) as ChildResult);
      } catch {
        fail(new Error(`child exited ${code} without a result: ${err.slice(-2000)} OUT: ${out.slice(0, 500)}`));
      }
    });
  });
}

/** The environment of this process minus everything that points at a session bus or a keyring. */
function withoutBus(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  delete env.XDG_RUNTIME_DIR;
  delete env.TESSERA_SECRET_BACKEND;
  delete env.TESSERA_VAULT_PASSPHRASE;
  return { ...env, ...extra };
}

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

describe.skipIf(!realKeychain)('keychain store (real Secret Service)', () => {
  it('round-trips set, get and delete, and returns null for a missing entry', async () => {
    const store = await openSecretStore({ dataDir: newDataDir('kc'), env: withoutBus({ DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS }) });
    expect(store.backend).toBe('keychain');
    const account = uniqueAccount('roundtrip');
    const value = `${secret('api-key')}-ünïcødé`;
    expect(await store.get(account)).toBeNull();
    await store.set(account, value);
    expect((await store.get(account)) === value).toBe(true);
    const replaced = secret('rotated');
    await store.set(account, replaced);
    expect((await store.get(account)) === replaced).toBe(true);
    expect(await store.delete(account)).toBe(true);
    expect(await store.delete(account)).toBe(false);
    expect(await store.get(account)).toBeNull();
  });

  it('stores entries under service "Tessera" with the account as username, visible to secret-tool', async () => {
    const store = createKeychainStore();
    const account = uniqueAccount('secret-tool');
    const value = secret('api-key');
    await store.set(account, value);
    const search = secretTool(['search', '--all', 'service', SECRET_SERVICE, 'username', account]);
    expect(search.status).toBe(0);
    expect(search.stderr).toContain(`attribute.service = ${SECRET_SERVICE}`);
    expect(search.stderr).toContain(`attribute.username = ${account}`);
    // stdout carries the secret itself: assert on booleans so a failure never prints it.
    expect(search.stdout.includes(`label = keyring:${account}@${SECRET_SERVICE}`)).toBe(true);
    const lookup = secretTool(['lookup', 'service', SECRET_SERVICE, 'username', account]);
    expect(lookup.stdout === value).toBe(true);
    await store.delete(account);
    expect(secretTool(['lookup', 'service', SECRET_SERVICE, 'username', account]).stdout).toBe('');
  });

  it('reads an entry another program stored under the same service and account', async () => {
    const account = uniqueAccount('interop');
    const value = secret('api-key');
    expect(secretTool(['store', '--label=Tessera test', 'service', SECRET_SERVICE, 'username', account], value).status).toBe(0);
    const store = createKeychainStore();
    expect((await store.get(account)) === value).toBe(true);
    expect(await store.delete(account)).toBe(true);
  });

  it('leaves no probe entries behind', async () => {
    const store = createKeychainStore();
    await store.probe();
    await store.get(uniqueAccount('after-probe'));
    const search = secretTool(['search', '--all', 'service', SECRET_SERVICE]);
    expect(search.stderr).not.toContain('attribute.username = probe/');
  });

  it('handles many concurrent operations', async () => {
    const store = createKeychainStore();
    const entries = Array.from({ length: 20 }, (_, i) => [uniqueAccount(`conc-${i}`), secret('v')] as const);
    await Promise.all(entries.map(([a, v]) => store.set(a, v)));
    const read = await Promise.all(entries.map(([a]) => store.get(a)));
    expect(read.every((v, i) => v === entries[i]![1])).toBe(true);
    expect((await Promise.all(entries.map(([a]) => store.delete(a)))).every(Boolean)).toBe(true);
  });

  it('shares entries between processes (the desktop app and the CLI)', async () => {
    const account = uniqueAccount('shared');
    const value = secret('api-key');
    const dir = newDataDir('kc-shared');
    const wrote = await runChild({ env: withoutBus({ DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS, DIR: dir }), ops: [['set', account]], value });
    expect(wrote.results).toEqual([{ op: 'set', outcome: 'ok' }]);
    const store = createKeychainStore();
    expect((await store.get(account)) === value).toBe(true);
    await store.delete(account);
  });
});

describe('keychain store when the keychain is unusable', () => {
  const hint = 'TESSERA_SECRET_BACKEND=file';

  it('reports KEYCHAIN_UNAVAILABLE (never "no entry") when the session bus socket does not exist', async () => {
    const dir = newDataDir('kc-nobus');
    const r = await runChild({ env: withoutBus({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', DIR: dir }), ops: [['get', 'a'], ['set', 'a'], ['delete', 'a']], value: secret('v') });
    for (const result of r.results) {
      expect(result).toMatchObject({ outcome: 'error', code: 'KEYCHAIN_UNAVAILABLE' });
      expect(result.message).toContain(hint);
      expect(result.message).toContain('/nonexistent');
    }
  });

  it('makes the doctor say why the keychain fails and what to do', async () => {
    const r = await runChild({ env: withoutBus({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', DIR: newDataDir('kc-doctor') }), ops: [['doctor', '']] });
    const report = JSON.parse(r.results[0]!.outcome) as DoctorReport;
    const check = (name: string) => report.checks.find((c) => c.name === name);
    expect(report.ok).toBe(false);
    expect(report.secretBackend).toBe('keychain');
    expect(check('dbus-session')).toMatchObject({ ok: false, detail: expect.stringContaining('/nonexistent') });
    expect(check('keychain')).toMatchObject({ ok: false, detail: expect.stringContaining('not available'), hint: expect.stringContaining(hint) });
    expect(check('secrets')).toMatchObject({ ok: false, hint: expect.stringMatching(/Unlock or start your keyring.*TESSERA_SECRET_BACKEND=file with TESSERA_VAULT_PASSPHRASE/) });
  });

  it('makes the doctor content with the file vault chosen explicitly, keychain or not', async () => {
    const pass = secret('doctor-passphrase');
    const r = await runChild({
      env: withoutBus({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', DIR: newDataDir('kc-doctor-file'), TESSERA_SECRET_BACKEND: 'file', TESSERA_VAULT_PASSPHRASE: pass }),
      ops: [['set', 'acct'], ['get', 'acct'], ['doctor', '']],
      value: secret('api-key'),
    });
    expect(r.results.slice(0, 2)).toEqual([{ op: 'set', outcome: 'ok' }, { op: 'get', outcome: 'match' }]);
    const report = JSON.parse(r.results[2]!.outcome) as DoctorReport;
    expect(report).toMatchObject({ ok: true, secretBackend: 'file' });
    expect(report.checks.find((c) => c.name === 'file-vault')).toMatchObject({ ok: true, detail: expect.stringContaining('opens with the given passphrase') });
  });

  it('reports KEYCHAIN_UNAVAILABLE when no session bus is configured at all', async () => {
    const r = await runChild({ env: withoutBus({ DIR: newDataDir('kc-unset') }), ops: [['get', 'a']] });
    expect(r.results[0]).toMatchObject({ outcome: 'error', code: 'KEYCHAIN_UNAVAILABLE', message: expect.stringContaining('DBUS_SESSION_BUS_ADDRESS is not set') });
    expect(r.results[0]!.message).toContain(hint);
  });

  it('maps the native library failure when the bus address exists but is no bus', async () => {
    const dir = newDataDir('kc-notabus');
    const notASocket = join(dir, 'not-a-socket');
    writeFileSync(notASocket, '');
    const r = await runChild({ env: withoutBus({ DBUS_SESSION_BUS_ADDRESS: `unix:path=${notASocket}`, DIR: dir }), ops: [['get', 'a'], ['set', 'a']], value: secret('v') });
    for (const result of r.results) {
      expect(result).toMatchObject({ outcome: 'error', code: 'KEYCHAIN_UNAVAILABLE' });
      expect(result.message).toContain(hint);
    }
  });

  it.skipIf(!canNest)('reports KEYCHAIN_UNAVAILABLE, not "no entry", when the Secret Service has no default keyring', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tessera-kc-nocollection-'));
    temps.push(home);
    // The bus activates gnome-keyring on demand; with a fresh HOME it has no login keyring.
    const r = await runChild({ env: withoutBus({ HOME: home, DIR: newDataDir('kc-nocollection') }), ops: [['get', 'a'], ['set', 'a']], value: secret('v'), wrap: 'true' });
    for (const result of r.results) {
      expect(result).toMatchObject({ outcome: 'error', code: 'KEYCHAIN_UNAVAILABLE', message: expect.stringContaining('no default keyring') });
    }
  }, 30_000);

  it.skipIf(!canNest)('reports KEYCHAIN_LOCKED quickly for a locked keyring', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tessera-kc-locked-'));
    temps.push(home);
    const dir = newDataDir('kc-locked');
    const account = uniqueAccount('locked');
    const value = secret('api-key');
    const keyringPassword = secret('keyring-password');
    // 1. A login keyring with a password and one entry, in its own session.
    const setup = await runChild({
      env: withoutBus({ HOME: home, DIR: dir, KEYRING_PASSWORD: keyringPassword }),
      ops: [['set', account]],
      value,
      wrap: 'printf %s "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1',
    });
    expect(setup.results).toEqual([{ op: 'set', outcome: 'ok' }]);
    // 2. A new session whose daemon never gets the password: the keyring stays locked,
    //    and with no display the unlock prompt is dismissed at once.
    const started = Date.now();
    const locked = await runChild({
      env: withoutBus({ HOME: home, DIR: dir }),
      ops: [['get', account], ['set', account], ['delete', account]],
      value: secret('v'),
      wrap: 'gnome-keyring-daemon --components=secrets >/dev/null 2>&1',
    });
    expect(Date.now() - started).toBeLessThan(20_000);
    for (const result of locked.results) {
      expect(result).toMatchObject({ outcome: 'error', code: 'KEYCHAIN_LOCKED' });
      expect(result.message).toContain('Unlock');
      expect(result.message).toContain(hint);
    }
  }, 60_000);

  it('gives typed errors whose messages hold no secret', async () => {
    const value = secret('never-in-messages');
    const r = await runChild({ env: withoutBus({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', DIR: newDataDir('kc-msg') }), ops: [['set', 'a']], value });
    expect(r.results[0]!.message?.includes(value)).toBe(false);
    expect(new TesseraError('KEYCHAIN_UNAVAILABLE', 'x').action).toContain('TESSERA_SECRET_BACKEND=file');
  });
});
