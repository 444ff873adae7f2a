/**
 * The HTTP helper with a fake fetch: what the simulator cannot easily produce (HTTP-date
 * Retry-After, redirects, an echoed secret, a body that stalls, precise retry timing).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHttp, type HttpDeps } from '../../src-core/http/request.js';
import { assertSecureUrl, isLoopbackHost } from '../../src-core/http/url.js';
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter } from '../../src-core/http/retry.js';
import { parseProblem } from '../../src-core/http/errors.js';
import type { FetchPort } from '../../src-core/ports.js';

type Handler = (url: string, init: RequestInit) => Response | Promise<Response>;

function fakeFetch(...handlers: Handler[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch: FetchPort = async (input, init = {}) => {
    const url = String(input);
    calls.push({ url, init });
    const handler = handlers[Math.min(calls.length - 1, handlers.length - 1)];
    if (!handler) throw new Error('no handler');
    return handler(url, init);
  };
  return { fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const problem = (status: number, title: string, detail?: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ type: 'about:blank', title, status, detail, timestamp: new Date().toISOString(), parameters: {} }), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });

function http(fetch: FetchPort, extra: Partial<HttpDeps> = {}) {
  const sleeps: number[] = [];
  const request = createHttp({
    fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...extra,
  });
  return { request, sleeps };
}

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string; status?: number };
  }
  throw new Error('expected a rejection');
}

const Body = z.object({ token: z.string() });

describe('transport security', () => {
  it.each(['127.0.0.1', '127.8.9.10', 'localhost', 'LOCALHOST', '[::1]', '::1'])('%s is loopback', (h) => {
    expect(isLoopbackHost(h)).toBe(true);
  });
  it.each(['example.com', '127.0.0.1.evil.com', '128.0.0.1', '10.0.0.1', '[::2]', 'localhost.evil.com', '1127.0.0.1', 'api.localhost', 'evil.localhost'])('%s is not loopback', (h) => {
    expect(isLoopbackHost(h)).toBe(false);
  });

  it('refuses http:// to a non-loopback host before any request', async () => {
    const { fetch, calls } = fakeFetch(() => json(200, { token: 'x' }));
    const { request } = http(fetch);
    const error = await rejection(request({ method: 'POST', url: 'http://example.com/ica/rest/api/tokens', schema: Body }));
    expect(error.code).toBe('INSECURE_URL');
    expect(error.message).toContain('example.com');
    expect(calls).toHaveLength(0);
    expect(() => assertSecureUrl('ftp://example.com/')).toThrow(expect.objectContaining({ code: 'INSECURE_URL' }));
    expect(() => assertSecureUrl('https://example.com/')).not.toThrow();
    expect(() => assertSecureUrl('http://127.0.0.1:8080/x')).not.toThrow();
    expect(() => assertSecureUrl('http://[::1]:8080/x')).not.toThrow();
  });

  it('refuses plain http:// to *.localhost names: resolvers may send them anywhere', () => {
    expect(() => assertSecureUrl('http://ica.localhost:8080/x')).toThrow(expect.objectContaining({ code: 'INSECURE_URL' }));
    expect(() => assertSecureUrl('https://ica.localhost:8080/x')).not.toThrow();
  });

  it('refuses credentials inside a URL without echoing them', () => {
    for (const url of ['https://alice:S3cretPw@ica.example/ica/rest', 'http://alice:S3cretPw@127.0.0.1:8080/x', 'https://alice@ica.example/']) {
      let error: { code?: string; message?: string } | undefined;
      try {
        assertSecureUrl(url);
      } catch (e) {
        error = e as { code: string; message: string };
      }
      expect(error?.code).toBe('INVALID_INPUT');
      expect(error?.message).not.toContain('S3cretPw');
      expect(error?.message).not.toContain('alice');
    }
  });

  it('does not follow redirects (they could carry the key elsewhere)', async () => {
    const { fetch, calls } = fakeFetch(() => new Response(null, { status: 302, headers: { location: 'https://evil.example/' } }));
    const { request } = http(fetch);
    const error = await rejection(request({ method: 'GET', url: 'https://ica.example/x', headers: { 'X-API-Key': 'secret-key-123456' } }));
    expect(error.code).toBe('SERVER_ERROR');
    expect(error.message).toContain('redirect');
    expect(calls[0]?.init.redirect).toBe('manual');
    expect(calls).toHaveLength(1);
  });
});

describe('Retry-After and backoff', () => {
  it('parses delta-seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('backs off exponentially with jitter, capped', () => {
    const p = DEFAULT_RETRY_POLICY;
    expect(backoffDelay(p, 1, () => 0)).toBe(p.baseDelayMs / 2);
    expect(backoffDelay(p, 1, () => 0.999)).toBeLessThanOrEqual(p.baseDelayMs);
    expect(backoffDelay(p, 2, () => 0)).toBe(p.baseDelayMs);
    expect(backoffDelay(p, 30, () => 0.999)).toBeLessThanOrEqual(p.maxDelayMs);
  });

  it('honours an HTTP-date Retry-After on 429, then succeeds', async () => {
    const at = new Date(Date.now() + 3000).toUTCString();
    const { fetch, calls } = fakeFetch(() => problem(429, 'Too Many Requests', undefined, { 'retry-after': at }), () => json(200, { token: 't' }));
    const { request, sleeps } = http(fetch);
    const result = await request({ method: 'POST', url: 'https://ica.example/api/tokens', schema: Body });
    expect(result.body.token).toBe('t');
    expect(result.attempts).toBe(2);
    expect(calls).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThan(1000);
    expect(sleeps[0]).toBeLessThanOrEqual(3000);
  });

  it('stops at once when Retry-After exceeds the cap, saying how long the server asked', async () => {
    const { fetch, calls } = fakeFetch(() => problem(429, 'Too Many Requests', undefined, { 'retry-after': '3600' }));
    const { request, sleeps } = http(fetch);
    const error = await rejection(request({ method: 'GET', url: 'https://tss.example/tms/api/v1/testDefinitions', schema: Body }));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.message).toContain('3600 s');
    expect(calls).toHaveLength(1);
    expect(sleeps).toHaveLength(0);
  });

  it('retries 429/503 for any request, but 500/502/504 and network errors only when idempotent', async () => {
    for (const status of [429, 503]) {
      const { fetch, calls } = fakeFetch(() => problem(status, 'x'), () => json(200, { token: 't' }));
      await http(fetch).request({ method: 'POST', url: 'https://a.example/p', schema: Body, idempotent: false });
      expect(calls).toHaveLength(2);
    }
    for (const status of [500, 502, 504]) {
      const post = fakeFetch(() => problem(status, 'x'), () => json(200, { token: 't' }));
      expect((await rejection(http(post.fetch).request({ method: 'POST', url: 'https://a.example/p', schema: Body }))).code).toBe('SERVER_ERROR');
      expect(post.calls).toHaveLength(1);
      const get = fakeFetch(() => problem(status, 'x'), () => json(200, { token: 't' }));
      await http(get.fetch).request({ method: 'GET', url: 'https://a.example/p', schema: Body });
      expect(get.calls).toHaveLength(2);
    }
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const post = fakeFetch(() => Promise.reject(refused));
    const error = await rejection(http(post.fetch).request({ method: 'POST', url: 'https://a.example/p' }));
    expect(error.code).toBe('NETWORK');
    expect(error.message).toContain('refused');
    expect(post.calls).toHaveLength(1);
    const get = fakeFetch(() => Promise.reject(refused), () => json(200, { token: 't' }));
    await http(get.fetch).request({ method: 'GET', url: 'https://a.example/p', schema: Body });
    expect(get.calls).toHaveLength(2);
  });

  it('does not retry 501 or other 4xx', async () => {
    for (const status of [400, 404, 409, 501]) {
      const { fetch, calls } = fakeFetch(() => problem(status, 'x'));
      await rejection(http(fetch).request({ method: 'GET', url: 'https://a.example/p' }));
      expect(calls).toHaveLength(1);
    }
  });

  it('is bounded by maxAttempts and by the total budget', async () => {
    const always503 = fakeFetch(() => problem(503, 'busy'));
    const error = await rejection(http(always503.fetch).request({ method: 'GET', url: 'https://a.example/p' }));
    expect(error.code).toBe('SERVER_ERROR');
    expect(error.message).toContain('after 4 attempts');
    expect(always503.calls).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts);

    let now = 0;
    const slow = fakeFetch(() => {
      now += 25_000; // each attempt takes 25 s of the 60 s budget
      return problem(503, 'busy');
    });
    await rejection(http(slow.fetch, { clock: { now: () => now } }).request({ method: 'GET', url: 'https://a.example/p' }));
    expect(slow.calls).toHaveLength(3);
  });
});

describe('errors', () => {
  it.each([
    [401, 'CREDENTIALS_REJECTED'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [429, 'RATE_LIMITED'],
    [500, 'SERVER_ERROR'],
    [418, 'SERVER_ERROR'],
  ])('%i is %s, naming the endpoint and status but not the query', async (status, code) => {
    const { fetch } = fakeFetch(() => problem(status, 'Title here', 'Detail here'));
    const error = await rejection(
      http(fetch, { retry: { maxAttempts: 1 } }).request({ method: 'GET', url: 'https://tss.example/crs/api/v2/cases/search', query: { lastname: 'Doe' } }),
    );
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.message).toContain('GET https://tss.example/crs/api/v2/cases/search');
    expect(error.message).toContain(String(status));
    expect(error.message).toContain('Title here — Detail here');
    expect(error.message).not.toContain('Doe');
  });

  it('reads TSS error bodies too', () => {
    expect(parseProblem('{"code":"CASE_NOT_FOUND","message":"No case 42","details":[]}')).toEqual({ code: 'CASE_NOT_FOUND', detail: 'No case 42' });
    expect(parseProblem('<html>')).toBeUndefined();
  });

  it('scrubs header values the server echoes back', async () => {
    const key = 'ABCDEFGH-super-secret-key-0000';
    const { fetch } = fakeFetch(() => problem(401, 'Unauthorized', `API key ${key} is not valid; Bearer eyJ.secret.sig refused`));
    const error = await rejection(
      http(fetch).request({ method: 'POST', url: 'https://a.example/p', headers: { 'X-API-Key': key, Authorization: 'Bearer eyJ.secret.sig' } }),
    );
    expect(error.code).toBe('CREDENTIALS_REJECTED');
    expect(error.message).not.toContain(key);
    expect(error.message).not.toContain('eyJ.secret.sig');
    expect(error.message).toContain('[redacted]');
  });

  it('non-JSON, bad JSON and a wrong shape are MALFORMED_RESPONSE', async () => {
    const html = fakeFetch(() => new Response('<html>proxy login</html>', { status: 200, headers: { 'content-type': 'text/html' } }));
    const e1 = await rejection(http(html.fetch).request({ method: 'GET', url: 'https://a.example/p', schema: Body }));
    expect(e1.code).toBe('MALFORMED_RESPONSE');
    expect(e1.message).toContain('text/html');
    const bad = fakeFetch(() => new Response('{"token": "eyJ', { status: 200, headers: { 'content-type': 'application/json' } }));
    expect((await rejection(http(bad.fetch).request({ method: 'GET', url: 'https://a.example/p', schema: Body }))).code).toBe('MALFORMED_RESPONSE');
    const shape = fakeFetch(() => json(200, { token: 42 }));
    const e3 = await rejection(http(shape.fetch).request({ method: 'GET', url: 'https://a.example/p', schema: Body }));
    expect(e3.code).toBe('MALFORMED_RESPONSE');
    expect(e3.message).toContain('token');
  });

  it('a hand-written check answers the body when it accepts; otherwise the schema accepts after all or words the refusal', async () => {
    const seen: unknown[] = [];
    const check = (value: unknown) => {
      seen.push(value);
      return (value as { token?: unknown }).token === 'fast' ? (value as { token: string }) : undefined;
    };
    const get = (body: unknown) => http(fakeFetch(() => json(200, body)).fetch).request({ method: 'GET', url: 'https://a.example/p', schema: Body, check });
    const fast = await get({ token: 'fast', extra: 1 });
    // The check's answer as is: the schema (a strict copy without `extra`) never ran.
    expect(fast.body).toBe(seen[0]);
    expect(fast.body).toEqual({ token: 'fast', extra: 1 });
    expect((await get({ token: 'slow', extra: 1 })).body).toEqual({ token: 'slow' });
    const refused = await rejection(get({ token: 42 }));
    const plain = await rejection(http(fakeFetch(() => json(200, { token: 42 })).fetch).request({ method: 'GET', url: 'https://a.example/p', schema: Body }));
    expect(refused).toMatchObject({ code: 'MALFORMED_RESPONSE', message: plain.message });
    expect(refused.message).toContain('token');
  });

  it('accepts vendor +json types and reads the Date header', async () => {
    const date = 'Wed, 01 Jan 2025 00:00:00 GMT';
    const { fetch } = fakeFetch(
      () => new Response('{"token":"t"}', { status: 201, headers: { 'content-type': 'application/vnd.illumina.v3+json', date } }),
    );
    const result = await http(fetch).request({ method: 'POST', url: 'https://a.example/p', schema: Body, okStatuses: [200, 201] });
    expect(result.status).toBe(201);
    expect(result.serverDate).toBe(Date.parse(date));
  });
});

describe('timeouts and cancellation', () => {
  const hanging: Handler = (_url, init) =>
    new Promise<Response>((_resolve, reject) => {
      init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
    });

  it('aborts a request that does not answer in time with TIMEOUT, without retrying', async () => {
    const { fetch, calls } = fakeFetch(hanging);
    const started = Date.now();
    const error = await rejection(http(fetch).request({ method: 'GET', url: 'https://a.example/slow', timeoutMs: 100 }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain('GET https://a.example/slow');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(calls).toHaveLength(1);
  });

  it('the timeout covers a body that stalls after the headers', async () => {
    const { fetch } = fakeFetch(() => new Response(new ReadableStream({ start: () => undefined }), { status: 200, headers: { 'content-type': 'application/json' } }));
    const error = await rejection(http(fetch).request({ method: 'GET', url: 'https://a.example/stall', schema: Body, timeoutMs: 100 }));
    expect(error.code).toBe('TIMEOUT');
  });

  it('uses the default timeout from the deps (settings) when the request gives none', async () => {
    const { fetch } = fakeFetch(hanging);
    const error = await rejection(http(fetch, { timeoutMs: async () => 50 }).request({ method: 'GET', url: 'https://a.example/slow' }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain('0.1 s');
  });

  it("a caller's abort is CANCELLED", async () => {
    const { fetch } = fakeFetch(hanging);
    const controller = new AbortController();
    const pending = http(fetch).request({ method: 'GET', url: 'https://a.example/slow', signal: controller.signal, timeoutMs: 5000 });
    setTimeout(() => controller.abort(), 20);
    expect((await rejection(pending)).code).toBe('CANCELLED');
  });
});

describe('request building', () => {
  it('sends Accept from the expected types, JSON bodies, and repeated query parameters', async () => {
    const { fetch, calls } = fakeFetch(() => json(200, { token: 't' }));
    await http(fetch).request({
      method: 'POST',
      url: 'https://a.example/p?x=1',
      query: { tags: ['a', 'b'], pageNumber: 0, skip: undefined },
      json: { hello: 'world' },
      accept: ['application/vnd.illumina.v3+json'],
      schema: Body,
    });
    const call = calls[0]!;
    const url = new URL(call.url);
    expect(url.searchParams.getAll('tags')).toEqual(['a', 'b']);
    expect(url.searchParams.get('pageNumber')).toBe('0');
    expect(url.searchParams.get('x')).toBe('1');
    expect(url.searchParams.has('skip')).toBe(false);
    const headers = call.init.headers as Record<string, string>;
    expect(headers.Accept).toBe('application/vnd.illumina.v3+json');
    expect(headers['Content-Type']).toBe('application/json');
    expect(call.init.body).toBe('{"hello":"world"}');
  });
});

describe('body size', () => {
  /** A huge body (32 MiB, made as it is read) that counts what was pulled and whether the reader gave up. */
  function endless(status = 200, headers: Record<string, string> = { 'content-type': 'application/json' }) {
    const state = { pulled: 0, cancelled: false };
    const chunk = new Uint8Array(16 * 1024).fill(0x61);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (state.pulled >= 32 * 1024 * 1024) return controller.close();
        state.pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
      cancel() {
        state.cancelled = true;
      },
    });
    return { state, response: () => new Response(body, { status, headers }) };
  }

  it('stops reading past maxBodyBytes with RESPONSE_TOO_LARGE, not retried, and drops the transfer', async () => {
    const stream = endless();
    const { fetch, calls } = fakeFetch(stream.response);
    const error = await rejection(http(fetch).request({ method: 'POST', url: 'https://a.example/api/tokens', schema: Body, maxBodyBytes: 64 * 1024, idempotent: true }));
    expect(error.code).toBe('RESPONSE_TOO_LARGE');
    expect(error.message).toBe('POST https://a.example/api/tokens answered with more than 64 KiB, far more than expected, so Tessera stopped reading it');
    expect(calls).toHaveLength(1);
    expect(stream.state.cancelled).toBe(true);
    expect(stream.state.pulled).toBeLessThan(256 * 1024);
  });

  it('the cap applies to error bodies too, and a default cap applies when the request sets none', async () => {
    const failing = endless(503);
    const error = await rejection(http(fakeFetch(failing.response).fetch).request({ method: 'GET', url: 'https://a.example/x', maxBodyBytes: 1024, retry: false }));
    expect(error.code).toBe('RESPONSE_TOO_LARGE');
    expect(failing.state.cancelled).toBe(true);

    const unbounded = endless();
    const byDefault = await rejection(http(fakeFetch(unbounded.response).fetch).request({ method: 'GET', url: 'https://a.example/x', schema: Body }));
    expect(byDefault.code).toBe('RESPONSE_TOO_LARGE');
    expect(byDefault.message).toContain('more than 8 MiB');
  });

  it('a declared Content-Length over the cap fails before the body is read', async () => {
    const stream = endless(200, { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) });
    const error = await rejection(http(fakeFetch(stream.response).fetch).request({ method: 'GET', url: 'https://a.example/x', schema: Body, maxBodyBytes: 1024 }));
    expect(error.code).toBe('RESPONSE_TOO_LARGE');
    expect(stream.state.pulled).toBeLessThanOrEqual(16 * 1024);
  });

  it('a body of exactly maxBodyBytes (multi-byte UTF-8 across chunks) is read whole', async () => {
    const text = JSON.stringify({ token: 'é'.repeat(500) });
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.subarray(i, i + 7));
        controller.close();
      },
    });
    const { fetch } = fakeFetch(() => new Response(body, { status: 200, headers: { 'content-type': 'application/json' } }));
    const result = await http(fetch).request({ method: 'GET', url: 'https://a.example/x', schema: Body, maxBodyBytes: bytes.length });
    expect(result.body.token).toBe('é'.repeat(500));
  });
});
