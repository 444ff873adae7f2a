/**
 * The privileged `app://tessera/` protocol that serves the built renderer
 * (out/renderer) in production. A custom standard scheme gives the renderer a
 * real, stable origin (unlike file://, where every file is its own opaque origin
 * and any file on disk is one navigation away), which the IPC origin check and the
 * CSP's 'self' rely on. Requests are confined to the renderer directory.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { CustomScheme } from 'electron';
import { APP_HOST, APP_SCHEME } from './origin.js';

/** Registered before `app.ready`: standard (real origin), secure (a secure context), fetch-capable. */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, bypassCSP: false, allowServiceWorkers: false, stream: false, codeCache: false },
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Maps a request URL to a file under `root`, or null when the request must be
 * refused: wrong scheme or host, a path that decodes to `..`, a backslash, a NUL,
 * an absolute or drive path, or anything else that would leave `root`.
 */
export function resolveRequestPath(root: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host.toLowerCase() !== APP_HOST) return null;
  if (url.username || url.password || url.port) return null;
  // WHATWG parsing already collapsed literal and %2e dot segments. Encoded separators
  // (%2f, %5c) and NUL would smuggle a path past it: no asset of ours needs them.
  if (/%(2f|5c|00)/i.test(url.pathname) || url.pathname.includes('//')) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s === '..' || s === '.' || /^[A-Za-z]:/.test(s))) return null;
  const relativePath = segments.length === 0 ? 'index.html' : segments.join('/');
  const absoluteRoot = resolve(root);
  const target = resolve(absoluteRoot, relativePath);
  if (!isInside(absoluteRoot, target)) return null;
  return target;
}

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' ? false : !rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..');
}

export interface AppProtocolOptions {
  /** The built renderer directory (out/renderer). */
  root: string;
  /** Headers added to every response (the CSP and friends). */
  headers: Record<string, string>;
  readFile?: (path: string) => Promise<Uint8Array>;
}

/** The `protocol.handle` handler: GET and HEAD only, confined to `root`, symlinks included. */
export function createAppProtocolHandler(options: AppProtocolOptions): (request: Request) => Promise<Response> {
  const read = options.readFile ?? ((path: string) => readFile(path));
  const refuse = (status: number) => new Response(null, { status, headers: { ...options.headers } });
  let realRoot: Promise<string> | undefined;
  return async (request) => {
    try {
      if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405);
      const target = resolveRequestPath(options.root, request.url);
      if (!target) return refuse(404);
      let file = target;
      if (!extname(target)) {
        // Client-side routes (no extension) get the app's entry page.
        file = resolve(options.root, 'index.html');
      }
      // A symlink inside the renderer directory must not lead outside it.
      realRoot ??= realpath(options.root);
      const [rootReal, fileReal] = await Promise.all([realRoot, realpath(file)]);
      if (!isInside(rootReal, fileReal) || !(await stat(fileReal)).isFile()) return refuse(404);
      const body = await read(fileReal);
      const type = CONTENT_TYPES[extname(fileReal).toLowerCase()] ?? 'application/octet-stream';
      return new Response(request.method === 'HEAD' ? null : (body as BodyInit), {
        status: 200,
        headers: { ...options.headers, 'Content-Type': type, 'Cache-Control': 'no-cache' },
      });
    } catch {
      return refuse(404);
    }
  };
}
