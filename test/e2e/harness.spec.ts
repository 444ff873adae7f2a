/**
 * The harness's own guards, over raw HTTP: one-time launch link, HttpOnly
 * SameSite=Strict session cookie, Host and Origin checks, no secret in its log, and
 * a production build that never carries the bridge script.
 */
import { test, expect } from '@playwright/test';
import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { newDataDir, recordSecret } from '../helpers/env.js';
import { startHarness, type Harness } from '../../harness/server.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = httpRequest(url, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', fail);
    req.end(init.body);
  });
}

let harness: Harness;
const lines: string[] = [];

test.beforeAll(async () => {
  harness = await startHarness({ dataDir: newDataDir('e2e-harness-guards'), onSecret: recordSecret, log: (l) => lines.push(l), sim: { cases: 20 } });
});
test.afterAll(async () => {
  await harness?.close();
});

async function signIn(): Promise<string> {
  const r = await send(harness.launchUrl());
  expect(r.status).toBe(303);
  const cookie = String(r.headers['set-cookie']);
  expect(cookie).toMatch(/HttpOnly/);
  expect(cookie).toMatch(/SameSite=Strict/);
  return cookie.split(';')[0]!;
}

test('the launch link works once and the session cookie is required everywhere', async () => {
  const url = harness.launchUrl();
  const first = await send(url);
  expect(first.status).toBe(303);
  expect(first.headers.location).toBe('/');
  expect((await send(url)).status).toBe(403);
  for (const path of ['/', '/events', '/__harness/clipboard', '/__harness/bridge.js']) {
    expect((await send(`${harness.origin}${path}`)).status, path).toBe(401);
  }
  const forged = await send(`${harness.origin}/`, { headers: { cookie: 'tessera_harness=forged' } });
  expect(forged.status).toBe(401);
});

test('RPC needs the session, the harness Host and its own Origin', async () => {
  const cookie = await signIn();
  const rpc = (headers: Record<string, string>) =>
    send(`${harness.origin}/rpc/listProfiles`, { method: 'POST', body: '[]', headers: { 'content-type': 'application/json', cookie, ...headers } });
  expect((await rpc({ origin: harness.origin })).status).toBe(200);
  expect((await rpc({})).status).toBe(403);
  expect((await rpc({ origin: 'http://evil.example' })).status).toBe(403);
  expect((await rpc({ origin: harness.origin, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  // DNS rebinding: another name that resolves to 127.0.0.1 sends its own Host.
  expect((await rpc({ origin: harness.origin, host: 'rebind.example:80' })).status).toBe(421);
  const text = await send(`${harness.origin}/rpc/listProfiles`, { method: 'POST', body: '[]', headers: { 'content-type': 'text/plain', cookie, origin: harness.origin } });
  expect(text.status).toBe(415);
  const unknown = await send(`${harness.origin}/rpc/constructor`, { method: 'POST', body: '[]', headers: { 'content-type': 'application/json', cookie, origin: harness.origin } });
  expect(JSON.parse(unknown.body)).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: 'Unknown method' } });
});

test('arguments of secret-bearing calls are never logged, and no key comes back', async () => {
  const cookie = await signIn();
  const sim = await harness.startSim();
  const key = sim.createApiKey(sim.demo.domain);
  recordSecret(key);
  const body = JSON.stringify([{ name: 'guarded', domain: sim.demo.domain, region: 'us', icaUrl: sim.icaBaseUrl, tssUrl: sim.tssBaseUrl, credential: { kind: 'api-key', apiKey: key }, verify: true }]);
  const r = await send(`${harness.origin}/rpc/addProfile`, { method: 'POST', body, headers: { 'content-type': 'application/json', cookie, origin: harness.origin } });
  expect(JSON.parse(r.body).ok).toBe(true);
  expect(r.body).not.toContain(key);
  expect(lines.some((l) => l.startsWith('rpc addProfile (secret args)'))).toBe(true);
  expect(lines.join('\n')).not.toContain(key);
});

test('static files stay inside the renderer build; only the harness adds the bridge', async () => {
  const cookie = await signIn();
  const index = await send(`${harness.origin}/`, { headers: { cookie } });
  expect(index.body).toContain('<script src="/__harness/bridge.js"></script>');
  expect(String(index.headers['content-security-policy'])).toContain("script-src 'self'");
  expect((await send(`${harness.origin}/%2e%2e/package.json`, { headers: { cookie } })).status).toBe(404);
  expect((await send(`${harness.origin}/assets/../../package.json`, { headers: { cookie } })).status).toBe(404);
  const built = readFileSync(resolve(import.meta.dirname, '..', '..', 'out', 'renderer', 'index.html'), 'utf8');
  expect(built).not.toContain('bridge');
});

test('malformed percent-encoding in a path is a 400, not a crash', async () => {
  const cookie = await signIn();
  const before = lines.length;
  expect((await send(`${harness.origin}/assets/%E0%A4%A.js`, { headers: { cookie } })).status).toBe(400);
  const rpc = await send(`${harness.origin}/rpc/list%ZZProfiles`, { method: 'POST', body: '[]', headers: { 'content-type': 'application/json', cookie, origin: harness.origin } });
  expect(rpc.status).toBe(400);
  expect(lines.slice(before).some((l) => l.includes('harness error'))).toBe(false);
});

test('the clipboard test hook is off unless a test turns it on, and then nothing copied is kept', async () => {
  // This harness was started like `npm run harness` (no testHooks).
  const cookie = await signIn();
  expect((await send(`${harness.origin}/__harness/clipboard`, { headers: { cookie } })).status).toBe(404);
  await harness.clipboard.writeSecret('eyJhbGciOiJub25lIn0.eyJ0ZXN0IjoxfQ.c2ln');
  expect(harness.clipboard.writes).toEqual([]);

  const hooked = await startHarness({ dataDir: newDataDir('e2e-harness-hooks'), testHooks: true, sim: { cases: 5 } });
  try {
    const r = await send(hooked.launchUrl());
    const hookedCookie = String(r.headers['set-cookie']).split(';')[0]!;
    await hooked.clipboard.writeSecret('eyJhbGciOiJub25lIn0.eyJ0ZXN0IjoyfQ.c2ln');
    const hook = await send(`${hooked.origin}/__harness/clipboard`, { headers: { cookie: hookedCookie } });
    expect(hook.status).toBe(200);
    expect((JSON.parse(hook.body) as { writes: unknown[] }).writes).toHaveLength(1);
  } finally {
    await hooked.close();
  }
});

test('a used launch link opened again in a signed-in browser shows the app, not an error', async () => {
  const url = harness.launchUrl();
  const first = await send(url);
  const cookie = String(first.headers['set-cookie']).split(';')[0]!;
  const again = await send(url, { headers: { cookie } });
  expect(again.status).toBe(303);
  expect(again.headers.location).toBe('/');
  // Without the session it stays refused.
  expect((await send(url)).status).toBe(403);
});

test('frame-ancestors is sent as a header only (a meta policy ignores it)', async () => {
  const cookie = await signIn();
  const index = await send(`${harness.origin}/`, { headers: { cookie } });
  expect(String(index.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(index.body)?.[1] ?? '';
  expect(meta).toContain("script-src 'self'");
  expect(meta).not.toContain('frame-ancestors');
});

test('loading the app logs no console error or warning (no favicon 404, no ignored CSP directive)', async ({ page }) => {
  const messages: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') messages.push(`${m.type()}: ${m.text()}`);
  });
  const failed: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(harness.launchUrl());
  await expect(page.locator('.app, .welcome, .lock-screen').first()).toBeVisible();
  // The favicon is requested after load; give it the moment it takes.
  await page.waitForLoadState('networkidle');
  expect(messages).toEqual([]);
  expect(failed).toEqual([]);
});
