/**
 * Where the renderer comes from, and which origins main trusts. In production the
 * renderer is served by the privileged `app://tessera/` protocol; only an unpackaged
 * build with ELECTRON_RENDERER_URL (electron-vite's dev server) loads from loopback
 * HTTP. Everything that checks an origin (IPC, navigation, CSP) reads it from here.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'tessera';
const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export interface RendererSource {
  /** The URL the main window loads. */
  url: string;
  /** The one origin whose frames may call IPC and navigate within the app. */
  origin: string;
  /** True only for the unpackaged dev-server run: DevTools and a relaxed CSP for HMR. */
  devServer: boolean;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The origin of a URL as Chromium sees it. Node's WHATWG URL reports `null` for
 * non-special schemes such as `app:`, while Chromium treats a scheme registered as
 * standard like http, so the custom scheme is computed by hand.
 */
export function originOf(url: string | undefined | null): string | null {
  if (typeof url !== 'string' || url.length === 0 || url.length > 8192) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol === `${APP_SCHEME}:`) return parsed.host ? `${APP_SCHEME}://${parsed.host.toLowerCase()}` : null;
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed.origin;
  return null;
}

/** Picks the renderer's source; a dev-server URL is honoured only when unpackaged and on loopback. */
export function resolveRendererSource(options: { isPackaged: boolean; devServerUrl?: string | undefined }): RendererSource {
  const dev = options.devServerUrl;
  if (!options.isPackaged && dev) {
    try {
      const parsed = new URL(dev);
      if ((parsed.protocol === 'http:' || parsed.protocol === 'https:') && LOOPBACK.has(parsed.hostname)) {
        return { url: parsed.href, origin: parsed.origin, devServer: true };
      }
    } catch {
      // An unparsable dev URL falls through to the packaged files.
    }
  }
  return { url: APP_ENTRY_URL, origin: APP_ORIGIN, devServer: false };
}

export function isTrustedUrl(url: string | undefined | null, source: Pick<RendererSource, 'origin'>): boolean {
  const origin = originOf(url);
  return origin !== null && origin === source.origin;
}
