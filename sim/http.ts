/** Response helpers shared by the ICA and TSS routes. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const ICA_MEDIA_TYPE = 'application/vnd.illumina.v3+json';
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

export interface Clock {
  /** Server time in ms: the real clock plus the configured skew. */
  nowMs(): number;
  /** The server's own origin, to make Problem `instance` an absolute URI as the schema's format asks. */
  baseUrl?: string;
}

/** Every response carries the server's Date (with skew), so clients can measure the offset. */
export function send(res: ServerResponse, clock: Clock, status: number, contentType: string | undefined, body: string | Buffer, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = status;
  res.setHeader('Date', new Date(clock.nowMs()).toUTCString());
  if (contentType) res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'no-store');
  for (const [k, v] of Object.entries(extraHeaders)) res.setHeader(k, v);
  res.end(body);
}

export function sendJson(res: ServerResponse, clock: Clock, status: number, value: unknown, contentType = 'application/json'): void {
  send(res, clock, status, contentType, JSON.stringify(value));
}

const PROBLEM_BASE = 'https://ica.illumina.com/ica/rest/problems/';

/** RFC 7807 body with the fields the ICA OpenAPI Problem schema requires. */
export function problemBody(clock: Clock, status: number, title: string, detail?: string, instance?: string, parameters: Record<string, string> = {}): Record<string, unknown> {
  const body: Record<string, unknown> = {
    type: `${PROBLEM_BASE}${encodeURIComponent(title)}`,
    title,
    status,
    timestamp: new Date(clock.nowMs()).toISOString(),
    parameters,
  };
  if (detail !== undefined) body.detail = detail;
  if (instance !== undefined) body.instance = instance.startsWith('/') && clock.baseUrl ? `${clock.baseUrl}${instance}` : instance;
  body.id = randomUUID();
  return body;
}

export function sendProblem(res: ServerResponse, clock: Clock, status: number, title: string, detail?: string, instance?: string, parameters?: Record<string, string>): void {
  sendJson(res, clock, status, problemBody(clock, status, title, detail, instance, parameters), PROBLEM_MEDIA_TYPE);
}

/** TSS services answer errors as `{code, message, details}`. */
export function tssErrorBody(code: string, message: string, details: unknown[] = []): Record<string, unknown> {
  return { code, message, details };
}

export function sendTssError(res: ServerResponse, clock: Clock, status: number, code: string, message: string, details: unknown[] = []): void {
  sendJson(res, clock, status, tssErrorBody(code, message, details));
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  if (Array.isArray(v)) return v.join(', ');
  return v;
}
