/**
 * The CLI's fetch port: undici with `EnvHttpProxyAgent`, so HTTPS_PROXY, HTTP_PROXY
 * and NO_PROXY (and their lower-case forms) are honoured the way curl honours them.
 * Loopback hosts always go direct: a local simulator or tunnel must not be sent to a
 * corporate proxy that cannot reach it.
 *
 * undici is imported on the first request, not at start-up: `tessera token` served
 * from the cache never touches the network and should not pay for loading it.
 */
import { isLoopbackHost } from '../src-core/http/url.js';
import type { FetchPort } from '../src-core/ports.js';

interface Loaded {
  fetch: typeof import('undici').fetch;
  direct: import('undici').Dispatcher;
  proxied: import('undici').Dispatcher;
}

export interface CliFetch {
  fetch: FetchPort;
  /** Closes idle keep-alive sockets so the process can exit at once. */
  close(): Promise<void>;
}

export function createCliFetch(): CliFetch {
  let loaded: Promise<Loaded> | undefined;
  const load = (): Promise<Loaded> =>
    (loaded ??= import('undici').then((m) => {
      // undici is CommonJS: inside the ESM bundle its exports arrive on `default`.
      const u = ((m as unknown as { default?: typeof m }).default ?? m) as typeof m;
      return { fetch: u.fetch, direct: new u.Agent(), proxied: new u.EnvHttpProxyAgent() };
    }));

  const fetchPort: FetchPort = async (input, init) => {
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
