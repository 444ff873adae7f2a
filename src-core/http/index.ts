export { createHttp, buildUrl, defaultSleep, DEFAULT_TIMEOUT_MS } from './request.js';
export type { Http, HttpDeps, HttpMethod, HttpResult, QueryValue, RequestSpec } from './request.js';
export { DEFAULT_RETRY_POLICY, NO_RETRY, backoffDelay, parseRetryAfter, isRetryableStatus, resolvePolicy } from './retry.js';
export type { RetryPolicy } from './retry.js';
export { HttpStatusError, parseProblem, statusError, codeForStatus } from './errors.js';
export type { ServerProblem } from './errors.js';
export { assertSecureUrl, isLoopbackHost, endpointLabel } from './url.js';
