/**
 * Maps HTTP outcomes to typed errors. Messages name the endpoint (method, origin and
 * path, never the query) and the status, plus the server's own explanation when it
 * sent one (ICA Problem `title`/`detail`, TSS `code`/`message`), redacted (every
 * registered secret, every header value of the request, credential-shaped text), so a
 * server that echoes a key cannot leak it.
 */
import type { ErrorCode } from '../../src-shared/errors.js';
import { TesseraError } from '../errors.js';
import { redactForeign } from '../redact.js';

/** What the server said about a failure, from an RFC 7807 Problem (ICA) or a TSS error body. */
export interface ServerProblem {
  title?: string;
  detail?: string;
  /** TSS `code`, or the ICA problem `type`. */
  code?: string;
}

/** A TesseraError that came from an HTTP status; carries the endpoint and the server's problem. */
export class HttpStatusError extends TesseraError {
  readonly endpoint: string;
  readonly problem: ServerProblem | undefined;
  /** What the server asked us to wait (ms), when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    init: { status: number; endpoint: string; problem?: ServerProblem; retryAfterMs?: number },
  ) {
    super(code, message, { status: init.status });
    this.endpoint = init.endpoint;
    this.problem = init.problem;
    this.retryAfterMs = init.retryAfterMs;
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Reads a Problem or TSS error body; undefined when the body is not a JSON object. */
export function parseProblem(text: string): ServerProblem | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const o = data as Record<string, unknown>;
  const problem: ServerProblem = {};
  const title = str(o.title);
  const detail = str(o.detail) ?? str(o.message) ?? str(o.details);
  const code = str(o.code) ?? (str(o.type) !== 'about:blank' ? str(o.type) : undefined);
  if (title) problem.title = title;
  if (detail) problem.detail = detail;
  if (code) problem.code = code;
  return Object.keys(problem).length ? problem : undefined;
}

export function describeProblem(problem: ServerProblem | undefined, secrets: readonly string[]): string {
  if (!problem) return '';
  const parts = [problem.title, problem.detail].filter((p): p is string => !!p);
  if (parts.length === 0 && problem.code) parts.push(problem.code);
  const unique = parts.filter((p, i) => parts.indexOf(p) === i);
  return unique.length ? `: ${redactForeign(unique.join(' — '), secrets)}` : '';
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'CREDENTIALS_REJECTED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 408) return 'TIMEOUT';
  if (status === 429) return 'RATE_LIMITED';
  // Anything else unexpected (5xx, other 4xx, 3xx we refused to follow) is the server's side.
  return 'SERVER_ERROR';
}

export function statusError(init: {
  status: number;
  endpoint: string;
  problem?: ServerProblem;
  secrets: readonly string[];
  retryAfterMs?: number;
  attempts?: number;
}): HttpStatusError {
  const { status, endpoint } = init;
  const reason = REASONS[status];
  const tries = init.attempts && init.attempts > 1 ? ` after ${init.attempts} attempts` : '';
  const wait =
    init.retryAfterMs !== undefined && status === 429 ? ` (the server asked to wait ${Math.ceil(init.retryAfterMs / 1000)} s)` : '';
  const message = `${endpoint} returned ${status}${reason ? ` ${reason}` : ''}${tries}${describeProblem(init.problem, init.secrets)}${wait}`;
  return new HttpStatusError(codeForStatus(status), message, {
    status,
    endpoint,
    ...(init.problem ? { problem: init.problem } : {}),
    ...(init.retryAfterMs !== undefined ? { retryAfterMs: init.retryAfterMs } : {}),
  });
}
