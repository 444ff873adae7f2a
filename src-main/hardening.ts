/**
 * Renderer hardening: the Content-Security-Policy, the external-link allow-list, and
 * the handlers that deny navigation, new windows, webviews and every permission.
 * (The window's webPreferences are in window.ts.)
 * Pure builders and small installers over structural types, so the tests can check
 * each decision without an Electron binary.
 */
import { domainProblem } from '../src-shared/rules.js';
import { isTrustedUrl, type RendererSource } from './origin.js';

/**
 * The renderer's Content-Security-Policy, also sent as a response header (the
 * renderer's index.html carries the same policy as a meta tag; both apply).
 * No inline script, no eval, no remote origin: everything comes from the app itself.
 * The dev-server variant adds only the loopback origin and its HMR websocket.
 */
export function contentSecurityPolicy(source: Pick<RendererSource, 'origin' | 'devServer'>): string {
  const self = "'self'";
  const connect = source.devServer ? `${self} ${source.origin} ${source.origin.replace(/^http/, 'ws')}` : self;
  return [
    `default-src ${self}`,
    `script-src ${self}`,
    `style-src ${self}`,
    `img-src ${self} data:`,
    `font-src ${self}`,
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "worker-src 'none'",
  ].join('; ');
}

// ---- External links ------------------------------------------------------------

const ALLOWED_EXTERNAL_HOSTS = new Set(['help.ica.illumina.com', 'support.illumina.com']);
const LOGIN_SUFFIX = '.login.illumina.com';
/** `<tenant>.login.illumina.com`, where `<tenant>` is a tenant domain by the profile rule. */
const isTenantLoginHost = (host: string): boolean => host.endsWith(LOGIN_SUFFIX) && domainProblem(host.slice(0, -LOGIN_SUFFIX.length)) === null;

/** Only https links to Illumina's documentation, support and tenant login hosts leave the app. */
export function isAllowedExternalUrl(url: unknown): boolean {
  if (typeof url !== 'string' || url.length > 2048) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:') return false;
  if (parsed.username || parsed.password) return false;
  if (parsed.port && parsed.port !== '443') return false;
  const host = parsed.hostname.toLowerCase();
  return ALLOWED_EXTERNAL_HOSTS.has(host) || isTenantLoginHost(host);
}

/** Opens an allow-listed link in the system browser; returns whether it did. */
export function openExternalIfAllowed(url: string, openExternal: (url: string) => Promise<void>): boolean {
  if (!isAllowedExternalUrl(url)) return false;
  // Re-serialise so what the OS receives is exactly the URL that was checked.
  void openExternal(new URL(url).href).catch(() => undefined);
  return true;
}

// ---- Navigation, new windows, webviews --------------------------------------------

/** The parts of webContents the guards attach to. */
export interface GuardedContents {
  on(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', listener: (event: { preventDefault(): void; url: string }) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
}

/**
 * Denies every navigation away from the app's own origin (an allow-listed link goes
 * to the system browser instead), every new window and every webview.
 */
export function guardWebContents(
  contents: GuardedContents,
  options: { source: Pick<RendererSource, 'origin'>; openExternal: (url: string) => Promise<void> },
): void {
  const onNavigate = (event: { preventDefault(): void; url: string }) => {
    // In-app navigation (a reload, a hash change) stays allowed; everything else is stopped.
    if (isTrustedUrl(event.url, options.source)) return;
    event.preventDefault();
    openExternalIfAllowed(event.url, options.openExternal);
  };
  contents.on('will-navigate', onNavigate);
  contents.on('will-frame-navigate', onNavigate);
  contents.on('will-redirect', (event) => {
    if (!isTrustedUrl(event.url, options.source)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternalIfAllowed(url, options.openExternal);
    return { action: 'deny' };
  });
}

// ---- Session: permissions and CSP header --------------------------------------

export interface GuardedSession {
  setPermissionRequestHandler(handler: ((webContents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null): void;
  setPermissionCheckHandler(handler: ((webContents: unknown, permission: string) => boolean) | null): void;
  setDevicePermissionHandler?(handler: ((details: unknown) => boolean) | null): void;
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { url: string; responseHeaders?: Record<string, string[] | string> },
        callback: (response: { responseHeaders?: Record<string, string[] | string>; cancel?: boolean }) => void,
      ) => void,
    ): void;
  };
}

/** Tessera needs no web permission (no camera, notifications from the page, clipboard, ...): deny all. */
const denyPermissionRequest = (_webContents: unknown, _permission: string, callback: (granted: boolean) => void): void => callback(false);
export const denyPermissionCheck = (): boolean => false;

/**
 * Adds the CSP (and a few isolation headers) to every response of the app's own
 * origin. Responses from elsewhere are left as they are; the page cannot load them
 * anyway, and main's own net.fetch traffic is not a renderer response.
 */
export function withSecurityHeaders(
  headers: Record<string, string[] | string> | undefined,
  csp: string,
): Record<string, string[] | string> {
  const out: Record<string, string[] | string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    out[name] = value;
  }
  out['Content-Security-Policy'] = [csp];
  out['X-Content-Type-Options'] = ['nosniff'];
  out['Cross-Origin-Opener-Policy'] = ['same-origin'];
  out['Referrer-Policy'] = ['no-referrer'];
  return out;
}

export function guardSession(session: GuardedSession, options: { source: Pick<RendererSource, 'origin' | 'devServer'> }): void {
  session.setPermissionRequestHandler(denyPermissionRequest);
  session.setPermissionCheckHandler(denyPermissionCheck);
  session.setDevicePermissionHandler?.(() => false);
  const csp = contentSecurityPolicy(options.source);
  session.webRequest.onHeadersReceived((details, callback) => {
    if (isTrustedUrl(details.url, options.source)) callback({ responseHeaders: withSecurityHeaders(details.responseHeaders, csp) });
    else callback({});
  });
}
