/**
 * `tessera import icav2` end to end: real CLI processes, the simulator as ICA, crafted
 * ~/.icav2/config.yaml files in a temporary HOME (plain and !!binary keys, partial and
 * broken files). The key is verified by minting before anything is stored, never
 * printed, and `--scrub` removes exactly its lines, keeping the rest byte for byte and
 * the file's mode. A file that cannot be used changes nothing.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { EXIT_CODES } from '../../src-shared/errors.js';
import { recordSecret } from '../helpers/env.js';
import { assertNoSecrets, Cli, ensureCliBuilt, jwtClaims, runInTerminal, simSecrets, startRecordingSim } from './cli-harness.js';

let sim: Sim;
let homes: string;
const clis: Cli[] = [];

beforeAll(async () => {
  await ensureCliBuilt();
  sim = await startRecordingSim();
  // Outside the test root: these files hold keys on purpose; the final scan checks that
  // nothing under the root (data dirs, logs) copied them.
  homes = mkdtempSync(join(tmpdir(), 'tessera-icav2-homes-'));
});

afterEach(() => {
  for (const cli of clis.splice(0)) assertNoSecrets(cli.outputs, simSecrets(sim));
});

afterAll(async () => {
  await sim?.close();
  if (homes) rmSync(homes, { recursive: true, force: true });
});

/** A fresh HOME with ~/.icav2/config.yaml holding `text` (or nothing), and a CLI using it. */
function setup(label: string, text?: string | Buffer, mode = 0o600): { cli: Cli; home: string; path: string } {
  const home = mkdtempSync(join(homes, `${label}-`));
  const dir = join(home, '.icav2');
  mkdirSync(dir, { mode: 0o700 });
  const path = join(dir, 'config.yaml');
  if (text !== undefined) {
    writeFileSync(path, text, { mode });
    chmodSync(path, mode);
  }
  const cli = Cli.fresh(`icav2-${label}`, { HOME: home });
  clis.push(cli);
  return { cli, home, path };
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
/** `server-url` as icav2 writes it for the simulator: its host and port, with the scheme (the sim speaks http). */
const simServer = () => new URL(sim.icaBaseUrl).origin;

async function profiles(cli: Cli): Promise<Array<{ name: string; domain: string; icaUrl: string; tssUrl: string; needsKey?: boolean }>> {
  const r = await cli.run(['profile', 'list', '--json']);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout || '[]');
}

describe('tessera import icav2', () => {
  it('imports a plain x-api-key from a bare-host config, verified by minting, and leaves the file alone without --scrub', async () => {
    const text = `server-url: ica.illumina.com\nx-api-key: ${sim.demo.apiKey}\noutput-format: table\ncolormode: none\n`;
    const { cli, path } = setup('plain', text);
    const before = sim.mintCount();
    const r = await cli.run(['import', 'icav2', '--name', 'lab', '--region', 'us', '--domain', 'demo-lab', '--ica-url', sim.icaBaseUrl, '--tss-url', sim.tssBaseUrl]);
    expect(r.stderr).toContain(`Found ${path}: server ica.illumina.com, with an API key.`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Imported profile "lab": tenant demo-lab, `);
    expect(r.stdout).toContain(`API key …${sim.demo.apiKey.slice(-4)}`);
    expect(r.stdout).toContain('still holds the key in plain text');
    expect(sim.mintCount()).toBe(before + 1);
    expect(readFileSync(path, 'utf8')).toBe(text);
    const [p] = await profiles(cli);
    expect(p).toMatchObject({ name: 'lab', domain: 'demo-lab', icaUrl: sim.icaBaseUrl });
    // The verified token was kept: the next `tessera token` needs no mint.
    const t = await cli.run(['token', 'lab']);
    expect(t.code).toBe(0);
    recordSecret(t.stdout.trim());
    expect(sim.mintCount()).toBe(before + 1);
  });

  it('takes the ICA URL from server-url, decodes a !!binary key, names the tenant from the token, and --scrub removes only the key lines (mode kept)', async () => {
    const head = `# icav2 configuration\nserver-url: ${simServer()}   # the sim\n`;
    const keyLines = `x-api-key: !!binary |\n  ${b64(sim.demo.apiKey)}\n`;
    const tail = `# below: display\noutput-format: json\ncolormode: "none"\naccess-token: ""\n`;
    const { cli, path } = setup('binary', head + keyLines + tail, 0o640);
    const r = await cli.run(['import', 'icav2', '--name', 'from-icav2', '--region', 'us', '--tss-url', sim.tssBaseUrl, '--scrub']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Removed the API key (x-api-key) from ${path}`);
    // The token's tns claim names the tenant (the simulator's namespace of demo-lab).
    const t = await cli.run(['token', 'from-icav2']);
    expect(t.code).toBe(0);
    recordSecret(t.stdout.trim());
    const tns = jwtClaims(t.stdout.trim()).tns as string;
    expect(r.stdout).toContain(`tenant ${tns} (named by the key’s token`);
    const [p] = await profiles(cli);
    expect(p).toMatchObject({ name: 'from-icav2', domain: tns, icaUrl: sim.icaBaseUrl });
    // Byte for byte: everything but the key's lines, and the same mode.
    expect(readFileSync(path, 'utf8')).toBe(head + tail);
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readFileSync(path, 'utf8')).not.toContain(b64(sim.demo.apiKey));
  });

  it('scrubs a plain key with a trailing comment from the middle of the file', async () => {
    const key = sim.createApiKey('demo-lab');
    recordSecret(key);
    const text = `server-url: ${simServer()}\n\nx-api-key: '${key}' # from Manage API Keys\ncolormode: none\n`;
    const { cli, path } = setup('scrub-plain', text, 0o600);
    const r = await cli.run(['import', 'icav2', '--name', 'lab', '--region', 'us', '--domain', 'demo-lab', '--tss-url', sim.tssBaseUrl, '--scrub']);
    expect(r.code).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(`server-url: ${simServer()}\n\ncolormode: none\n`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('asks on a terminal for the name, region and domain, echoing none of the key', async () => {
    const { cli } = setup('terminal', `server-url: ${simServer()}\nx-api-key: ${sim.demo.apiKey}\n`);
    const run = await runInTerminal(cli, ['import', 'icav2', '--tss-url', sim.tssBaseUrl], [
      ['Name for the new profile:', 'asked'],
      ['Region (', 'london'],
      ['Tenant domain', 'demo-lab'],
    ], { HOME: cli.env.HOME });
    expect(run.code).toBe(0);
    expect(run.screen).toContain('Imported profile "asked": tenant demo-lab, ');
    expect(run.screen).toContain(', region euw2, ');
    expect(run.screen).not.toContain(sim.demo.apiKey);
  });

  it('without a terminal, names the missing options and stores nothing', async () => {
    const text = `x-api-key: ${sim.demo.apiKey}\n`;
    const { cli, path } = setup('no-tty', text);
    const before = sim.mintCount();
    const r = await cli.run(['import', 'icav2', '--scrub']);
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stderr).toContain('give --name <name> and --region <region>');
    expect(sim.mintCount()).toBe(before);
    expect(await profiles(cli)).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('a key the platform refuses stores nothing and leaves the file as it was, --scrub or not', async () => {
    const revoked = sim.createApiKey('demo-lab');
    recordSecret(revoked);
    sim.revokeKey(revoked);
    const text = `server-url: ${simServer()}\nx-api-key: ${revoked}\n`;
    const { cli, path } = setup('rejected', text, 0o644);
    const r = await cli.run(['import', 'icav2', '--name', 'lab', '--region', 'us', '--domain', 'demo-lab', '--scrub']);
    expect(r.code).toBe(EXIT_CODES.credentials);
    expect(r.stderr).toContain('ICA rejected');
    expect(await profiles(cli)).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(statSync(path).mode & 0o777).toBe(0o644);
  });

  const BAD: Array<[label: string, content: string | Buffer | 'dir' | 'none', message: RegExp]> = [
    ['missing', 'none', /No icav2 configuration at .*config\.yaml: run `icav2 config set` first/],
    ['directory', 'dir', /config\.yaml is a directory, not the icav2 configuration file/],
    ['not YAML', 'server-url: [ica.illumina.com\nx-api-key: abc\n', /is not valid YAML \(line \d+\)/],
    ['a list', '- server-url\n- x-api-key\n', /is not an icav2 configuration: expected "key: value" lines/],
    ['no key', 'server-url: ica.illumina.com\noutput-format: table\n', /holds no API key \(x-api-key\)/],
    ['empty key', 'server-url: ica.illumina.com\nx-api-key:\n', /holds no API key \(x-api-key\)/],
    ['binary garbage', 'x-api-key: !!binary "@@not*base64@@"\n', /marked !!binary but is not base64/],
    ['binary non-text', `x-api-key: !!binary ${Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x90, 0xa0, 0xb0, 0xc0]).toString('base64')}\n`, /marked !!binary but does not decode to text/],
    ['key with whitespace', 'x-api-key: "abcd efgh ijkl mnop"\n', /API key \(x-api-key\) in .* contains whitespace; an API key is one word/],
    ['binary key with a newline', `x-api-key: !!binary ${b64('abcdefghijklmnop\n')}\n`, /contains whitespace/],
    ['binary file', Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x7f, 0x00]), /is not a text file/],
    ['bad server', 'server-url: "https://ica.illumina.com/some/path?x=1"\nx-api-key: abcdefghijklmnop\n', /server-url in .* is not a host name such as ica\.illumina\.com/],
  ];

  for (const [label, content, message] of BAD) {
    it(`a bad file (${label}) gets a clear error and changes nothing`, async () => {
      const { cli, path } = setup(label.replace(/\W+/g, '-'), typeof content === 'string' && content !== 'dir' && content !== 'none' ? content : Buffer.isBuffer(content) ? content : undefined);
      if (content === 'dir') mkdirSync(path);
      const before = sim.mintCount();
      const r = await cli.run(['import', 'icav2', '--name', 'lab', '--region', 'us', '--scrub']);
      expect(r.code).toBe(EXIT_CODES.usage);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain('abcdefghijklmnop');
      expect(sim.mintCount()).toBe(before);
      expect(await profiles(cli)).toEqual([]);
      if (typeof content === 'string' && content !== 'dir' && content !== 'none') expect(readFileSync(path, 'utf8')).toBe(content);
      if (Buffer.isBuffer(content)) expect(readFileSync(path).equals(content)).toBe(true);
    });
  }

  it('refuses to scrub a key another entry refers to (an alias), before anything is stored', async () => {
    const text = `x-api-key: &k ${sim.demo.apiKey}\nserver-url: ${simServer()}\ncopy: *k\n`;
    const { cli, path } = setup('alias', text);
    const r = await cli.run(['import', 'icav2', '--name', 'lab', '--region', 'us', '--domain', 'demo-lab', '--scrub']);
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stderr).toContain('Cannot remove the API key (x-api-key) from');
    expect(await profiles(cli)).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('--config reads another file', async () => {
    const { cli, home } = setup('other-path');
    const other = join(home, 'elsewhere.yaml');
    writeFileSync(other, `server-url: ${simServer()}\nx-api-key: ${sim.demo.apiKey}\n`, { mode: 0o600 });
    const r = await cli.run(['import', 'icav2', '--config', other, '--name', 'lab', '--region', 'us', '--domain', 'demo-lab', '--tss-url', sim.tssBaseUrl]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Found ${other}`);
  });
});
