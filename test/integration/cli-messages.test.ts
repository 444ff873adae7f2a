/**
 * What the CLI says when something is wrong: one message saying what happened and one
 * hint fitting the command that ran (a key refused at `profile add` was never stored,
 * so there is nothing to rotate), a wrong domain told from a wrong key, the domain and
 * workgroup a person typed named, never masked. Real processes against the simulator.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { EXIT_CODES } from '../../src-shared/errors.js';
import { recordSecret } from '../helpers/env.js';
import { assertNoSecrets, Cli, cliSuite, profileFlags, readConfig, runInTerminal } from './cli-harness.js';

let sim: Sim;
const suite = cliSuite();
const newCli = suite.newCli;
let keyDir: string;

beforeAll(async () => {
  sim = suite.sim;
  keyDir = mkdtempSync(join(tmpdir(), 'tessera-cli-messages-'));
});

afterAll(async () => {
  if (keyDir) rmSync(keyDir, { recursive: true, force: true });
});

function keyFile(name: string, content: string | Buffer): string {
  const path = join(keyDir, name);
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

/** The lines of stderr after the first: the hints. */
const hints = (stderr: string): string[] => stderr.trimEnd().split('\n').slice(1);

function profiles(cli: Cli): string[] {
  try {
    return readConfig(cli.home).profiles.map((p) => p.name);
  } catch {
    return [];
  }
}

describe('a refused key: one message, one hint that fits the command', () => {
  it('at profile add, says nothing was saved and does not advise rotating a profile that does not exist', async () => {
    const cli = newCli('msg-add-wrong-key');
    const wrong = 'Wr0ngKeyWr0ngKeyWr0ngKey1234';
    recordSecret(wrong);
    const r = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-file', keyFile('wrong.txt', `${wrong}\n`)]);
    expect(r.code).toBe(EXIT_CODES.credentials);
    expect(r.stderr).toMatch(/^tessera: ICA rejected the API key ending in 1234 of profile "lab"/);
    expect(r.stderr).not.toContain('rotate');
    expect(hints(r.stderr)).toEqual(['  Check the key and --domain (nothing was saved).']);
    expect(profiles(cli)).toEqual([]);
    assertNoSecrets([r.stdout, r.stderr], [['the wrong key', wrong]]);
  });

  it('at token, advises rotating that profile, once', async () => {
    const cli = newCli('msg-token-revoked');
    const key = sim.createApiKey(sim.demo.domain);
    recordSecret(key);
    const add = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: key });
    expect(add.code).toBe(0);
    sim.revokeKey(key);
    const r = await cli.run(['token', 'lab', '--force']);
    expect(r.code).toBe(EXIT_CODES.credentials);
    const text = r.stderr.split('\n');
    expect(text[0]).not.toContain('rotate');
    expect(hints(r.stderr)).toHaveLength(1);
    expect(hints(r.stderr)[0]).toContain('tessera profile rotate lab');
  });
});

describe('a wrong domain is told from a wrong key', () => {
  it('an unknown domain at profile add is named (not masked) and nothing is saved', async () => {
    const cli = newCli('msg-unknown-domain');
    const flags = profileFlags(sim).map((a) => (a === sim.demo.domain ? 'no-such-lab' : a));
    const r = await cli.run(['profile', 'add', 'lab', ...flags, '--api-key-stdin'], { input: sim.demo.apiKey });
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stderr).toMatch(/^tessera: No tenant with domain no-such-lab/);
    expect(r.stderr).not.toContain('[redacted]');
    expect(r.stderr).not.toMatch(/regenerate/i);
    expect(hints(r.stderr)).toHaveLength(1);
    expect(hints(r.stderr)[0]).toContain('--domain');
    expect(profiles(cli)).toEqual([]);
  });

  it('an unknown domain at sync gets a hint about the domain, not about ids', async () => {
    const cli = newCli('msg-sync-domain');
    const flags = profileFlags(sim).map((a) => (a === sim.demo.domain ? 'no-such-lab' : a));
    expect((await cli.run(['profile', 'add', 'lab', ...flags, '--no-verify', '--api-key-stdin'], { input: sim.demo.apiKey })).code).toBe(0);
    const r = await cli.run(['sync', 'lab']);
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stderr).toContain('no tenant with domain no-such-lab');
    expect(r.stderr).not.toContain('[redacted]');
    expect(r.stderr).not.toContain('Check the id');
    expect(r.stderr).toContain("Check the profile's domain");
  });

  it('a key of another tenant at sync names the domain as a cause, and the hint checks it first', async () => {
    const cli = newCli('msg-sync-other-tenant');
    const flags = profileFlags(sim).map((a) => (a === sim.demo.domain ? sim.demo.partner.domain : a));
    expect((await cli.run(['profile', 'add', 'lab', ...flags, '--no-verify', '--api-key-stdin'], { input: sim.demo.apiKey })).code).toBe(0);
    const r = await cli.run(['sync', 'lab']);
    expect(r.code).toBe(EXIT_CODES.credentials);
    expect(r.stderr).toContain(`belongs to another tenant than ${sim.demo.partner.domain}`);
    expect(hints(r.stderr.split('\n').filter((l) => !l.startsWith('tessera: sync lab:')).join('\n'))).toEqual([
      "  Check the profile's domain (`tessera profile list`); if it is right, regenerate the key and store it with `tessera profile rotate lab --api-key-file <path>`.",
    ]);
  });

  it('a key of another tenant at profile add says so', async () => {
    const cli = newCli('msg-other-tenant');
    const flags = profileFlags(sim).map((a) => (a === sim.demo.domain ? sim.demo.partner.domain : a));
    const r = await cli.run(['profile', 'add', 'lab', ...flags, '--api-key-stdin'], { input: sim.demo.apiKey });
    expect(r.code).toBe(EXIT_CODES.credentials);
    expect(r.stderr).toContain(`belongs to another tenant than ${sim.demo.partner.domain}`);
    expect(r.stderr).not.toMatch(/regenerate/i);
    expect(profiles(cli)).toEqual([]);
  });
});

describe('the workgroup at profile add', () => {
  it('is checked against TSS: a workgroup the key may not use is refused, naming it', async () => {
    const cli = newCli('msg-workgroup');
    const other = '3f2b8c1e-0d4a-4e6b-9c7f-1a2b3c4d5e6f';
    const r = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim, ['--workgroup', other]), '--api-key-stdin'], { input: sim.demo.apiKey });
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stderr).toContain(`Workgroup ${other} is not a workgroup of tenant ${sim.demo.domain}`);
    expect(profiles(cli)).toEqual([]);
    const ok = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim, ['--workgroup', sim.demo.workgroup]), '--api-key-stdin'], { input: sim.demo.apiKey });
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe('');
  });

  it('is stored with a warning when TSS cannot be reached', async () => {
    const cli = newCli('msg-workgroup-offline');
    const flags = profileFlags(sim, ['--workgroup', sim.demo.workgroup]).map((a) => (a === sim.tssBaseUrl ? 'http://127.0.0.1:1' : a));
    const r = await cli.run(['profile', 'add', 'lab', ...flags, '--api-key-stdin'], { input: sim.demo.apiKey });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: TSS could not be asked .*the domain and workgroup were not checked/);
    expect(profiles(cli)).toEqual(['lab']);
  });
});

describe('hints name real commands and options', () => {
  it('a usage hint names the command that ran, not <command>', async () => {
    const cli = newCli('msg-usage-hint');
    const r = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin', '--password-stdin'], { input: 'x' });
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stderr).not.toContain('<command>');
    expect(r.stderr).toContain('`tessera profile add --help`');
  });

  it('profile rotate does not suggest --username, which it does not take', async () => {
    const cli = newCli('msg-rotate-sources');
    expect((await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: sim.demo.apiKey })).code).toBe(0);
    const r = await cli.run(['profile', 'rotate', 'lab', '--api-key-stdin', '--password-stdin'], { input: 'x' });
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stderr).toContain('Choose one credential source');
    expect(r.stderr).not.toContain('--username');
    expect(r.stderr).toContain('`tessera profile rotate --help`');
  });

  it('a key the core refuses names the field, never a schema path', async () => {
    const cli = newCli('msg-schema-path');
    const r = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: 'short' });
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stderr).not.toMatch(/credential\.|\(apiKey\)/);
    expect(r.stderr).toContain('API key');
  });
});

describe('key files in the encodings editors save', () => {
  const utf16be = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16();

  it('reads UTF-16 LE and BE with a byte-order mark (Notepad "Unicode") and UTF-8 with one', async () => {
    const key = sim.demo.apiKey;
    const files: Array<[string, Buffer]> = [
      ['utf16le.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${key}\r\n`, 'utf16le')])],
      ['utf16be.txt', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(`${key}\r\n`)])],
      ['utf8bom.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${key}\n`)])],
    ];
    for (const [name, content] of files) {
      const cli = newCli(`msg-${name}`);
      const r = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-file', keyFile(name, content)]);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain(`…${key.slice(-4)}`);
    }
  });

  it('refuses a key a header cannot carry as an input error naming the problem, never the network', async () => {
    const cli = newCli('msg-bad-chars');
    const accented = `${sim.demo.apiKey.slice(0, 10)}é${sim.demo.apiKey.slice(10)}`;
    const control = `${sim.demo.apiKey.slice(0, 10)}\u0007${sim.demo.apiKey.slice(10)}`;
    recordSecret(accented);
    recordSecret(control);
    const a = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-file', keyFile('latin.txt', Buffer.from(`${accented}\n`, 'latin1'))]);
    expect(a.code).toBe(EXIT_CODES.usage);
    expect(a.stderr).toContain('not plain ASCII');
    expect(a.stderr).not.toMatch(/connection|VPN|network/i);
    const c = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: control });
    expect(c.code).toBe(EXIT_CODES.usage);
    expect(c.stderr).toContain('control character');
    expect(c.stderr).not.toMatch(/connection|VPN|network/i);
    assertNoSecrets([a.stderr, c.stderr], [['the key', sim.demo.apiKey.slice(10)]]);
    expect(profiles(cli)).toEqual([]);
  });
});

describe('a new file vault', () => {
  it('asks for its passphrase twice on a terminal, refuses a short one, and says it cannot be recovered', async () => {
    const cli = newCli('msg-vault-short');
    recordSecret('first-passphrase');
    recordSecret('other-passphrase');
    cli.env.TESSERA_SECRET_BACKEND = 'file';
    const short = await runInTerminal(cli, ['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-file', keyFile('v1.txt', `${sim.demo.apiKey}\n`)], [['New vault passphrase', 'x']]);
    expect(short.code).toBe(EXIT_CODES.usage);
    expect(short.screen).toContain('cannot recover a forgotten passphrase');
    expect(short.screen).toContain('at least 8 characters');
    expect(profiles(cli)).toEqual([]);

    const differ = await runInTerminal(cli, ['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-file', keyFile('v2.txt', `${sim.demo.apiKey}\n`)], [
      ['New vault passphrase', 'first-passphrase'],
      ['Type it again: ', 'other-passphrase'],
    ]);
    expect(differ.code).toBe(EXIT_CODES.usage);
    expect(differ.screen).toContain('The two passphrases differ');
    expect(profiles(cli)).toEqual([]);
  });

  it('refuses a short TESSERA_VAULT_PASSPHRASE when it would create the vault, and still opens an existing vault', async () => {
    const cli = newCli('msg-vault-env');
    recordSecret('long-enough-passphrase');
    cli.env.TESSERA_SECRET_BACKEND = 'file';
    const r = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: sim.demo.apiKey, env: { TESSERA_VAULT_PASSPHRASE: 'x' } });
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stderr).toMatch(/^tessera: TESSERA_VAULT_PASSPHRASE cannot create the file vault: .*at least 8 characters/);
    expect(profiles(cli)).toEqual([]);
    const ok = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: sim.demo.apiKey, env: { TESSERA_VAULT_PASSPHRASE: 'long-enough-passphrase' } });
    expect(ok.code).toBe(0);
  });
});

describe('tessera doctor with the file vault chosen', () => {
  it('does not fail or warn about the D-Bus session, nor advise choosing the file vault', async () => {
    const cli = newCli('msg-doctor-file');
    recordSecret('doctor-vault-passphrase');
    const env = { TESSERA_SECRET_BACKEND: 'file', TESSERA_VAULT_PASSPHRASE: 'doctor-vault-passphrase', DBUS_SESSION_BUS_ADDRESS: undefined };
    expect((await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: sim.demo.apiKey, env })).code).toBe(0);
    const r = await cli.run(['doctor'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('all checks passed');
    expect(r.stdout).not.toMatch(/\[(FAIL|warn)\] dbus-session/);
    expect(r.stdout).toMatch(/\[n\/a\]\s+dbus-session: .*not used/);
    expect(r.stdout).not.toContain('TESSERA_SECRET_BACKEND=file');
    expect(r.stdout).not.toMatch(/fix: .*file vault/);
  });
});
