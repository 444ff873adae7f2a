/**
 * `tessera shell <name>`: the user's shell with exec's environment, the token endpoint
 * and TESSERA_PROFILE; nothing global changes (icav2's files in HOME stay untouched).
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { newDataDir } from '../helpers/env.js';
import { assertNoSecrets, Cli, ensureCliBuilt, profileFlags, ROOT, simSecrets, startRecordingSim } from './cli-harness.js';

let sim: Sim;
let cli: Cli;
let home: string;

/** Every file under HOME/.icav2 with its content and modification time. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    out[name] = `${stat.mtimeMs} ${stat.mode} ${readFileSync(path, 'utf8')}`;
  }
  return out;
}

beforeAll(async () => {
  await ensureCliBuilt();
  sim = await startRecordingSim({ cases: 20 });
  home = newDataDir('shell-home');
  mkdirSync(join(home, '.icav2'), { mode: 0o700 });
  writeFileSync(join(home, '.icav2', 'config.yaml'), 'server-url: ica.illumina.com\noutput-format: table\ncolormode: none\n', { mode: 0o600 });
  writeFileSync(join(home, '.icav2', '.session.ica.yaml'), 'access-token: ""\nproject-id: someone-elses-project\n', { mode: 0o600 });
  cli = Cli.fresh('shell', { HOME: home });
  const add = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim, ['--workgroup', sim.demo.workgroup]), '--api-key-stdin'], { input: sim.demo.apiKey });
  expect(add.code).toBe(0);
});

afterEach(() => {
  assertNoSecrets(cli.outputs, simSecrets(sim));
});

afterAll(async () => {
  await sim?.close();
});

function refused(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('tessera shell', () => {
  it('starts $SHELL with TESSERA_PROFILE, the project and a working token endpoint, and changes nothing in ~/.icav2', async () => {
    const before = snapshot(join(home, '.icav2'));
    const project = sim.data.projects().find((p) => p.name === 'Pipeline Development')!;
    const commands = [
      'echo "profile=$TESSERA_PROFILE project=$ICAV2_PROJECT_ID server=$ICAV2_SERVER_URL"',
      'echo "url=$TESSERA_TOKEN_URL"',
      `printf 'Authorization: %s\\n' "$TESSERA_TOKEN_AUTH" | curl -sS --noproxy 127.0.0.1 -o /dev/null -w 'curl=%{http_code}\\n' -H @- "$TESSERA_TOKEN_URL"`,
      `python3 ${join(ROOT, 'docs', 'examples', 'long_job.py')} 1 0`,
      'echo "bash=${BASH_VERSION%%.*}"',
      'exit 5',
    ];
    const r = await cli.run(['shell', 'lab', '--project', 'pipeline development'], { input: `${commands.join('\n')}\n`, env: { SHELL: '/bin/bash' } });
    expect(r.stderr).toBe('');
    // The shell's exit code is tessera's.
    expect(r.code).toBe(5);
    expect(r.stdout).toContain(`profile=lab project=${project.id} server=127.0.0.1:${new URL(sim.url).port}\n`);
    expect(r.stdout).toContain('curl=200\n');
    expect(r.stdout).toMatch(/round 1: ICA answered 200/);
    expect(r.stdout).toMatch(/bash=\d+/);

    // Per terminal: nothing written to icav2's config or session files, no new file either.
    expect(snapshot(join(home, '.icav2'))).toEqual(before);
    const url = /url=(\S+)/.exec(r.stdout)![1]!;
    expect(await refused(url)).toBe(true);
  });

  it('falls back to /bin/sh without $SHELL', async () => {
    const r = await cli.run(['shell', 'lab'], { input: 'echo "$0 $TESSERA_PROFILE ${TESSERA_TOKEN_URL:+served}"\n', env: { SHELL: undefined } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^(\/bin\/)?sh lab served\n$/);
  });

  it('starts no shell when the profile does not exist', async () => {
    const r = await cli.run(['shell', 'nosuch'], { input: 'echo ran\n', env: { SHELL: '/bin/bash' } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});
