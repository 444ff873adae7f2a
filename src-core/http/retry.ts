/**
 * Retry policy for platform calls.
 *
 * Decisions (see also request.ts):
 * - 429 and 503 are retried for every request: both say the server did not do the work.
 * - 500, 502 and 504 and network errors (reset, refused) are retried only for idempotent
 *   requests, where doing the work twice is harmless. the design says "5xx retry", and a
 *   500 on a token or read call is often a transient blip of a load-balanced backend;
 *   the small attempt count keeps a deterministic 500 from costing much.
 * - Timeouts are not retried: the caller already waited the full timeout, and a hung
 *   backend is the case where a person wants a fast, clear TIMEOUT (DESIGN: "timeouts abort").
 * - Backoff is exponential with "equal jitter" (half fixed, half random) so that many
 *   clients that failed together do not retry together.
 * - `Retry-After` (seconds or an HTTP date) replaces the computed delay, capped at
 *   `maxRetryAfterMs`; when the server asks for longer than the cap, or the wait would
 *   exceed the total budget, we stop and report RATE_LIMITED/SERVER_ERROR at once
 *   rather than keep a person waiting.
 */
export interface RetryPolicy {
  /** Total attempts including the first (1 = no retry). */
  maxAttempts: number;
  /** First backoff step; doubles each retry. */
  baseDelayMs: number;
  /** Upper bound of one computed backoff step. */
  maxDelayMs: number;
  /** Longest `Retry-After` we honour; longer requests end the retries. */
  maxRetryAfterMs: number;
  /** Upper bound for the whole call (attempts plus waits) before another retry is started. */
  budgetMs: number;
  /** Statuses retried for any request. */
  alwaysRetryStatuses: readonly number[];
  /** Statuses (and network errors) retried only for idempotent requests. */
  idempotentRetryStatuses: readonly number[];
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 30_000,
  budgetMs: 60_000,
  alwaysRetryStatuses: [429, 503],
  idempotentRetryStatuses: [500, 502, 504],
});

export function resolvePolicy(overrides?: Partial<RetryPolicy> | false): RetryPolicy {
  if (overrides === false) return { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 };
  return { ...DEFAULT_RETRY_POLICY, ...overrides };
}

export function isRetryableStatus(policy: RetryPolicy, status: number, idempotent: boolean): boolean {
  if (policy.alwaysRetryStatuses.includes(status)) return true;
  return idempotent && policy.idempotentRetryStatuses.includes(status);
}

/** Backoff before retry number `retry` (1-based), in ms. `random` returns [0, 1). */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * Parses a `Retry-After` value: delta-seconds or an HTTP date. Returns ms from `now`
 * (never negative), or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
