/**
 * Transport security for every platform call: keys and tokens travel over TLS only.
 * Plain http:// is accepted for loopback hosts so the local simulator (and a user's
 * own port-forward) keep working without certificates.
 */
import { isLoopbackHost, urlProblem } from '../../src-shared/rules.js';
import { TesseraError } from '../errors.js';

export { isLoopbackHost };

/** Parses `url` and refuses anything but https (or http to loopback), by the rule in src-shared/rules.ts. Messages name the host, never a query. */
export function assertSecureUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    throw new TesseraError('INVALID_INPUT', 'Not an absolute URL');
  }
  const problem = urlProblem(parsed);
  if (problem === null) return parsed;
  throw new TesseraError(problem.kind === 'scheme' || problem.kind === 'insecure-http' ? 'INSECURE_URL' : 'INVALID_INPUT', problem.message);
}

/** `METHOD origin+path`, the label every HTTP error message uses. The query is left out: TSS filters can carry patient names. */
export function endpointLabel(method: string, url: URL): string {
  return `${method.toUpperCase()} ${url.origin}${url.pathname}`;
}
