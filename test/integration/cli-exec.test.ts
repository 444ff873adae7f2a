/**
 * `tessera exec <name> -- <command> …`: the token and the profile's URLs reach the
 * child through its environment (never its argv), and the child's exit code and
 * signals pass through as if it had been started directly.
 */
import { createHash } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { EXIT_CODES } from '../../src-shared/errors.js';
import { assertNoSecrets, Cli, collect, ensureCliBuilt, profileFlags, simSecrets, startRecordingSim } from './cli-harness.js';

let sim: Sim;
let cli: Cli;
const node = process.execPath;

beforeAll(async () => {
  await ensureCliBuilt();
  sim = await startRecordingSim();
  cli = Cli.fresh('exec', { TESSERA_VAULT_PASSPHRASE: 'not-used-but-must-not-leak-to-the-child' });
  const add = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim, ['--workgroup', sim.demo.workgroup]), '--api-key-stdin'], { input: sim.demo.apiKey });
  expect(add.code).toBe(0);
});

afterEach(() => {
  assertNoSecrets(cli.outputs, simSecrets(sim));
});

afterAll(async () => {
  await sim?.close();
});

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Resolves once the child has written `marker` to stdout (it is ready for a signal). */
function waitFor(child: ChildProcess, marker: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    child.stdout?.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(marker)) resolve();
    });
  });
}

describe('tessera exec', () => {
  it('passes the token and the profile in the environment, not in argv, and withholds the vault passphrase', async () => {
    const script = `
      const crypto = require('node:crypto');
      const e = process.env;
      process.stdout.write(JSON.stringify({
        tokenSha: e.ICAV2_ACCESS_TOKEN ? crypto.createHash('sha256').update(e.ICAV2_ACCESS_TOKEN).digest('hex') : null,
        server: e.ICAV2_SERVER_URL, tss: e.TESSERA_TSS_URL, domain: e.TESSERA_DOMAIN,
        workgroup: e.TESSERA_WORKGROUP, profile: e.TESSERA_PROFILE,
        passphrase: 'TESSERA_VAULT_PASSPHRASE' in e,
        argvHasJwt: process.argv.some((a) => a.includes('eyJ')),
        args: process.argv.slice(1), // with -e there is no script path in argv
      }));`;
    const r = await cli.run(['exec', 'lab', '--', node, '-e', script, 'one', '--two']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const seen = JSON.parse(r.stdout) as Record<string, unknown>;
    const token = (await cli.run(['token', 'lab'])).stdout.trim();
    expect(seen.tokenSha).toBe(sha(token));
    expect(seen).toMatchObject({
      server: sim.icaBaseUrl,
      tss: sim.tssBaseUrl,
      domain: sim.demo.domain,
      workgroup: sim.demo.workgroup,
      profile: 'lab',
      passphrase: false,
      argvHasJwt: false,
      // Options after the command belong to the command.
      args: ['one', '--two'],
    });
  });

  it('passes the exit code through', async () => {
    const r = await cli.run(['exec', 'lab', '--', node, '-e', 'process.exit(7)']);
    expect(r.code).toBe(7);
    expect((await cli.run(['exec', 'lab', '--', node, '-e', 'process.exit(0)'])).code).toBe(0);
  });

  it('dies of the same signal as its child', async () => {
    const r = await cli.run(['exec', 'lab', '--', node, '-e', "process.kill(process.pid, 'SIGTERM')"]);
    // Re-raised on itself, so the parent sees a signal death (a shell shows 143).
    expect(r.signal).toBe('SIGTERM');
    expect(r.code).toBeNull();
  });

  it('forwards SIGINT, SIGTERM and SIGHUP to the child', async () => {
    const handles = `
      for (const [sig, code] of [['SIGINT', 42], ['SIGHUP', 43]]) process.on(sig, () => { process.stdout.write('got ' + sig + '\\n'); process.exit(code); });
      process.stdout.write('ready\\n');
      setInterval(() => {}, 1000);`;
    for (const [signal, code] of [['SIGINT', 42], ['SIGHUP', 43]] as const) {
      const child = cli.spawn(['exec', 'lab', '--', node, '-e', handles]);
      const done = collect(child, 20_000);
      await waitFor(child, 'ready');
      child.kill(signal);
      const r = await done;
      expect(r.stdout).toContain(`got ${signal}`);
      expect(r.code).toBe(code);
    }

    // A child without a handler dies of the forwarded SIGTERM, and so does tessera.
    const child = cli.spawn(['exec', 'lab', '--', node, '-e', "process.stdout.write('ready\\n'); setInterval(() => {}, 1000);"]);
    const done = collect(child, 20_000);
    await waitFor(child, 'ready');
    child.kill('SIGTERM');
    const r = await done;
    expect(r.signal).toBe('SIGTERM');
  });

  it('reports a missing command with exit code 127 and a missing command name as a usage error', async () => {
    const missing = await cli.run(['exec', 'lab', '--', 'tessera-no-such-command-xyz']);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain('command not found: tessera-no-such-command-xyz');

    const none = await cli.run(['exec', 'lab', '--']);
    expect(none.code).toBe(EXIT_CODES.usage);
  });

  it('does not start the command when no token can be had', async () => {
    const other = Cli.fresh('exec-revoked');
    const key = sim.createApiKey(sim.demo.domain);
    await other.run(['profile', 'add', 'lab', ...profileFlags(sim), '--no-verify', '--api-key-stdin'], { input: key });
    sim.revokeKey(key);
    const r = await other.run(['exec', 'lab', '--', node, '-e', "process.stdout.write('ran')"]);
    expect(r.code).toBe(EXIT_CODES.credentials);
    expect(r.stdout).toBe('');
    assertNoSecrets(other.outputs, [['the revoked key', key]]);
  });
});
