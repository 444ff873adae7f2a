/**
 * The CLI's fetch port: HTTPS_PROXY is honoured for platform hosts (seen by a real
 * proxy listening on loopback), loopback hosts always go direct, and `http://` to a
 * remote host is refused before anything is sent.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { EXIT_CODES } from '../../src-shared/errors.js';
import { cliSuite, profileFlags } from './cli-harness.js';

let sim: Sim;
const suite = cliSuite();
const newCli = suite.newCli;
let proxy: Server;
let proxyUrl: string;
const seenByProxy: string[] = [];

beforeAll(async () => {
  sim = suite.sim;
  // A proxy that records what it is asked for and refuses it: enough to prove the route.
  proxy = createServer((req, res) => {
    seenByProxy.push(`${req.method} ${req.url}`);
    res.writeHead(502).end();
  });
  proxy.on('connect', (req, socket) => {
    seenByProxy.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterEach(() => {
  seenByProxy.length = 0;
});

afterAll(async () => {
  await new Promise<void>((r) => proxy?.close(() => r()));
});

describe('proxies', () => {
  it('sends platform requests through HTTPS_PROXY (a CONNECT to the ICA host)', async () => {
    const cli = newCli('proxy-remote', { HTTPS_PROXY: proxyUrl });
    const add = await cli.run(
      ['profile', 'add', 'remote', '--domain', 'demo-lab', '--region', 'us', '--ica-url', 'https://ica.tessera-proxy-test.invalid/ica/rest', '--no-verify', '--api-key-stdin'],
      { input: sim.demo.apiKey },
    );
    expect(add.code).toBe(0);
    const r = await cli.run(['token', 'remote'], { timeoutMs: 60_000 });
    expect(r.code).toBe(EXIT_CODES.network);
    expect(r.stderr).toMatch(/^tessera: /);
    expect(r.stderr).toContain('proxy settings');
    expect(seenByProxy).toContain('CONNECT ica.tessera-proxy-test.invalid:443');
  }, 70_000);

  it('goes direct to loopback hosts even when a proxy is set', async () => {
    const cli = newCli('proxy-loopback', { HTTPS_PROXY: proxyUrl, HTTP_PROXY: proxyUrl, ALL_PROXY: proxyUrl });
    const add = await cli.run(['profile', 'add', 'lab', ...profileFlags(sim), '--api-key-stdin'], { input: sim.demo.apiKey });
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect((await cli.run(['token', 'lab', '--force'])).code).toBe(0);
    expect(seenByProxy).toEqual([]);
  });

  it('refuses http:// to a remote host without sending the key anywhere', async () => {
    const cli = newCli('proxy-insecure', { HTTP_PROXY: proxyUrl });
    const add = await cli.run(
      ['profile', 'add', 'plain', '--domain', 'demo-lab', '--region', 'us', '--ica-url', 'http://ica.tessera-proxy-test.invalid/ica/rest', '--no-verify', '--api-key-stdin'],
      { input: sim.demo.apiKey },
    );
    // Refused either when the profile is saved or when the token is requested; never sent.
    if (add.code === 0) {
      const r = await cli.run(['token', 'plain']);
      expect(r.code).toBe(EXIT_CODES.usage);
      expect(r.stderr).toContain('https');
    } else {
      expect(add.code).toBe(EXIT_CODES.usage);
    }
    expect(seenByProxy).toEqual([]);
  });
});
