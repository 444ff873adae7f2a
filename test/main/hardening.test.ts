import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import {
  contentSecurityPolicy,
  denyPermissionCheck,
  guardSession,
  guardWebContents,
  isAllowedExternalUrl,
  openExternalIfAllowed,
  withSecurityHeaders,
} from '../../src-main/hardening.js';
import { resolveRendererSource } from '../../src-main/origin.js';
import { createMainWindow } from '../../src-main/window.js';

const prod = resolveRendererSource({ isPackaged: true });
const dev = resolveRendererSource({ isPackaged: false, devServerUrl: 'http://localhost:5173' });

describe('the main window', () => {
  it('is isolated, sandboxed, without Node, with web security, no webviews, no insecure content', () => {
    const ctor = vi.fn();
    class FakeWindow {
      constructor(options: unknown) {
        ctor(options);
      }
    }
    createMainWindow(FakeWindow as never, { preload: '/app/out/preload/preload.cjs', devTools: false, bounds: { width: 1000, height: 700 } });
    const options = ctor.mock.calls[0]![0];
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      devTools: false,
    });
    expect(options.show).toBe(false);
    expect(options.webPreferences.disableBlinkFeatures).toContain('Auxclick');
  });

  it('allows DevTools only when asked (development builds)', () => {
    const ctor = vi.fn();
    createMainWindow(class { constructor(o: unknown) { ctor(o); } } as never, { preload: 'p', devTools: true, bounds: { width: 1000, height: 700 } });
    expect(ctor.mock.calls[0]![0].webPreferences.devTools).toBe(true);
  });
});

describe('Content-Security-Policy', () => {
  const directives = (csp: string) => new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));

  it('allows no inline script, no eval and no remote origin in production', () => {
    const csp = contentSecurityPolicy(prod);
    const d = directives(csp);
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('connect-src')).toEqual(["'self'"]);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|ws:|\*/);
  });

  it('adds only the loopback dev server (and its HMR socket) in a dev run', () => {
    const d = directives(contentSecurityPolicy(dev));
    expect(d.get('connect-src')).toEqual(["'self'", 'http://localhost:5173', 'ws://localhost:5173']);
    expect(d.get('script-src')).toEqual(["'self'"]);
  });

  it('replaces any CSP a response carries with ours', () => {
    const headers = withSecurityHeaders({ 'content-security-policy': ["default-src *"], 'X-Other': ['1'] }, "default-src 'self'");
    expect(headers['Content-Security-Policy']).toEqual(["default-src 'self'"]);
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['X-Other']).toEqual(['1']);
    expect(headers['X-Content-Type-Options']).toEqual(['nosniff']);
  });
});

type Listener = (event: { preventDefault(): void; url: string }) => void;
function fakeContents() {
  const listeners = new Map<string, Listener[]>();
  let openHandler: ((d: { url: string }) => { action: string }) | undefined;
  return {
    on: vi.fn((name: string, l: Listener) => listeners.set(name, [...(listeners.get(name) ?? []), l])),
    setWindowOpenHandler: vi.fn((h: typeof openHandler) => (openHandler = h)),
    fire(name: string, url = '') {
      const event = { url, preventDefault: vi.fn() };
      for (const l of listeners.get(name) ?? []) l(event);
      return event;
    },
    open: (url: string) => openHandler!({ url }),
  };
}

describe('navigation, new windows and webviews', () => {
  it('denies navigation away from the app, and opens allow-listed links externally instead', () => {
    const contents = fakeContents();
    const openExternal = vi.fn(async () => undefined);
    guardWebContents(contents as never, { source: prod, openExternal });
    expect(contents.fire('will-navigate', 'app://tessera/index.html#/settings').preventDefault).not.toHaveBeenCalled();
    expect(contents.fire('will-navigate', 'https://evil.example/').preventDefault).toHaveBeenCalled();
    expect(contents.fire('will-frame-navigate', 'file:///etc/passwd').preventDefault).toHaveBeenCalled();
    expect(openExternal).not.toHaveBeenCalled();
    expect(contents.fire('will-navigate', 'https://help.ica.illumina.com/home').preventDefault).toHaveBeenCalled();
    expect(openExternal).toHaveBeenCalledWith('https://help.ica.illumina.com/home');
    expect(contents.fire('will-redirect', 'https://evil.example/').preventDefault).toHaveBeenCalled();
    expect(contents.fire('will-attach-webview').preventDefault).toHaveBeenCalled();
  });

  it('denies every window.open, opening only allow-listed links in the browser', () => {
    const contents = fakeContents();
    const openExternal = vi.fn(async () => undefined);
    guardWebContents(contents as never, { source: prod, openExternal });
    expect(contents.open('https://support.illumina.com/x')).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledTimes(1);
    expect(contents.open('app://tessera/index.html')).toEqual({ action: 'deny' });
    expect(contents.open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledTimes(1);
  });
});

describe('session guards', () => {
  function fakeSession() {
    const s = {
      request: undefined as undefined | ((wc: unknown, p: string, cb: (g: boolean) => void) => void),
      check: undefined as undefined | ((wc: unknown, p: string) => boolean),
      device: undefined as undefined | ((d: unknown) => boolean),
      headers: undefined as undefined | ((d: { url: string; responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void),
      setPermissionRequestHandler: vi.fn((h) => (s.request = h)),
      setPermissionCheckHandler: vi.fn((h) => (s.check = h)),
      setDevicePermissionHandler: vi.fn((h) => (s.device = h)),
      webRequest: { onHeadersReceived: vi.fn((l) => (s.headers = l)) },
    };
    return s;
  }

  it('denies every permission request and check', () => {
    const s = fakeSession();
    guardSession(s as never, { source: prod });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'openExternal', 'fullscreen', 'hid', 'serial', 'usb', 'unknown']) {
      const callback = vi.fn();
      s.request!({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
      expect(s.check!({}, permission)).toBe(false);
    }
    expect(s.device!({})).toBe(false);
    expect(denyPermissionCheck()).toBe(false);
  });

  it('sets the CSP header on the app origin responses only', () => {
    const s = fakeSession();
    guardSession(s as never, { source: prod });
    const ours = vi.fn();
    s.headers!({ url: 'app://tessera/index.html', responseHeaders: {} }, ours);
    expect(ours.mock.calls[0]![0].responseHeaders['Content-Security-Policy']).toEqual([contentSecurityPolicy(prod)]);
    const theirs = vi.fn();
    s.headers!({ url: 'https://ica.illumina.com/ica/rest/api/tokens' }, theirs);
    expect(theirs).toHaveBeenCalledWith({});
  });
});

describe('external links allow-list', () => {
  it.each([
    ['https://help.ica.illumina.com/', true],
    ['https://help.ica.illumina.com/project/p-data#x', true],
    ['https://support.illumina.com/downloads.html', true],
    ['https://my-lab.login.illumina.com/platform-home/', true],
    ['https://MY-LAB.login.illumina.com/', true],
    ['https://help.ica.illumina.com:443/', true],
    ['http://help.ica.illumina.com/', false],
    ['https://help.ica.illumina.com:8443/', false],
    ['https://user:pw@help.ica.illumina.com/', false],
    ['https://login.illumina.com/', false],
    ['https://a.b.login.illumina.com/', false],
    ['https://evil.com/help.ica.illumina.com', false],
    ['https://help.ica.illumina.com.evil.com/', false],
    ['https://evil.com#@help.ica.illumina.com', false],
    ['javascript:alert(1)', false],
    ['file:///etc/passwd', false],
    ['app://tessera/index.html', false],
    ['not a url', false],
  ])('%s → %s', (url, allowed) => {
    expect(isAllowedExternalUrl(url)).toBe(allowed);
  });

  it('fuzz: nothing outside the Illumina hosts is ever opened', () => {
    fc.assert(
      fc.property(fc.oneof(fc.webUrl({ withFragments: true, withQueryParameters: true, validSchemes: ['http', 'https', 'ftp', 'file'] }), fc.string()), (url) => {
        const openExternal = vi.fn(async () => undefined);
        openExternalIfAllowed(url, openExternal);
        for (const [opened] of openExternal.mock.calls as unknown as [string][]) {
          const host = new URL(opened).hostname;
          expect(['help.ica.illumina.com', 'support.illumina.com'].includes(host) || host.endsWith('.login.illumina.com')).toBe(true);
          expect(new URL(opened).protocol).toBe('https:');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('hands the OS the re-serialised URL it checked', () => {
    const openExternal = vi.fn(async () => undefined);
    expect(openExternalIfAllowed('https://HELP.ica.illumina.com/a b', openExternal)).toBe(true);
    expect(openExternal).toHaveBeenCalledWith('https://help.ica.illumina.com/a%20b');
  });
});
