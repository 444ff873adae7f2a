/**
 * The one HTTP helper every platform client (ICA now, TSS next) goes through, over the
 * injected FetchPort (Electron's net.fetch, undici with proxy support, Node's fetch).
 *
 * It owns: transport security (https only, http for loopback), a per-attempt timeout
 * through an AbortSignal that also covers reading the body, bounded retries (policy in
 * retry.ts), redirects refused (a redirect could carry X-API-Key to another host),
 * typed errors whose messages name the endpoint and status and never a header value,
 * JSON parsing and zod validation of the body (or a hand-written check that agrees with
 * the schema, which then only explains a rejection).
 */
import * as z from '../../src-shared/zod.js';
import { formatIssue } from '../../src-shared/issues.js';
import type { Clock, FetchPort, Logger } from '../ports.js';
import { systemClock } from '../ports.js';
import { TesseraError } from '../errors.js';
import { assertSecureUrl, endpointLabel } from './url.js';
import { parseProblem, statusError, type HttpStatusError } from './errors.js';
import { redactForeign } from '../redact.js';
import { backoffDelay, isRetryableStatus, parseRetryAfter, resolvePolicy, type RetryPolicy } from './retry.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export type QueryValue = string | number | boolean | undefined | null | readonly (string | number | boolean)[];

export interface RequestSpec<T> {
  method: HttpMethod;
  url: string | URL;
  /** Appended to the URL's query; arrays repeat the parameter (TSS `tags`). */
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** A JSON body (sets Content-Type: application/json). */
  json?: unknown;
  /** A raw body with its own Content-Type header. */
  body?: string;
  /** Media types we expect in a successful response; also sent as `Accept` unless a header sets it. */
  accept?: readonly string[];
  /**
   * Sees the raw body of a successful answer before it is parsed; when it returns true
   * the caller already holds this exact body (a sync page unchanged since last time):
   * it is neither parsed nor validated, and `body` is undefined.
   */
  known?: (bytes: Buffer) => boolean;
  /** Validates the parsed JSON body; without it the body is discarded and `body` is undefined. */
  schema?: z.core.$ZodType<T>;
  /**
   * A hand-written check that accepts exactly what `schema` accepts, for bodies read by
   * the thousand (case pages): it answers the valid value, or undefined, and only then
   * does `schema` run, to accept it after all or to say what is wrong in its words.
   */
  check?: (value: unknown) => T | undefined;
  /**
   * Answers the body as bytes (a Buffer, as `T`) instead of JSON, e.g. a PDF; the
   * response's media type must be one of `accept`. Errors still parse as JSON problems.
   */
  binary?: boolean;
  /** Success statuses; default any 2xx. */
  okStatuses?: readonly number[];
  /** Per-attempt timeout; default the deps' (settings.requestTimeoutSeconds). Slow endpoints pass longer ones. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy> | false;
  /** Whether doing the request twice is harmless; default true for GET/HEAD/PUT/DELETE/OPTIONS. */
  idempotent?: boolean;
  /** Cancels the call (CANCELLED), e.g. a sync the user stopped. */
  signal?: AbortSignal;
  /** Extra values (besides header values) that must never appear in a message. */
  secrets?: readonly string[];
  /**
   * The largest body (of any status) read; past it the transfer is dropped and the call
   * fails with RESPONSE_TOO_LARGE. Default DEFAULT_MAX_BODY_BYTES.
   */
  maxBodyBytes?: number;
}

export interface HttpResult<T> {
  status: number;
  headers: Headers;
  body: T;
  url: URL;
  attempts: number;
  /** Local clock (ms) when the successful attempt was sent and when its headers arrived. */
  sentAt: number;
  receivedAt: number;
  /** The server's `Date` header (ms since the epoch), when present and valid. */
  serverDate: number | undefined;
}

export interface HttpDeps {
  fetch: FetchPort;
  clock?: Clock;
  /** Default per-attempt timeout (ms), read per request so settings changes apply at once. */
  timeoutMs?: number | (() => number | Promise<number>);
  /** Waits between retries; injectable for tests. Must keep the process alive (a ref'd timer). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  logger?: Logger;
  /** Overrides of the default retry policy for every request (a request's own `retry` wins). */
  retry?: Partial<RetryPolicy>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
/**
 * A TSS case-search page of 1000 cases (the largest page Tessera asks for) is about
 * 1.6 MB from the simulator; 8 MiB leaves room for richer real cases while keeping a
 * hostile or broken server from filling memory.
 */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

export type Http = <T = undefined>(spec: RequestSpec<T>) => Promise<HttpResult<T>>;

const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** Sleeps on a ref'd timer: an unref'd one would let a CLI process exit in the middle of a retry. */
export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function cancelled(): TesseraError {
  return new TesseraError('CANCELLED', 'The request was cancelled.');
}

export function buildUrl(url: string | URL, query?: Record<string, QueryValue>): URL {
  const out = assertSecureUrl(typeof url === 'string' ? url : new URL(url.href));
  if (query) {
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null) continue;
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) out.searchParams.append(key, String(v));
    }
  }
  return out;
}

function mediaType(headers: Headers): string | undefined {
  const ct = headers.get('content-type');
  return ct ? ct.split(';')[0]!.trim().toLowerCase() : undefined;
}

const isJsonType = (type: string): boolean => type === 'application/json' || type.endsWith('+json');

/**
 * Headers whose values are not secret: the tenant domain, the workgroup and the media
 * types are what a person typed or chose, and an error message must be able to name them
 * ("No tenant with domain lab-x"). Every other header's value counts as a credential.
 */
const PUBLIC_HEADERS = new Set(['x-ilmn-domain', 'x-ilmn-workgroup', 'accept', 'content-type', 'user-agent']);

/** Header values (and the credential part of `Authorization`) that must never appear in a message. */
function secretsOf(headers: Record<string, string>, extra: readonly string[] = []): string[] {
  const out = [...extra];
  for (const [name, value] of Object.entries(headers)) {
    if (PUBLIC_HEADERS.has(name.toLowerCase())) continue;
    out.push(value);
    const space = value.indexOf(' ');
    if (space > 0) out.push(value.slice(space + 1));
  }
  return out.filter((s) => s.length >= 6);
}

function networkMessage(endpoint: string, error: unknown): string {
  // undici puts the system error in `cause` (ECONNREFUSED, ENOTFOUND, ECONNRESET...); its
  // code is safe to show, its message may quote the URL, which is fine, but keep it short.
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = cause && typeof cause.code === 'string' ? cause.code : undefined;
  const hint =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? 'the host name could not be resolved'
      : code === 'ECONNREFUSED'
        ? 'the connection was refused'
        : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'
          ? 'the connection was reset'
          : code
            ? `connection failed (${code})`
            : 'the connection failed';
  return `${endpoint}: ${hint}`;
}

/** 65536 → "64 KiB", 8388608 → "8 MiB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/**
 * Reads the body as UTF-8 text (as `Response.text()` does) but at most `maxBytes` of it:
 * a declared Content-Length over the cap fails at once, and a body that grows past it
 * is cancelled mid-stream, so memory stays bounded whatever the server sends.
 */
async function readBody(response: Response, maxBytes: number, aborted: Promise<never>, tooLarge: () => TesseraError): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) throw tooLarge();
      chunks.push(value);
    }
  } catch (error) {
    void reader.cancel().catch(() => undefined);
    throw error;
  }
  return Buffer.concat(chunks, size);
}

type Attempt =
  | { kind: 'response'; response: Response; text: string; bytes: Buffer; sentAt: number; receivedAt: number }
  | { kind: 'error'; error: TesseraError; retryable: boolean };

export function createHttp(deps: HttpDeps): Http {
  const clock = deps.clock ?? systemClock;
  const sleep = deps.sleep ?? defaultSleep;
  const random = deps.random ?? Math.random;

  async function defaultTimeout(): Promise<number> {
    const t = deps.timeoutMs;
    if (t === undefined) return DEFAULT_TIMEOUT_MS;
    return typeof t === 'function' ? await t() : t;
  }

  /** One attempt: fetch and read the whole body (at most maxBodyBytes) under one timeout. */
  async function attempt(
    url: URL,
    init: RequestInit,
    endpoint: string,
    limits: { timeoutMs: number; maxBodyBytes: number },
    idempotent: boolean,
    signal?: AbortSignal,
  ): Promise<Attempt> {
    const { timeoutMs, maxBodyBytes } = limits;
    if (signal?.aborted) return { kind: 'error', error: cancelled(), retryable: false };
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException('The request timed out', 'TimeoutError'));
    }, timeoutMs);
    const onCallerAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    // Some fetch ports do not abort a body that is already streaming; race the read.
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    aborted.catch(() => undefined);
    const sentAt = clock.now();
    try {
      const response = await Promise.race([deps.fetch(url, { ...init, signal: controller.signal }), aborted]);
      const receivedAt = clock.now();
      const tooLarge = (): TesseraError => {
        // Drop the connection: a server that keeps sending must not keep us reading.
        controller.abort(new DOMException('The answer is too large', 'AbortError'));
        return new TesseraError(
          'RESPONSE_TOO_LARGE',
          `${endpoint} answered with more than ${formatBytes(maxBodyBytes)}, far more than expected, so Tessera stopped reading it`,
          { status: response.status },
        );
      };
      const bytes = await readBody(response, maxBodyBytes, aborted, tooLarge);
      return { kind: 'response', response, text: new TextDecoder().decode(bytes), bytes, sentAt, receivedAt };
    } catch (error) {
      if (timedOut) {
        return {
          kind: 'error',
          error: new TesseraError('TIMEOUT', `${endpoint} did not answer within ${Math.round(timeoutMs / 100) / 10} s`, { cause: error }),
          retryable: false,
        };
      }
      if (signal?.aborted) return { kind: 'error', error: cancelled(), retryable: false };
      if (error instanceof TesseraError) return { kind: 'error', error, retryable: false };
      return { kind: 'error', error: new TesseraError('NETWORK', networkMessage(endpoint, error), { cause: error }), retryable: idempotent };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  return async function request<T = undefined>(spec: RequestSpec<T>): Promise<HttpResult<T>> {
    const url = buildUrl(spec.url, spec.query);
    const method = spec.method;
    const endpoint = endpointLabel(method, url);
    const policy = resolvePolicy(spec.retry === false ? false : { ...deps.retry, ...spec.retry });
    const idempotent = spec.idempotent ?? IDEMPOTENT.has(method);
    const timeoutMs = spec.timeoutMs ?? (await defaultTimeout());
    const maxBodyBytes = spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

    const headers: Record<string, string> = { ...spec.headers };
    const hasHeader = (name: string) => Object.keys(headers).some((h) => h.toLowerCase() === name);
    if (spec.accept?.length && !hasHeader('accept')) headers.Accept = spec.accept.join(', ');
    let body: string | undefined = spec.body;
    if (spec.json !== undefined) {
      body = JSON.stringify(spec.json);
      if (!hasHeader('content-type')) headers['Content-Type'] = 'application/json';
    }
    const secrets = secretsOf(headers, spec.secrets);
    const init: RequestInit = { method, headers, redirect: 'manual', ...(body !== undefined ? { body } : {}) };

    const started = clock.now();
    for (let n = 1; ; n++) {
      const result = await attempt(url, init, endpoint, { timeoutMs, maxBodyBytes }, idempotent, spec.signal);
      let failure: TesseraError;
      let retryable: boolean;
      let retryAfterMs: number | undefined;

      if (result.kind === 'error') {
        failure = result.error;
        retryable = result.retryable;
      } else {
        const { response, text } = result;
        const ok = spec.okStatuses ? spec.okStatuses.includes(response.status) : response.status >= 200 && response.status < 300;
        if (ok) return finish(spec, result, url, endpoint, n);
        retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), clock.now());
        if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
          // Following would send our headers (an API key) wherever Location points.
          failure = new TesseraError(
            'SERVER_ERROR',
            `${endpoint} answered with a redirect (${response.status || 'opaque'}), which Tessera does not follow; check the base URL`,
            { status: response.status },
          );
          retryable = false;
        } else {
          const problem = parseProblem(text);
          retryable = isRetryableStatus(policy, response.status, idempotent);
          failure = statusError({
            status: response.status,
            endpoint,
            secrets,
            attempts: n,
            ...(problem ? { problem } : {}),
            ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
          });
        }
      }

      if (!retryable || n >= policy.maxAttempts) throw failure;
      let delay = backoffDelay(policy, n, random);
      if (retryAfterMs !== undefined) {
        // The server knows best when it will have capacity again, but we will not keep a person waiting past the cap.
        if (retryAfterMs > policy.maxRetryAfterMs) throw failure;
        delay = Math.max(retryAfterMs, 0);
      }
      // The budget bounds waiting plus the attempts already made; past it we report what we have.
      if (clock.now() - started + delay > policy.budgetMs) throw failure;
      deps.logger?.debug('http retry', {
        endpoint,
        attempt: n,
        status: (failure as Partial<HttpStatusError>).status,
        code: failure.code,
        delayMs: delay,
      });
      await sleep(delay, spec.signal);
    }
  };

  function finish<T>(spec: RequestSpec<T>, result: Extract<Attempt, { kind: 'response' }>, url: URL, endpoint: string, attempts: number): HttpResult<T> {
    const { response, text, sentAt, receivedAt } = result;
    const dateHeader = response.headers.get('date');
    const parsedDate = dateHeader ? Date.parse(dateHeader) : Number.NaN;
    const base = {
      status: response.status,
      headers: response.headers,
      url,
      attempts,
      sentAt,
      receivedAt,
      serverDate: Number.isNaN(parsedDate) ? undefined : parsedDate,
    };
    const type = mediaType(response.headers);
    if (spec.binary) {
      if (!type || !(spec.accept ?? []).includes(type)) {
        throw new TesseraError('MALFORMED_RESPONSE', `${endpoint} returned ${response.status} with ${type ?? 'no media type'} instead of ${(spec.accept ?? []).join(' or ')}`, {
          status: response.status,
        });
      }
      return { ...base, body: result.bytes as T };
    }
    if (!spec.schema) return { ...base, body: undefined as T };
    if (spec.known?.(result.bytes)) return { ...base, body: undefined as T };

    if (type && !isJsonType(type) && !(spec.accept ?? []).includes(type)) {
      throw new TesseraError('MALFORMED_RESPONSE', `${endpoint} returned ${response.status} with ${type} instead of JSON`, {
        status: response.status,
      });
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new TesseraError('MALFORMED_RESPONSE', `${endpoint} returned ${response.status} with a body that is not valid JSON`, {
        status: response.status,
        cause: error,
      });
    }
    const checked = spec.check?.(data);
    if (checked !== undefined) return { ...base, body: checked };
    const parsed = z.safeParse(spec.schema, data);
    if (!parsed.success) {
      const what = redactForeign(formatIssue(parsed.error.issues[0], { location: true }), secretsOf(spec.headers ?? {}, spec.secrets));
      throw new TesseraError('MALFORMED_RESPONSE', `${endpoint} returned ${response.status} with an unexpected body (${what})`, {
        status: response.status,
      });
    }
    return { ...base, body: parsed.data };
  }
}
