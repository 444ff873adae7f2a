/**
 * Transport security for every platform call: keys and tokens travel over TLS only.
 * Plain http:// is accepted for loopback hosts so the local simulator (and a user's
 * own port-forward) keep working without certificates.
 */
import { TesseraError } from '../errors.js';

/**
 * True for 127.0.0.0/8, ::1 and the name `localhost` itself. Subdomains of localhost are
 * not loopback here: not every resolver pins them (some send them to DNS), and a key sent
 * over plain http to whatever answers would be exposed.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  // IPv4-mapped IPv6 loopback, as WHATWG URL normalises it (::ffff:7f00:1).
  if (/^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host)) return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return v4 !== null && v4.slice(1).every((o) => Number(o) <= 255) && Number(v4[1]) === 127;
}

/**
 * Parses `url` and refuses anything but https (or http to loopback), and any URL carrying
 * a user name or password: those would be saved in config.json in plain text and sent
 * along by some clients. Messages name the host, never a query or the credentials.
 */
export function assertSecureUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    throw new TesseraError('INVALID_INPUT', 'Not an absolute URL');
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new TesseraError(
      'INVALID_INPUT',
      `The URL for ${parsed.host} contains a user name or password; remove it (use the URL without "user:password@"): credentials belong in the keychain, given through the profile's key or password.`,
    );
  }
  if (parsed.protocol === 'https:') return parsed;
  if (parsed.protocol === 'http:') {
    if (isLoopbackHost(parsed.hostname)) return parsed;
    throw new TesseraError(
      'INSECURE_URL',
      `Refusing plain http:// to ${parsed.host}: keys and tokens are sent over https only (http is allowed for loopback addresses).`,
    );
  }
  throw new TesseraError('INSECURE_URL', `Unsupported URL scheme ${parsed.protocol.replace(/:$/, '')}; use https://`);
}

/** `METHOD origin+path`, the label every HTTP error message uses. The query is left out: TSS filters can carry patient names. */
export function endpointLabel(method: string, url: URL): string {
  return `${method.toUpperCase()} ${url.origin}${url.pathname}`;
}
