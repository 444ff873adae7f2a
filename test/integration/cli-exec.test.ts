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
import { assertNoSecrets, Cli, collect, ensureCliBuilt, profileFlags, ROOT, simSecrets, startRecordingSim } from './cli-harness.js';
import { ICA_ACCEPT } from './sim-helpers.js';

const EXAMPLES = `${ROOT}/docs/examples`;

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
        server: e.ICAV2_SERVER_URL, base: e.ICAV2_BASE_URL, project: e.ICAV2_PROJECT_ID ?? null, tss: e.TESSERA_TSS_URL,
        endpoint: 'TESSERA_TOKEN_URL' in e || 'TESSERA_TOKEN_AUTH' in e, domain: e.TESSERA_DOMAIN,
        workgroup: e.TESSERA_WORKGROUP, profile: e.TESSERA_PROFILE,
        passphrase: 'TESSERA_VAULT_PASSPHRASE' in e,
        argvHasJwt: process.argv.some((a) => a.includes('eyJ')),
        args: process.argv.slice(1), // with -e there is no script path in argv
      }));`;
    // Variables an enclosing `tessera shell` of another profile would have set are not passed on.
    const inherited = { TESSERA_TOKEN_URL: 'http://127.0.0.1:9/token', TESSERA_TOKEN_AUTH: 'Bearer other-profiles-endpoint', ICAV2_PROJECT_ID: 'other-tenants-project' };
    const r = await cli.run(['exec', 'lab', '--', node, '-e', script, 'one', '--two'], { env: inherited });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const seen = JSON.parse(r.stdout) as Record<string, unknown>;
    const token = (await cli.run(['token', 'lab'])).stdout.trim();
    expect(seen.tokenSha).toBe(sha(token));
    expect(seen).toMatchObject({
      // icav2's server-url: the host, with the port since it is not 443; Python tools read the REST base.
      server: `127.0.0.1:${new URL(sim.url).port}`,
      base: sim.icaBaseUrl,
      project: null,
      endpoint: false,
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
  it('resolves --project by name or id into ICAV2_PROJECT_ID, and refuses unknown or ambiguous names listing the candidates', async () => {
    const projects = sim.data.projects();
    const byName = (name: string) => projects.find((p) => p.name === name)!;
    const print = ['-e', 'process.stdout.write(process.env.ICAV2_PROJECT_ID ?? "none")'];
    expect((await cli.run(['exec', 'lab', '--project', 'Oncology Validation', '--', node, ...print])).stdout).toBe(byName('Oncology Validation').id);
    // The exact name wins over a second one that differs only in case; a unique case-insensitive match is taken.
    expect((await cli.run(['exec', 'lab', '--project=rare disease wgs', '--', node, ...print])).stdout).toBe(byName('rare disease wgs').id);
    expect((await cli.run(['exec', 'lab', '--project', 'pipeline DEVELOPMENT', '--', node, ...print])).stdout).toBe(byName('Pipeline Development').id);
    // An id is checked with GET /api/projects/{id}; hidden projects have ids too. Options may also precede the name.
    const hidden = byName('Archive 2023');
    expect((await cli.run(['exec', '--project', hidden.id, 'lab', '--', node, ...print])).stdout).toBe(hidden.id);

    const ambiguous = await cli.run(['exec', 'lab', '--project', 'RARE DISEASE WGS', '--', node, '-e', "process.stdout.write('ran')"]);
    expect(ambiguous.code).toBe(EXIT_CODES.usage);
    expect(ambiguous.stdout).toBe('');
    expect(ambiguous.stderr).toContain(byName('Rare Disease WGS').id);
    expect(ambiguous.stderr).toContain(byName('rare disease wgs').id);

    const none = await cli.run(['exec', 'lab', '--project', 'Oncology', '--', node, '-e', "process.stdout.write('ran')"]);
    expect(none.code).toBe(EXIT_CODES.usage);
    expect(none.stderr).toContain('No ICA project named "Oncology"');
    expect(none.stderr).toContain('"Oncology Validation"');

    // Another tenant's project id is not found in this one.
    const partner = sim.data.projects(sim.demo.partner.domain)[0]!;
    const foreign = await cli.run(['exec', 'lab', '--project', partner.id, '--', node, '-e', "process.stdout.write('ran')"]);
    expect(foreign.code).toBe(EXIT_CODES.usage);
    expect(foreign.stderr).toContain(`No ICA project with id ${partner.id}`);

    const unknown = await cli.run(['exec', 'lab', '--frobnicate', '--', 'true']);
    expect(unknown.code).toBe(EXIT_CODES.usage);
  });

  it('gives Python (urllib), curl and an icav2 stand-in what each reads, and each calls the simulator with it', async () => {
    const project = sim.data.projects().find((p) => p.name === 'Oncology Validation')!;
    const python = await cli.run(['exec', 'lab', '--project', 'Oncology Validation', '--', 'python3', `${EXAMPLES}/ica-project.py`]);
    expect(python.stderr).toBe('');
    expect(python.stdout).toBe(`200 project 'Oncology Validation' (${project.id}), region US\n`);

    const curl = await cli.run(['exec', 'lab', '--project', project.id, '--', 'sh', '-c',
      `printf 'Authorization: Bearer %s\\n' "$ICAV2_ACCESS_TOKEN" | curl -sS -o /dev/null -w '%{http_code}' -H @- -H 'Accept: ${ICA_ACCEPT}' "$ICAV2_BASE_URL/api/projects/$ICAV2_PROJECT_ID"`]);
    expect(curl.stdout).toBe('200');

    // icav2 talks https to its server-url; the simulator speaks plain http, so the stand-in gets the scheme added.
    const icav2 = await cli.run(['exec', 'lab', '--', 'sh', '-c', `ICAV2_SERVER_URL="http://$ICAV2_SERVER_URL" ${EXAMPLES}/icav2-standin.sh`]);
    expect(icav2.stderr).toBe('');
    expect(icav2.stdout).toContain(`${project.id}  Oncology Validation`);
    const https = await cli.run(['exec', 'lab', '--', `${EXAMPLES}/icav2-standin.sh`]);
    expect(https.code).not.toBe(0);
  });
});
