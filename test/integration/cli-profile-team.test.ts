/**
 * Team profile files end to end: `tessera profile export` writes a versioned JSON file
 * without any secret, `tessera profile import` creates every profile of it or none, then
 * asks for each key on a terminal or leaves the profile "key needed", in which state
 * every use of the credential fails with KEY_NEEDED until a key is added.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { EXIT_CODES } from '../../src-shared/errors.js';
import { recordSecret } from '../helpers/env.js';
import { assertNoSecrets, Cli, cliSuite, profileFlags, runInTerminal, simSecrets } from './cli-harness.js';

let sim: Sim;
const suite = cliSuite();
const newCli = suite.newCli;
let dir: string;
const tokens: Array<[string, string]> = [];

beforeAll(async () => {
  sim = suite.sim;
  dir = mkdtempSync(join(tmpdir(), 'tessera-team-files-'));
});

afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function list(cli: Cli): Promise<Array<Record<string, unknown>>> {
  const r = await cli.run(['profile', 'list', '--json']);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout || '[]');
}

/** A data dir with two profiles: an API-key one with every option set, and a password one. */
async function teamOf(label: string): Promise<Cli> {
  const cli = newCli(label);
  const a = await cli.run(['profile', 'add', 'lab-us', ...profileFlags(sim, ['--workgroup', sim.demo.workgroup, '--include-identifiers']), '--api-key-stdin'], { input: sim.demo.apiKey });
  expect(a.code).toBe(0);
  const b = await cli.run(['profile', 'add', 'lab-basic', ...profileFlags(sim), '--username', sim.demo.username, '--password-stdin'], { input: sim.demo.password });
  expect(b.code).toBe(0);
  const t = await cli.run(['token', 'lab-us']);
  expect(t.code).toBe(0);
  recordSecret(t.stdout.trim());
  tokens.push(['a token of lab-us', t.stdout.trim()]);
  return cli;
}

describe('tessera profile export / import', () => {
  it('round-trips into a fresh data dir: same settings, no secret in the file, every profile "key needed" until its key is added', async () => {
    const source = await teamOf('team-source');
    const file = join(dir, 'team.json');
    const e = await source.run(['profile', 'export', '--output', file]);
    expect(e.code).toBe(0);
    expect(e.stderr).toContain(`Wrote 2 profiles to ${file} (no keys, passwords or tokens).`);
    const text = readFileSync(file, 'utf8');
    assertNoSecrets([text], [...simSecrets(sim), ...tokens], 'the exported file');
    const doc = JSON.parse(text);
    expect(doc).toEqual({
      format: 'tessera-profiles',
      version: 1,
      profiles: [
        { name: 'lab-us', domain: 'demo-lab', region: 'us', workgroup: sim.demo.workgroup, icaUrl: sim.icaBaseUrl, tssUrl: sim.tssBaseUrl, includeIdentifiers: true, credentialKind: 'api-key' },
        { name: 'lab-basic', domain: 'demo-lab', region: 'us', icaUrl: sim.icaBaseUrl, tssUrl: sim.tssBaseUrl, includeIdentifiers: false, credentialKind: 'basic', username: sim.demo.username },
      ],
    });

    const target = newCli('team-target');
    const i = await target.run(['profile', 'import', file]);
    expect(i.code).toBe(0);
    expect(i.stdout).toContain('Imported 2 profiles: lab-us, lab-basic.');
    expect(i.stdout).toContain('Key needed for lab-us, lab-basic');
    const imported = await list(target);
    const before = await list(source);
    const settings = (p: Record<string, unknown>) => ({ name: p.name, domain: p.domain, region: p.region, workgroup: p.workgroup, icaUrl: p.icaUrl, tssUrl: p.tssUrl, includeIdentifiers: p.includeIdentifiers, credentialKind: p.credentialKind, username: p.username });
    expect(imported.map(settings)).toEqual(before.map(settings));
    expect(imported.every((p) => p.needsKey === true)).toBe(true);

    const table = await target.run(['profile', 'list']);
    expect(table.stdout).toMatch(/lab-us .*key needed: tessera profile rotate lab-us/);

    // No credential: every use of one says so, with the way out.
    for (const args of [['token', 'lab-us'], ['exec', 'lab-us', '--', 'true'], ['sync', 'lab-us']]) {
      const r = await target.run(args);
      expect(r.code, args.join(' ')).toBe(EXIT_CODES.credentials);
      expect(r.stderr).toContain('Profile "lab-us" has no API key yet: add one with `tessera profile rotate lab-us`');
    }
    const basic = await target.run(['token', 'lab-basic']);
    expect(basic.stderr).toContain('Profile "lab-basic" has no password yet');

    // Adding the key completes the profile.
    const rot = await target.run(['profile', 'rotate', 'lab-us', '--api-key-stdin'], { input: sim.demo.apiKey });
    expect(rot.code).toBe(0);
    expect(rot.stdout).toContain('Added the key of profile "lab-us"');
    const t = await target.run(['token', 'lab-us']);
    expect(t.code).toBe(0);
    recordSecret(t.stdout.trim());
    expect((await list(target)).find((p) => p.name === 'lab-us')?.needsKey).toBeUndefined();
  });

  it('exports only the named profiles, to stdout', async () => {
    const source = await teamOf('team-named');
    const r = await source.run(['profile', 'export', 'lab-basic']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).profiles.map((p: { name: string }) => p.name)).toEqual(['lab-basic']);
    const missing = await source.run(['profile', 'export', 'nope']);
    expect(missing.code).toBe(EXIT_CODES.usage);
  });

  const entry = (name: string, extra: Record<string, unknown> = {}) => ({ name, domain: 'demo-lab', region: 'us', includeIdentifiers: false, credentialKind: 'api-key', ...extra });
  const fileWith = (profiles: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ format: 'tessera-profiles', version: 1, profiles, ...extra });

  const BAD: Array<[label: string, text: string, message: string]> = [
    ['an unknown region in entry 2', fileWith([entry('ok-one'), entry('bad-two', { region: 'mars' })]), 'Profile 2 ("bad-two"): Unknown region "mars"'],
    ['a key in an entry', fileWith([entry('ok-one'), entry('with-key', { apiKey: 'abcdefghijklmnopqrstuvwxyz012345' })]), 'Profile 2 ("with-key")'],
    ['a name used twice', fileWith([entry('same'), entry('SAME')]), 'Profile 2 ("SAME"): the name is already used by profile 1 of the file (name)'],
    ['a password profile without its username', fileWith([entry('ok-one'), entry('basic-x', { credentialKind: 'basic' })]), 'Profile 2 ("basic-x"): a password profile needs its username (username)'],
    ['an http URL to another host', fileWith([entry('ok-one'), entry('plain', { icaUrl: 'http://ica.example.org/ica/rest' })]), 'Profile 2 ("plain")'],
    ['another format', JSON.stringify({ format: 'other', version: 1, profiles: [] }), 'not a Tessera profile file'],
    ['a newer version', fileWith([entry('a')], { version: 2 }), 'this Tessera reads version 1'],
    ['not JSON', '{"format": "tessera-profiles",', 'not JSON'],
  ];

  for (const [label, text, message] of BAD) {
    it(`a file with ${label} is refused naming the problem, and nothing is imported`, async () => {
      const cli = newCli(`team-bad-${label}`);
      const path = join(dir, `${label.replace(/\W+/g, '-')}.json`);
      writeFileSync(path, text);
      const r = await cli.run(['profile', 'import', path]);
      expect(r.code).toBe(EXIT_CODES.usage);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toContain('abcdefghijklmnopqrstuvwxyz012345');
      expect(await list(cli)).toEqual([]);
    });
  }

  it('a name that already exists is refused naming it, and none of the file is imported', async () => {
    const cli = newCli('team-clash');
    const add = await cli.run(['profile', 'add', 'taken', ...profileFlags(sim), '--api-key-stdin'], { input: sim.demo.apiKey });
    expect(add.code).toBe(0);
    const path = join(dir, 'clash.json');
    writeFileSync(path, fileWith([entry('fresh-one'), entry('Taken')]));
    const r = await cli.run(['profile', 'import', path]);
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stderr).toContain('A profile named "Taken" already exists');
    expect((await list(cli)).map((p) => p.name)).toEqual(['taken']);
  });

  it('on a terminal, asks for each key without echo; an empty answer leaves that profile "key needed"', async () => {
    const cli = newCli('team-terminal');
    const path = join(dir, 'terminal.json');
    writeFileSync(path, fileWith([entry('first', { icaUrl: sim.icaBaseUrl, tssUrl: sim.tssBaseUrl }), entry('second')]));
    const run = await runInTerminal(cli, ['profile', 'import', path], [
      ['API key for first', sim.demo.apiKey],
      ['API key for second', ''],
    ]);
    expect(run.code).toBe(0);
    expect(run.screen).not.toContain(sim.demo.apiKey);
    expect(run.screen).toContain('Stored the key of "first".');
    expect(run.screen).toContain('Key needed for second');
    const t = await cli.run(['token', 'first']);
    expect(t.code).toBe(0);
    recordSecret(t.stdout.trim());
    const profiles = await list(cli);
    expect(profiles.find((p) => p.name === 'second')?.needsKey).toBe(true);
  });
});
