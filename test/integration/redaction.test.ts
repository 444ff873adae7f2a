/**
 * The CLI's error output and its TESSERA_DEBUG=1 output, from a real `tessera` process
 * against the simulator, when the platform's error text quotes a credential: neither
 * the message nor the stack and causes show it. The CLI process reads the credential
 * from the keychain itself (not from stdin), so only the core's registry of handled
 * secrets can know it.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { EXIT_CODES } from '../../src-shared/errors.js';
import { assertNoSecrets, cliSuite, profileFlags } from './cli-harness.js';

let sim: Sim;
const suite = cliSuite();
const newCli = suite.newCli;

beforeAll(async () => {
  sim = suite.sim;
});

afterEach(() => {
  sim.faults.clear();
});

describe('the CLI never prints a credential a server echoes', () => {
  it('an API key ICA quotes back in its problem detail', async () => {
    const cli = newCli('redact-key');
    const key = sim.createApiKey(sim.demo.domain);
    const add = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--no-verify', '--api-key-stdin'], { input: key });
    expect(add.code).toBe(0);
    const body = JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: `The API key ${key} (X-API-Key: ${key}) is not valid.` });
    sim.faults.add({ match: { method: 'POST', path: '/ica/rest/api/tokens' }, times: 2, fault: { kind: 'status', status: 401, body, contentType: 'application/problem+json' } });

    const plain = await cli.run(['token', 'lab']);
    const debug = await cli.run(['token', 'lab', '--force'], { env: { TESSERA_DEBUG: '1' } });
    for (const r of [plain, debug]) {
      expect(r.code).toBe(EXIT_CODES.credentials);
      expect(r.stdout).toBe('');
      // The server's explanation is still there, without the key.
      expect(r.stderr).toContain('is not valid');
    }
    expect(debug.stderr).toContain('[CREDENTIALS_REJECTED]');
    expect(debug.stderr).toMatch(/\n\s+at /);
    assertNoSecrets([plain.stderr, debug.stderr], [['the API key', key]]);
  });

  it('a password the CLI minted with, quoted by a failing TSS request that never carried it', async () => {
    const cli = newCli('redact-password');
    const { username, password } = sim.demo;
    // TSS is called with the ICA JWT (Bearer): the password only goes to ICA, in the same
    // process, because each profile is added without verification and mints on first use.
    for (const name of ['pw', 'pw-debug']) {
      const add = await cli.run(['profile', 'add', name, ...profileFlags(sim), '--no-verify', '--username', username, '--password-stdin'], { input: `${password}\n` });
      expect(add.code).toBe(0);
    }
    const body = JSON.stringify({ code: 'BAD_REQUEST', message: `Login ${username}:${password} is not permitted for test definitions.` });
    sim.faults.add({ match: { method: 'GET', path: '/tms/api/v1/testDefinitions' }, times: 2, fault: { kind: 'status', status: 400, body, contentType: 'application/json' } });

    const plain = await cli.run(['sync', 'pw'], { timeoutMs: 60_000 });
    const debug = await cli.run(['sync', 'pw-debug'], { env: { TESSERA_DEBUG: '1' }, timeoutMs: 60_000 });
    for (const r of [plain, debug]) {
      expect(r.code).toBe(EXIT_CODES.network);
      expect(r.stderr).toContain('is not permitted for test definitions');
    }
    expect(debug.stderr).toMatch(/\n\s+at /);
    assertNoSecrets([plain.stdout, plain.stderr, debug.stdout, debug.stderr], [['the password', password]]);
  });
});
