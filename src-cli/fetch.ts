/**
 * The CLI's fetch port. With a proxy configured (HTTPS_PROXY, HTTP_PROXY and their
 * lower-case forms), requests go through undici's `EnvHttpProxyAgent`, which honours
 * NO_PROXY the way curl does; loopback hosts always go direct, since a local simulator
 * or tunnel must not be sent to a corporate proxy that cannot reach it.
 *
 * Without any proxy variable, Node's built-in fetch is used instead: it is the same
 * WHATWG fetch (Node bundles undici) but loads in about a third of the time of the
 * undici package (measured: ~27 ms vs ~72 ms to a first request), and every mint pays
 * that. Either way nothing is loaded until the first request, so `tessera token` served
 * from the cache never pays for it at all.
 */
import { isLoopbackHost, type FetchPort } from '../src-core/index.js';

interface Loaded {
  fetch: typeof import('undici').fetch;
  direct: import('undici').Dispatcher;
  proxied: import('undici').Dispatcher;
}

export interface CliFetch {
  fetch: FetchPort;
  /** Closes idle keep-alive sockets of the proxy path so the process can exit at once. */
  close(): Promise<void>;
}

const PROXY_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

/** Whether any proxy variable is set (EnvHttpProxyAgent reads the same ones). */
function proxyConfigured(env: NodeJS.ProcessEnv): boolean {
  return PROXY_VARS.some((name) => Boolean(env[name]?.trim()));
}

export function createCliFetch(env: NodeJS.ProcessEnv = process.env): CliFetch {
  let loaded: Promise<Loaded> | undefined;
  const load = (): Promise<Loaded> =>
    (loaded ??= import('undici').then((m) => {
      // undici is CommonJS: inside the ESM bundle its exports arrive on `default`.
      const u = ((m as unknown as { default?: typeof m }).default ?? m) as typeof m;
      return { fetch: u.fetch, direct: new u.Agent(), proxied: new u.EnvHttpProxyAgent() };
    }));
  const useProxyAgent = proxyConfigured(env);

  const fetchPort: FetchPort = async (input, init) => {
    if (!useProxyAgent) return globalThis.fetch(input, init);
    const url = input instanceof URL ? input : new URL(input);
    const u = await load();
    const dispatcher = isLoopbackHost(url.hostname) ? u.direct : u.proxied;
    // undici's RequestInit/Response are structurally the WHATWG ones the core expects.
    const response = await u.fetch(url, { ...(init as object), dispatcher } as Parameters<Loaded['fetch']>[1]);
    return response as unknown as Response;
  };

  return {
    fetch: fetchPort,
    async close() {
      if (!loaded) return;
      const u = await loaded;
      await Promise.allSettled([u.direct.close(), u.proxied.close()]);
    },
  };
}
