import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler, resolveRequestPath } from '../../src-main/protocol.js';

const CSP = "default-src 'self'";
let base: string;
let root: string;
let handler: (request: Request) => Promise<Response>;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'tessera-protocol-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Tessera</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(base, 'secret.txt'), 'TOP-SECRET-OUTSIDE-ROOT');
  mkdirSync(join(base, 'renderer-evil'));
  writeFileSync(join(base, 'renderer-evil', 'x.js'), 'TOP-SECRET-SIBLING');
  symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'));
  handler = createAppProtocolHandler({ root, headers: { 'Content-Security-Policy': CSP } });
});

const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

describe('app:// protocol', () => {
  it('is registered standard and secure, without CSP bypass or CORS', () => {
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ scheme: 'app', privileges: { standard: true, secure: true, bypassCSP: false, corsEnabled: false } });
  });

  it('serves the renderer with its CSP and the right content type', async () => {
    const index = await get('app://tessera/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toBe(CSP);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await index.text()).toContain('<title>Tessera</title>');
    const js = await get('app://tessera/assets/app.js');
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('content-security-policy')).toBe(CSP);
  });

  it('answers client-side routes with the entry page, and unknown files with 404', async () => {
    expect(await (await get('app://tessera/profiles/lab')).text()).toContain('Tessera');
    expect((await get('app://tessera/assets/missing.js')).status).toBe(404);
  });

  it('refuses other methods and other hosts', async () => {
    expect((await get('app://tessera/index.html', 'POST')).status).toBe(405);
    expect((await get('app://evil/index.html')).status).toBe(404);
    expect((await get('app://tessera:99/index.html')).status).toBe(404);
  });

  it.each([
    'app://tessera/../secret.txt',
    'app://tessera/..%2fsecret.txt',
    'app://tessera/%2e%2e/secret.txt',
    'app://tessera/%2e%2e%2fsecret.txt',
    'app://tessera/assets/..%2f..%2fsecret.txt',
    'app://tessera/..%5csecret.txt',
    'app://tessera/%2e%2e%5c%2e%2e%5csecret.txt',
    'app://tessera/..%252fsecret.txt',
    'app://tessera/%00/index.html',
    'app://tessera/C:%5cWindows%5cwin.ini',
    'app://tessera//etc/passwd',
    'app://tessera/%2fetc%2fpasswd',
    'app://tessera/../renderer-evil/x.js',
    'app://tessera/..%2frenderer-evil%2fx.js',
    'app://tessera/assets/link.txt',
  ])('refuses path traversal: %s', async (url) => {
    const response = await get(url);
    expect(response.status).not.toBe(200);
    expect(await response.text()).not.toContain('TOP-SECRET');
  });

  it('resolveRequestPath keeps every decoded path inside the root', () => {
    expect(resolveRequestPath(root, 'app://tessera/assets/app.js')).toBe(join(root, 'assets', 'app.js'));
    expect(resolveRequestPath(root, 'app://tessera/..%2f..%2fetc/passwd')).toBeNull();
    expect(resolveRequestPath(root, 'https://tessera/index.html')).toBeNull();
  });

  it('fuzz: no request path ever yields a file outside the renderer directory', async () => {
    const segment = fc.oneof(fc.constantFrom('..', '.', '%2e%2e', '%2E%2e', '..%2f', '%5c', '%2f', 'secret.txt', 'renderer-evil', 'x.js', 'assets', 'link.txt', 'index.html', '%00', ''), fc.string({ maxLength: 6 }));
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { maxLength: 6 }), async (parts) => {
        let url: string;
        try {
          url = new URL(`app://tessera/${parts.join('/')}`).href;
        } catch {
          return;
        }
        const response = await get(url);
        expect(await response.text()).not.toContain('TOP-SECRET');
        const target = resolveRequestPath(root, url);
        if (target) expect(target.startsWith(root)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
