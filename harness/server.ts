/**
 * The e2e harness: the built renderer (out/renderer) and the real core, served over
 * the contract on 127.0.0.1, so the UI runs in real Chromium against the real core,
 * the simulator and the real keychain. Only the transport differs from Electron.
 *
 *   POST /rpc/<method>   body: JSON array of arguments → Envelope (via dispatch())
 *   GET  /events         Server-Sent Events: every TesseraEvent as one `data:` line
 *   GET  /               the renderer's index.html plus <script src="/__harness/bridge.js">
 *   GET  /?launch=<t>    one-time launch link: sets the session cookie, redirects to /
 *   GET  /__harness/clipboard  what the recording clipboard holds (test hook; only with testHooks)
 *
 * Security, though it only ever listens on loopback: a random per-run session secret
 * lives in an HttpOnly, SameSite=Strict cookie that the one-time launch link sets;
 * every request must carry it (constant-time compare), name this server in `Host`
 * (no DNS rebinding) and, for anything but a top-level navigation, come from this
 * origin (`Origin` / `Sec-Fetch-Site`). Arguments of secret-bearing methods are
 * never logged.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve, sep } from 'node:path';
import { transform } from 'esbuild';
import { startSim, type Sim, type SimOptions } from '../sim/index.js';
import { CONTRACT_METHODS, SECRET_BEARING_METHODS, type TesseraEvent } from '../src-shared/contract.js';
import {
  ensureDataDir,
  loadRpc,
  loadSecretStore,
  loadTessera,
  systemClock,
  systemTimers,
  type ClipboardPort,
  type SecretBackend,
  type SecretStore,
  type TesseraCore,
} from '../src-core/index.js';

const [{ dispatch, isContractMethod }, { createTessera }, { openSecretStore }] = await Promise.all([loadRpc(), loadTessera(), loadSecretStore()]);

const ROOT = resolve(import.meta.dirname, '..');
const COOKIE = 'tessera_harness';
const MAX_BODY = 1024 * 1024;

export interface ClipboardWrite {
  text: string;
  at: number;
}

/**
 * The harness's clipboard. Like a real one it holds the current value; only with
 * `record` (tests) does it also keep every write, so tests can check what was copied.
 * A person's `npm run harness` session must not pile up every token it copied.
 */
export class RecordingClipboard implements ClipboardPort {
  current = '';
  readonly writes: ClipboardWrite[] = [];
  constructor(private readonly record = false) {}
  writeSecret(text: string): void {
    this.current = text;
    if (this.record) this.writes.push({ text, at: Date.now() });
  }
  readText(): string {
    return this.current;
  }
  clear(): void {
    this.current = '';
  }
}

/** decodeURIComponent, or null for malformed percent-encoding (a client error, not a crash). */
function decodePath(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

export interface HarnessOptions {
  /** Data directory; default TESSERA_HOME, else a temporary directory removed on close. */
  dataDir?: string;
  port?: number;
  /** The built renderer; default out/renderer. */
  rendererDir?: string;
  /** Options for the simulator started by the demo tenant (port/host are fixed to loopback). */
  sim?: Omit<SimOptions, 'port' | 'host'>;
  /**
   * A secret store; default openSecretStore({ dataDir }) with the desktop app's choices:
   * TESSERA_SECRET_BACKEND, else `secretBackend`, else config.json, else the OS keychain;
   * a file vault without TESSERA_VAULT_PASSPHRASE starts locked and the lock screen asks.
   */
  secrets?: SecretStore;
  /** The backend when TESSERA_SECRET_BACKEND does not say (tests: `file` for the vault's lock screen). */
  secretBackend?: SecretBackend;
  /** Environment for the secret-store choice (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** The home directory the core looks in for ~/.icav2/config.yaml (default: the process's). */
  home?: string;
  /** Called with every secret the simulator issues (tests: recordSecret). */
  onSecret?: (secret: string) => void;
  /**
   * Serve /__harness/clipboard and keep every clipboard write for it. Off unless a test
   * turns it on (the Playwright fixtures do); `npm run harness` never does.
   */
  testHooks?: boolean;
  /** One line per request (method and status only). */
  log?: (line: string) => void;
  /** Called after each RPC with its duration (benchmarks split core time from renderer time). */
  onRpc?: (method: string, ms: number, ok: boolean) => void;
}

export interface Harness {
  /** http://127.0.0.1:<port> */
  origin: string;
  dataDir: string;
  core: TesseraCore;
  clipboard: RecordingClipboard;
  /**
   * Where "Save PDF…" and "Open" put report PDFs in the harness (the browser has no save
   * dialog for the core to open): a download directory outside the data directory.
   */
  downloads: string;
  /** A fresh one-time link that signs a browser in. */
  launchUrl(): string;
  /** The simulator behind the demo tenant, started on first use. */
  startSim(): Promise<Sim>;
  /** The running simulator, if any. */
  readonly sim: Sim | null;
  /** Stops the simulator (the platform "goes away"); the core keeps its cache. */
  stopSim(): Promise<void>;
  close(): Promise<void>;
}

function secretEquals(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

function send(res: ServerResponse, status: number, body: string | Buffer, type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    ...extra,
  });
  res.end(body);
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        resolveBody(text ? JSON.parse(text) : []);
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const rendererDir = resolve(options.rendererDir ?? join(ROOT, 'out', 'renderer'));
  const indexFile = join(rendererDir, 'index.html');
  try {
    statSync(indexFile);
  } catch {
    throw new Error(`The renderer is not built (${indexFile} is missing). Run: npx electron-vite build`);
  }

  const tempDir = !options.dataDir && !process.env.TESSERA_HOME;
  const dataDir = ensureDataDir(options.dataDir ?? process.env.TESSERA_HOME ?? mkdtempSync(join(tmpdir(), 'tessera-harness-')));
  const secrets =
    options.secrets ??
    (await openSecretStore({ dataDir, inAppUnlock: true, ...(options.secretBackend ? { backend: options.secretBackend } : {}), ...(options.env ? { env: options.env } : {}) }));
  const testHooks = options.testHooks ?? false;
  const clipboard = new RecordingClipboard(testHooks);
  const log = options.log ?? (() => undefined);

  let sim: Sim | null = null;
  let simStarting: Promise<Sim> | null = null;
  async function ensureSim(): Promise<Sim> {
    if (sim) return sim;
    simStarting ??= startSim({
      ...options.sim,
      port: 0,
      host: '127.0.0.1',
      ...(options.onSecret ? { onSecretIssued: options.onSecret } : {}),
    }).then(
      (s) => {
        sim = s;
        return s;
      },
      (error: unknown) => {
        simStarting = null;
        throw error;
      },
    );
    return simStarting;
  }

  const downloads = mkdtempSync(join(tmpdir(), 'tessera-harness-downloads-'));
  const core = createTessera({
    files: {
      async savePdf(suggestedName, bytes) {
        const name = basename(suggestedName);
        writeFileSync(join(downloads, name), bytes, { mode: 0o600 });
        return name;
      },
    },
    fetch: (input, init) => fetch(input, init),
    secrets,
    clock: systemClock,
    timers: systemTimers,
    paths: { dataDir, ...(options.home ? { home: options.home } : {}) },
    clipboard,
    appInfo: { version: 'harness', versions: { node: process.versions.node } },
    demo: async () => {
      const s = await ensureSim();
      return { icaUrl: s.icaBaseUrl, tssUrl: s.tssBaseUrl, domain: s.demo.domain, apiKey: s.demo.apiKey };
    },
  });

  // The bridge script, compiled once per run; the method list comes from the contract.
  const bridgeSource = readFileSync(join(import.meta.dirname, 'bridge.ts'), 'utf8');
  const bridgeJs = (
    await transform(bridgeSource, {
      loader: 'ts',
      format: 'iife',
      target: 'chrome120',
      define: { __TESSERA_METHODS__: JSON.stringify(CONTRACT_METHODS) },
    })
  ).code;

  // index.html with the bridge injected before the renderer's module script; a classic
  // script runs first, so window.tessera exists when the app boots. `script-src 'self'`
  // allows it: it is a same-origin file, not inline code.
  const indexHtml = readFileSync(indexFile, 'utf8').replace(/<script\b/, '<script src="/__harness/bridge.js"></script>\n    <script');
  const cspMatch = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(indexHtml);
  // frame-ancestors is honoured only in a header, so it is added here and not in the meta tag.
  const csp = `${cspMatch?.[1] ?? "default-src 'self'"}; frame-ancestors 'none'`;

  const sessionSecret = randomBytes(32).toString('base64url');
  const launchTokens = new Set<string>();
  const clients = new Set<ServerResponse>();
  let origin = '';
  let host = '';

  const unsubscribe = core.onEvent((event: TesseraEvent) => {
    const line = `data: ${JSON.stringify(event)}\n\n`;
    for (const c of clients) c.write(line);
  });
  const keepAlive = setInterval(() => {
    for (const c of clients) c.write(': keep-alive\n\n');
  }, 15_000);
  keepAlive.unref();

  function signedIn(req: IncomingMessage): boolean {
    const value = cookieValue(req, COOKIE);
    return !!value && secretEquals(value, sessionSecret);
  }

  /** Same-origin checks for API calls: Origin when present (always on POST), and Fetch Metadata. */
  function sameOrigin(req: IncomingMessage, requireOrigin: boolean): boolean {
    const o = req.headers.origin;
    if (o !== undefined ? o !== origin : requireOrigin) return false;
    const site = req.headers['sec-fetch-site'];
    return site === undefined || site === 'same-origin';
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: a page on another name that resolves to 127.0.0.1 sends its own Host.
    if (req.headers.host !== host) return send(res, 421, 'Misdirected request');
    const url = new URL(req.url ?? '/', origin);
    const path = url.pathname;

    if (req.method === 'GET' && path === '/' && url.searchParams.has('launch')) {
      const token = url.searchParams.get('launch') ?? '';
      if (!launchTokens.delete(token)) {
        // A used link opened again in a browser that is already signed in: just show the app.
        if (signedIn(req)) return send(res, 303, '', 'text/plain', { location: '/' });
        return send(res, 403, 'This launch link is invalid or was used already. Use the newest link the harness printed.');
      }
      return send(res, 303, '', 'text/plain', {
        location: '/',
        'set-cookie': `${COOKIE}=${sessionSecret}; HttpOnly; SameSite=Strict; Path=/`,
      });
    }

    if (!signedIn(req)) {
      return send(res, 401, 'Not signed in: open the launch link printed by `npm run harness`.');
    }

    if (req.method === 'POST' && path.startsWith('/rpc/')) {
      if (!sameOrigin(req, true)) return send(res, 403, 'Cross-origin request refused');
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 415, 'Expected application/json');
      const method = decodePath(path.slice('/rpc/'.length));
      if (method === null) return send(res, 400, 'Malformed percent-encoding in the path');
      let args: unknown;
      try {
        args = await readJson(req);
      } catch {
        return send(res, 400, JSON.stringify({ ok: false, error: { code: 'INVALID_INPUT', message: 'The request body is not valid JSON.' } }), 'application/json');
      }
      const started = performance.now();
      const envelope = isContractMethod(method) ? await dispatch(core, method, args) : { ok: false, error: { code: 'INVALID_INPUT', message: 'Unknown method' } };
      options.onRpc?.(method, performance.now() - started, envelope.ok);
      // Never the arguments: addProfile and replaceCredential carry keys, unlockVault the vault passphrase.
      log(`rpc ${method}${isContractMethod(method) && SECRET_BEARING_METHODS.has(method) ? ' (secret args)' : ''} → ${envelope.ok ? 'ok' : envelope.error.code} ${(performance.now() - started).toFixed(1)} ms`);
      return send(res, 200, JSON.stringify(envelope), 'application/json');
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed');

    if (path === '/events') {
      if (!sameOrigin(req, false)) return send(res, 403, 'Cross-origin request refused');
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-content-type-options': 'nosniff' });
      res.write(': connected\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }

    if (path === '/__harness/bridge.js') return send(res, 200, bridgeJs, TYPES['.js']);

    if (path === '/__harness/clipboard') {
      if (!testHooks) return send(res, 404, 'Not found');
      if (!sameOrigin(req, false)) return send(res, 403, 'Cross-origin request refused');
      return send(res, 200, JSON.stringify({ current: clipboard.current, writes: clipboard.writes }), 'application/json');
    }

    if (path === '/' || path === '/index.html') {
      return send(res, 200, indexHtml, TYPES['.html'], { 'content-security-policy': csp });
    }

    // Static assets of the built renderer, never outside its directory.
    const decoded = decodePath(path);
    if (decoded === null) return send(res, 400, 'Malformed percent-encoding in the path');
    const file = resolve(rendererDir, `.${decoded}`);
    if (!file.startsWith(rendererDir + sep)) return send(res, 404, 'Not found');
    try {
      const body = readFileSync(file);
      return send(res, 200, body, TYPES[extname(file)] ?? 'application/octet-stream');
    } catch {
      return send(res, 404, 'Not found');
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`harness error: ${error instanceof Error ? error.name : 'unknown'}`);
      if (!res.headersSent) send(res, 500, 'Internal error');
      else res.end();
    });
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => ready());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  host = `127.0.0.1:${port}`;

  let closed = false;
  return {
    origin,
    dataDir,
    core,
    clipboard,
    downloads,
    launchUrl() {
      const token = randomBytes(24).toString('base64url');
      launchTokens.add(token);
      return `${origin}/?launch=${token}`;
    },
    startSim: ensureSim,
    get sim() {
      return sim;
    },
    async stopSim() {
      const s = sim ?? (simStarting ? await simStarting.catch(() => null) : null);
      sim = null;
      simStarting = null;
      await s?.close();
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(keepAlive);
      unsubscribe();
      for (const c of clients) c.end();
      clients.clear();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      if (tempDir) {
        // A throwaway data dir must not leave orphaned keys in the keychain.
        const profiles = await core.listProfiles().catch(() => []);
        for (const p of profiles) await core.removeProfile(p.name).catch(() => undefined);
      }
      await core.dispose();
      rmSync(downloads, { recursive: true, force: true });
      const s = sim ?? (simStarting ? await simStarting.catch(() => null) : null);
      sim = null;
      await s?.close();
      if (tempDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
