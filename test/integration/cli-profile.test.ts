/**
 * `tessera profile …` end to end: how keys get in (stdin, the downloaded .txt file,
 * never argv), listing, rotation, and removal deleting the keychain entries
 * (checked with libsecret's own `secret-tool`, not through Tessera).
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { EXIT_CODES } from '../../src-shared/errors.js';
import { SECRET_KINDS, accountName, accounts, legacyAccountName } from '../../src-core/secrets/accounts.js';
import { recordSecret } from '../helpers/env.js';
import { assertNoSecrets, cliSuite, keychainHas, profileFlags, readConfig, runInTerminal } from './cli-harness.js';

let sim: Sim;
const suite = cliSuite();
const newCli = suite.newCli;
let keyDir: string;

beforeAll(async () => {
  sim = suite.sim;
  // Outside the test root: these files hold keys on purpose (like the ledger); the final scan
  // checks that nothing under the root (data dirs, logs) copied them.
  keyDir = mkdtempSync(join(tmpdir(), 'tessera-cli-keyfiles-'));
});

afterAll(async () => {
  if (keyDir) rmSync(keyDir, { recursive: true, force: true });
});

function keyFile(name: string, content: string, mode = 0o600): string {
  const path = join(keyDir, name);
  writeFileSync(path, content, { mode });
  chmodSync(path, mode);
  return path;
}

describe('tessera profile add', () => {
  it('accepts the downloaded .txt key file, trimming surrounding whitespace and CRLF', async () => {
    const cli = newCli('profile-keyfile');
    const path = keyFile('download.txt', `\r\n  ${sim.demo.apiKey}  \r\n\r\n`);
    const r = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim, ['--workgroup', sim.demo.workgroup]), '--api-key-file', path]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Added profile "lab": tenant demo-lab, region us \(United States\), workgroup [\w-]+, API key ….{4}\.\n/);
    expect(r.stdout).toContain('stored in the OS keychain, and the platform accepted it');
    expect(r.stdout).toContain(`…${sim.demo.apiKey.slice(-4)}`);
  });

  it('rejects an empty key file and a multi-line one with a clear usage error', async () => {
    const cli = newCli('profile-badfile');
    const empty = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-file', keyFile('empty.txt', '  \n\n')]);
    expect(empty.code).toBe(EXIT_CODES.usage);
    expect(empty.stderr).toMatch(/^tessera: The key file .*empty\.txt is empty/);

    const twoKeys = keyFile('two.txt', `${sim.demo.apiKey}\n${sim.demo.partner.apiKey}\n`);
    const multi = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-file', twoKeys]);
    expect(multi.code).toBe(EXIT_CODES.usage);
    expect(multi.stderr).toContain('has 2 lines; it must hold exactly one API key');

    const missing = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-file', join(keyDir, 'nope.txt')]);
    expect(missing.code).toBe(EXIT_CODES.usage);
    expect(missing.stderr).toContain('no such file');

    // Nothing was saved by the failed attempts.
    const list = await cli.run(['profile', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  it('warns (on stderr) when the key file is readable by other users, and still stores the key', async () => {
    const cli = newCli('profile-openfile');
    const path = keyFile('open.txt', `${sim.demo.apiKey}\n`, 0o644);
    const r = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-file', path]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('is readable by other users (mode 644)');
    expect(r.stderr).toContain('chmod 600');
  });

  it('refuses keys passed as arguments, without echoing them', async () => {
    const cli = newCli('profile-argv');
    const key = sim.demo.apiKey;
    const attempts = [
      ['profile', 'add', 'lab', ...profileFlags(sim), '--api-key', key],
      ['profile', 'add', 'lab', ...profileFlags(sim), `--api-key=${key}`],
      ['profile', 'add', 'lab', ...profileFlags(sim), '--password', 'hunter2-is-long-enough'],
      ['profile', 'add', 'lab', ...profileFlags(sim), key],
      ['profile', 'rotate', 'lab', key],
      ['token', key],
    ];
    for (const args of attempts) {
      const r = await cli.run(args);
      expect(r.code, args.slice(0, 3).join(' ')).toBe(EXIT_CODES.usage);
      expect(r.stderr).toMatch(/never accepted as command-line arguments/);
      assertNoSecrets([r.stdout, r.stderr], [['the API key', key], ['the password', 'hunter2-is-long-enough']]);
    }
    expect(() => readConfig(cli.home)).toThrow(); // nothing was written
  });

  it('asks for the key on a terminal without echoing it', async () => {
    const cli = newCli('profile-tty');
    const r = await runInTerminal(cli, ['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], [['API key for lab: ', sim.demo.apiKey]]);
    expect(r.code).toBe(0);
    expect(r.screen).toContain('Added profile "lab"');
    expect(r.screen.includes(sim.demo.apiKey), 'the typed key was echoed').toBe(false);
    // Without any credential option a terminal is asked the same way.
    const again = await runInTerminal(cli, ['profile', 'add', 'lab2', ...profileFlags(sim)], [['API key for lab2: ', sim.demo.apiKey]]);
    expect(again.code).toBe(0);
  });

  it('refuses a workgroup id that is not a UUID, and a bad domain, before reading the key', async () => {
    const cli = newCli('profile-workgroup');
    const wg = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim, ['--workgroup', 'not-a-uuid']), '--api-key-stdin'], { input: sim.demo.apiKey });
    expect(wg.code).toBe(EXIT_CODES.usage);
    expect(wg.stderr).toContain('A workgroup id is a UUID');
    const domain = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim).map((a) => (a === sim.demo.domain ? 'no_underscores' : a)), '--api-key-stdin'], { input: sim.demo.apiKey });
    expect(domain.code).toBe(EXIT_CODES.usage);
    expect(domain.stderr).toContain('A tenant domain has letters, digits and dashes only');
    expect(() => readConfig(cli.home)).toThrow(); // nothing was written
  });

  it('drops the escape sequences of arrow keys, Delete and bracketed paste from a key typed on a terminal', async () => {
    const cli = newCli('profile-tty-keys');
    const key = sim.demo.apiKey;
    const [a, b, c] = [key.slice(0, 6), key.slice(6, 12), key.slice(12)];
    // Left arrow, Delete, Home (application mode: ESC O H), a pasted part, and an escape sequence split across reads.
    const typed = [`${a}\u001b[D\u001b[3~`, `\u001bOH\u001b[200~${b}\u001b[201~\u001b`, `[C${c}`];
    const r = await runInTerminal(cli, ['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], [['API key for lab: ', typed]]);
    // The platform accepted the key when it was minted with: nothing was added to it.
    expect(r.code, r.screen).toBe(0);
    expect(r.screen).toContain(`API key …${key.slice(-4)}`);
    expect(r.screen.includes(key), 'the typed key was echoed').toBe(false);
  });

  it('asks for the password and the vault passphrase on a terminal without echoing them', async () => {
    const passphrase = `tty-vault-${process.pid}-${Date.now()}`;
    recordSecret(passphrase);
    const cli = newCli('profile-tty-vault', { TESSERA_SECRET_BACKEND: 'file' });
    const r = await runInTerminal(
      cli,
      ['profile', 'add', 'pw', ...profileFlags(sim), '--username', sim.demo.username, '--password-stdin'],
      [
        [`Password for ${sim.demo.username}: `, sim.demo.password],
        // A new vault's passphrase is asked twice.
        ['New vault passphrase', passphrase],
        ['Type it again: ', passphrase],
      ],
    );
    expect(r.code).toBe(0);
    expect(r.screen).toContain('stored in the encrypted file vault');
    assertNoSecrets([r.screen], [['the password', sim.demo.password], ['the vault passphrase', passphrase]], 'the terminal');
    // The vault was created with the typed passphrase: a script can open it with the same one.
    const token = await cli.run(['token', 'pw'], { env: { TESSERA_VAULT_PASSPHRASE: passphrase } });
    expect(token.code).toBe(0);
    assertNoSecrets(cli.outputs, [['the vault passphrase', passphrase]]);
  });

  it('needs exactly one credential source when stdin is not a terminal', async () => {
    const cli = newCli('profile-sources');
    const none = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim)]);
    expect(none.code).toBe(EXIT_CODES.usage);
    expect(none.stderr).toContain('No credential given');
    const two = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin', '--api-key-file', '/dev/null']);
    expect(two.code).toBe(EXIT_CODES.usage);
    expect(two.stderr).toContain('Choose one credential source');
    const emptyStdin = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: '\n' });
    expect(emptyStdin.code).toBe(EXIT_CODES.usage);
    expect(emptyStdin.stderr).toContain('No API key on stdin');
    const userOnly = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--username', sim.demo.username]);
    expect(userOnly.code).toBe(EXIT_CODES.usage);
    expect(userOnly.stderr).toContain('--username needs --password-stdin');
  });

  it('validates the rest in the core: region aliases accepted, bad regions and http:// to remote hosts refused', async () => {
    const cli = newCli('profile-validate');
    const badRegion = await cli.run(['profile', 'add', 'lab', '--domain', 'demo-lab', '--region', 'mars', '--api-key-stdin'], { input: sim.demo.apiKey });
    expect(badRegion.code).toBe(EXIT_CODES.usage);
    expect(badRegion.stderr).toContain('Unknown region');

    const insecure = await cli.run(['profile', 'add', 'lab', '--domain', 'demo-lab', '--region', 'us', '--ica-url', 'http://ica.example.org/ica/rest', '--api-key-stdin'], { input: sim.demo.apiKey });
    expect(insecure.code).toBe(EXIT_CODES.usage);
    expect(insecure.stderr).toMatch(/http/);

    const alias = await cli.run(['profile', 'add', 'eu', ...profileFlags(sim).map((a) => (a === 'us' ? 'london' : a)), '--api-key-stdin'], { input: sim.demo.apiKey });
    expect(alias.code).toBe(0);
    const [view] = JSON.parse((await cli.run(['profile', 'list', '--json'])).stdout) as Array<{ region: string }>;
    expect(view?.region).toBe('euw2');

    const dup = await cli.run(['profile', 'add', 'eu', ...profileFlags(sim), '--api-key-stdin'], { input: sim.demo.apiKey });
    expect(dup.code).toBe(EXIT_CODES.usage);
  });
});

describe('tessera profile add: credentials inside a URL', () => {
  it('refuses user:password@ in --ica-url / --tss-url without echoing it, and stores nothing', async () => {
    const cli = newCli('profile-url-credentials');
    const userinfo = 'labuser:Hunter2Pw0rdInUrl';
    recordSecret('Hunter2Pw0rdInUrl');
    for (const flag of ['--ica-url', '--tss-url']) {
      const flags = profileFlags(sim).map((a, i, all) => {
        if (all[i - 1] !== flag) return a;
        const url = new URL(a);
        return `${url.protocol}//${userinfo}@${url.host}${url.pathname}`;
      });
      const r = await cli.run(['profile', 'add', 'lab', ...flags, '--api-key-stdin'], { input: sim.demo.apiKey });
      expect(r.code).toBe(EXIT_CODES.usage);
      expect(r.stderr).toMatch(/user name or password/i);
      expect(r.stdout + r.stderr).not.toContain('Hunter2Pw0rdInUrl');
      expect(r.stdout + r.stderr).not.toContain('labuser');
    }
    const configPath = join(cli.home, 'config.json');
    const config = existsSync(configPath) ? readFileSync(configPath, 'utf8') : '';
    expect(config).not.toContain('Hunter2Pw0rdInUrl');
    expect(config).not.toContain('labuser');
    expect(JSON.parse((await cli.run(['profile', 'list', '--json'])).stdout)).toEqual([]);
  });
});

describe('tessera profile list', () => {
  it('lists profiles as a table and as JSON, showing only the fingerprint of each key', async () => {
    const cli = newCli('profile-list');
    const empty = await cli.run(['profile', 'list']);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toContain('No profiles yet');

    await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: sim.demo.apiKey });
    await cli.run(['profile', 'add', 'partner', ...profileFlags(sim).map((a) => (a === sim.demo.domain ? sim.demo.partner.domain : a)), '--no-verify', '--api-key-stdin'], {
      input: sim.demo.partner.apiKey,
    });
    const table = await cli.run(['profile', 'list']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+DOMAIN\s+REGION\s+WORKGROUP\s+CREDENTIAL\s+KEY\s+STORED/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['lab', 'partner']);

    const json = JSON.parse((await cli.run(['profile', 'list', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(json.map((p) => p.name)).toEqual(['lab', 'partner']);
    expect(json[0]).toMatchObject({ domain: 'demo-lab', region: 'us', credentialKind: 'api-key', icaUrl: sim.icaBaseUrl, key: { fingerprint: sim.demo.apiKey.slice(-4) } });
  });
});

describe('tessera profile remove', () => {
  it('removes the profile and deletes its keychain entries (key and cached token)', async () => {
    const cli = newCli('profile-remove');
    await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: sim.demo.apiKey });
    expect((await cli.run(['token', 'lab'])).code).toBe(0);
    const id = readConfig(cli.home).profiles[0]?.id ?? '';
    expect(id).not.toBe('');
    expect(keychainHas(accounts.credential({ id, name: 'lab' }))).toBe(true);
    expect(keychainHas(accounts.token({ id, name: 'lab' }))).toBe(true);

    const r = await cli.run(['profile', 'remove', 'lab']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Removed profile "lab"');
    for (const kind of SECRET_KINDS) {
      expect(keychainHas(accountName({ id, name: 'lab' }, kind)), kind).toBe(false);
      expect(keychainHas(legacyAccountName(id, kind)), kind).toBe(false);
    }
    expect(readConfig(cli.home).profiles).toEqual([]);

    const again = await cli.run(['profile', 'remove', 'lab']);
    expect(again.code).toBe(EXIT_CODES.usage);
    const token = await cli.run(['token', 'lab']);
    expect(token.code).toBe(EXIT_CODES.usage);
  });
});

describe('tessera profile rotate', () => {
  it('replaces the key from a file and drops the token minted with the old one', async () => {
    const cli = newCli('profile-rotate');
    await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: sim.demo.apiKey });
    const oldToken = (await cli.run(['token', 'lab'])).stdout;
    const next = sim.createApiKey(sim.demo.domain);
    const r = await cli.run(['profile', 'rotate', 'lab', '--api-key-file', keyFile('rotated.txt', `${next}\n`)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`…${next.slice(-4)}`);
    const [view] = JSON.parse((await cli.run(['profile', 'list', '--json'])).stdout) as Array<{ key: { fingerprint: string } }>;
    expect(view?.key.fingerprint).toBe(next.slice(-4));

    sim.clearRequests();
    const fresh = await cli.run(['token', 'lab']);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout === oldToken).toBe(false);
    expect(sim.requests.filter((q) => q.path === '/ica/rest/api/tokens')).toHaveLength(1);
    assertNoSecrets(cli.outputs, [['the rotated key', next]]);

    const unknown = await cli.run(['profile', 'rotate', 'nope', '--api-key-stdin'], { input: next });
    expect(unknown.code).toBe(EXIT_CODES.usage);
  });
});

describe('tessera profile rotate checks the new key first', () => {
  it('a key the platform refuses replaces nothing: exit 3, the old key and its token keep working', async () => {
    const cli = newCli('rotate-wrong');
    await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: sim.demo.apiKey });
    const before = await cli.run(['token', 'lab']);
    expect(before.code).toBe(0);
    const wrong = 'wrongKey0000000000000000000000000000ABCD';
    recordSecret(wrong);
    const r = await cli.run(['profile', 'rotate', 'lab', '--api-key-stdin'], { input: wrong });
    expect(r.code).toBe(EXIT_CODES.credentials);
    expect(r.stdout).toBe('');
    const [view] = JSON.parse((await cli.run(['profile', 'list', '--json'])).stdout) as Array<{ key: { fingerprint: string; rejectedAt?: string } }>;
    expect(view?.key.fingerprint).toBe(sim.demo.apiKey.slice(-4));
    expect(view?.key.rejectedAt).toBeUndefined();
    // The cached token of the old key is still served, without a new mint.
    sim.clearRequests();
    const after = await cli.run(['token', 'lab']);
    expect(after.code).toBe(0);
    expect(after.stdout === before.stdout).toBe(true);
    expect(sim.requests.filter((q) => q.path === '/ica/rest/api/tokens')).toHaveLength(0);
    assertNoSecrets(cli.outputs, [['the wrong key', wrong]]);
  });

  it('with the platform unreachable nothing is stored, the message names --no-verify, and --no-verify stores it', async () => {
    const cli = newCli('rotate-offline');
    await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: sim.demo.apiKey });
    const next = sim.createApiKey(sim.demo.domain);
    sim.faults.add({ match: { path: '/ica/rest/api/tokens' }, times: Infinity, fault: { kind: 'reset' } });
    try {
      const r = await cli.run(['profile', 'rotate', 'lab', '--api-key-stdin'], { input: next });
      expect(r.code).toBe(EXIT_CODES.network);
      expect(r.stderr).toContain('Nothing was stored');
      expect(r.stderr).toContain('tessera profile rotate lab … --no-verify');
      const [kept] = JSON.parse((await cli.run(['profile', 'list', '--json'])).stdout) as Array<{ key: { fingerprint: string } }>;
      expect(kept?.key.fingerprint).toBe(sim.demo.apiKey.slice(-4));

      const add = await cli.run(['profile', 'add', 'other', ...profileFlags(sim), '--api-key-stdin'], { input: next });
      expect(add.code).toBe(EXIT_CODES.network);
      expect(add.stderr).toContain('--no-verify');

      const forced = await cli.run(['profile', 'rotate', 'lab', '--api-key-stdin', '--no-verify'], { input: next });
      expect(forced.code).toBe(0);
    } finally {
      sim.faults.clear();
    }
    const [stored] = JSON.parse((await cli.run(['profile', 'list', '--json'])).stdout) as Array<{ key: { fingerprint: string } }>;
    expect(stored?.key.fingerprint).toBe(next.slice(-4));
    expect((await cli.run(['token', 'lab'])).code).toBe(0);
    assertNoSecrets(cli.outputs, [['the new key', next]]);
  });
});
