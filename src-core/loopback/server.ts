/**
 * A small HTTP server on 127.0.0.1 that hands credentials to one child process (the
 * aws-vault server-mode pattern): `tessera exec --serve` serves tokens from it, and
 * other credential kinds can be served the same way (a route each).
 *
 * - Binds 127.0.0.1 on a port the OS picks; nothing else on the network can connect.
 * - Each server has its own random 256-bit secret. Only a request whose `Authorization`
 *   header is exactly `Bearer <secret>` is served (compared in constant time, through
 *   SHA-256 digests so the length does not leak either); anything else gets 401, logged
 *   with its method and path only, never the header.
 * - GET only, no request body, small headers, short timeouts, few connections: the
 *   only legitimate client is a local process asking for a few hundred bytes.
 * - `close()` stops listening and drops every open connection (keep-alive ones too), so
 *   the port is free as soon as it resolves.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../ports.js';

export interface LoopbackRequest {
  path: string;
  query: URLSearchParams;
}

export interface LoopbackResponse {
  status: number;
  /** Serialised as the JSON body. */
  json: unknown;
}

export type LoopbackRoute = (request: LoopbackRequest) => Promise<LoopbackResponse> | LoopbackResponse;

export interface LoopbackServerOptions {
  /** Exact paths (e.g. `/token`) to their handlers. */
  routes: Readonly<Record<string, LoopbackRoute>>;
  logger?: Logger;
  /** Names the server in log lines ("token endpoint"). */
  label?: string;
}

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  /** The exact `Authorization` header value a client must send: `Bearer <secret>`. */
  readonly authorization: string;
  /** The full URL of one of the routes. */
  urlOf(path: string): string;
  /** Stops listening and drops open connections; resolves when the port is free. Idempotent. */
  close(): Promise<void>;
}

/** Larger headers get 431 from Node before any handler runs. */
const MAX_HEADER_BYTES = 8 * 1024;
const MAX_CONNECTIONS = 32;
const LOGGED_PATH_CHARS = 64;

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

function send(res: ServerResponse, status: number, json: unknown, extra: Record<string, string> = {}): void {
  const body = JSON.stringify(json);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(body);
}

export async function startLoopbackServer(options: LoopbackServerOptions): Promise<LoopbackServer> {
  const authorization = `Bearer ${randomBytes(32).toString('base64url')}`;
  const expected = digest(authorization);
  const label = options.label ?? 'loopback server';
  const log = options.logger;

  const authorised = (req: IncomingMessage): boolean => {
    const value = req.headers.authorization;
    if (typeof value !== 'string') return false;
    return timingSafeEqual(digest(value), expected);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? '';
    if (!authorised(req)) {
      log?.warn(`${label}: request refused`, {
        method: method.slice(0, 10),
        path: url.pathname.slice(0, LOGGED_PATH_CHARS),
        status: 401,
        reason: req.headers.authorization === undefined ? 'no Authorization header' : 'wrong Authorization header',
      });
      send(res, 401, { error: 'unauthorized' }, { 'WWW-Authenticate': 'Bearer' });
      return;
    }
    if (method !== 'GET') {
      send(res, 405, { error: 'method not allowed' }, { Allow: 'GET', Connection: 'close' });
      return;
    }
    const length = Number(req.headers['content-length'] ?? '0');
    if (req.headers['transfer-encoding'] !== undefined || !(length === 0)) {
      // The body is never read: answer and drop the connection.
      send(res, 413, { error: 'a request body is not accepted' }, { Connection: 'close' });
      return;
    }
    const route = Object.hasOwn(options.routes, url.pathname) ? options.routes[url.pathname] : undefined;
    if (!route) {
      send(res, 404, { error: 'not found' });
      return;
    }
    const answer = await route({ path: url.pathname, query: url.searchParams });
    send(res, answer.status, answer.json);
  };

  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      log?.error(`${label}: handler failed`, { code: (error as { code?: unknown }).code ?? 'INTERNAL' });
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  server.maxConnections = MAX_CONNECTIONS;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  let closing: Promise<void> | undefined;

  return {
    origin,
    port,
    authorization,
    urlOf: (path) => `${origin}${path}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
