/**
 * The loopback credential server over real sockets: only the exact Authorization value
 * is served, refusals are logged without it, GET only, bounded requests, and close()
 * frees the port even with a keep-alive connection open.
 */
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from '../../src-core/loopback/server.js';
import type { Logger } from '../../src-core/ports.js';
import { recordSecret } from '../helpers/env.js';

const open: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const put = (level: string) => (message: string, fields?: Record<string, unknown>) => lines.push(JSON.stringify({ level, message, ...fields }));
  return { lines, debug: put('debug'), info: put('info'), warn: put('warn'), error: put('error') };
}

async function start(logger?: Logger): Promise<LoopbackServer> {
  const server = await startLoopbackServer({ label: 'test server', ...(logger && { logger }), routes: { '/thing': ({ query }) => ({ status: 200, json: { ok: true, q: query.get('q') } }) } });
  recordSecret(server.authorization);
  open.push(server);
  return server;
}

interface Answer {
  status: number;
  body: string;
}

/** A raw HTTP request (fetch cannot send every header shape these tests need). */
function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; agent?: false } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function connectable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code !== 'ECONNREFUSED'));
  });
}

describe('startLoopbackServer', () => {
  it('binds 127.0.0.1 with a fresh 256-bit secret per server and serves the exact Authorization value', async () => {
    const a = await start();
    const b = await start();
    expect(a.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const secret = a.authorization.replace(/^Bearer /, '');
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(a.authorization).not.toBe(b.authorization);

    const ok = await send(`${a.urlOf('/thing')}?q=1`, { headers: { Authorization: a.authorization } });
    expect(ok).toEqual({ status: 200, body: JSON.stringify({ ok: true, q: '1' }) });
    // Another server's secret is just a wrong one.
    expect((await send(a.urlOf('/thing'), { headers: { Authorization: b.authorization } })).status).toBe(401);
  });

  it('answers 401 to anything but the exact value and logs the refusal without it', async () => {
    const logger = memoryLogger();
    const server = await start(logger);
    const secret = server.authorization.replace(/^Bearer /, '');
    const wrong: Array<Record<string, string>> = [
      {},
      { Authorization: secret },
      { Authorization: `bearer ${secret}` },
      { Authorization: `Bearer  ${secret}` },
      { Authorization: `${server.authorization}x` },
      { Authorization: server.authorization.slice(0, -1) },
      { Authorization: 'Bearer wrong-value-sent-by-someone' },
      { 'X-Authorization': server.authorization },
    ];
    for (const headers of wrong) {
      const answer = await send(server.urlOf('/thing'), { headers });
      expect(answer.status).toBe(401);
      expect(answer.body).not.toContain(secret);
    }
    // Unauthenticated requests learn nothing else either: no 404 or 405 before the 401.
    expect((await send(server.urlOf('/elsewhere'))).status).toBe(401);
    expect((await send(server.urlOf('/thing'), { method: 'POST' })).status).toBe(401);

    const refusals = logger.lines.filter((l) => l.includes('request refused'));
    expect(refusals).toHaveLength(wrong.length + 2);
    for (const line of logger.lines) {
      expect(line).not.toContain(secret);
      expect(line).not.toContain('wrong-value-sent-by-someone');
    }
    expect(refusals[0]).toContain('no Authorization header');
  });

  it('serves GET only, without a body, on its routes only, with bounded headers', async () => {
    const server = await start();
    const auth = { Authorization: server.authorization };
    expect((await send(server.urlOf('/thing'), { method: 'POST', headers: auth })).status).toBe(405);
    expect((await send(server.urlOf('/thing'), { method: 'DELETE', headers: auth })).status).toBe(405);
    expect((await send(server.urlOf('/thing'), { headers: { ...auth, 'Content-Length': '5' }, body: 'hello' })).status).toBe(413);
    expect((await send(server.urlOf('/other'), { headers: auth })).status).toBe(404);
    expect((await send(server.urlOf('/__proto__'), { headers: auth })).status).toBe(404);
    expect((await send(server.urlOf('/thing'), { headers: { ...auth, 'X-Filler': 'a'.repeat(16 * 1024) } })).status).toBe(431);
  });

  it('close() frees the port even while a client holds a keep-alive connection', async () => {
    const server = await start();
    // A raw keep-alive connection that has made one request and stays open.
    const socket = connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`GET /thing HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${server.authorization}\r\nConnection: keep-alive\r\n\r\n`);
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    const closedByServer = new Promise<void>((resolve) => socket.once('close', () => resolve()));

    await server.close();
    await closedByServer;
    expect(await connectable(server.port)).toBe(false);
    // The port can be bound again at once.
    const again = createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(server.port, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((resolve) => again.close(() => resolve()));
    // Idempotent.
    await server.close();
  });
});
