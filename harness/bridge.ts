/**
 * The harness's stand-in for the Electron preload: defines `window.tessera` in a
 * plain browser by forwarding each contract method to `POST /rpc/<method>` and
 * push events from `GET /events` (SSE). It is served only by the harness, from
 * its own origin, as a classic script that runs before the renderer's module
 * script; the production build never contains it.
 *
 * Authentication rides on the HttpOnly session cookie the launch link set: this
 * script never sees the secret.
 */
declare const __TESSERA_METHODS__: readonly string[];

type Listener = (event: unknown) => void;

interface Envelope {
  ok: boolean;
  value?: unknown;
  error?: { code: string; message: string };
}

(() => {
  const listeners = new Set<Listener>();
  let source: EventSource | null = null;

  function bridgeError(code: string, message: string): Error & { code: string } {
    return Object.assign(new Error(message), { name: 'TesseraError', code });
  }

  async function call(method: string, args: unknown[]): Promise<unknown> {
    // JSON turns a trailing `undefined` into null, which optional schemas refuse: drop them.
    const trimmed = [...args];
    while (trimmed.length && trimmed[trimmed.length - 1] === undefined) trimmed.pop();
    let response: Response;
    try {
      response = await fetch(`/rpc/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(trimmed),
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch {
      throw bridgeError('INTERNAL', 'The harness is not reachable. Is `npm run harness` still running?');
    }
    if (response.status === 401 || response.status === 403) {
      throw bridgeError('FORBIDDEN_ORIGIN', 'This page is not signed in to the harness: open the launch link it printed.');
    }
    const envelope = (await response.json().catch(() => null)) as Envelope | null;
    if (!envelope || typeof envelope !== 'object') throw bridgeError('INTERNAL', 'Unexpected answer from the harness.');
    if (envelope.ok) return envelope.value ?? undefined;
    throw bridgeError(envelope.error?.code ?? 'INTERNAL', envelope.error?.message ?? 'Unexpected error.');
  }

  function ensureEvents(): void {
    if (source) return;
    source = new EventSource('/events', { withCredentials: true });
    source.onmessage = (message) => {
      let event: unknown;
      try {
        event = JSON.parse(message.data as string);
      } catch {
        return;
      }
      for (const l of listeners) {
        try {
          l(event);
        } catch (error) {
          console.error('tessera event listener failed', error);
        }
      }
    };
  }

  const bridge: Record<string, unknown> = {};
  for (const method of __TESSERA_METHODS__) {
    bridge[method] = (...args: unknown[]) => call(method, args);
  }
  bridge.onEvent = (listener: Listener) => {
    if (typeof listener !== 'function') throw new TypeError('onEvent expects a function');
    listeners.add(listener);
    ensureEvents();
    return () => {
      listeners.delete(listener);
    };
  };
  Object.defineProperty(window, 'tessera', { value: Object.freeze(bridge), writable: false, configurable: false, enumerable: true });
})();
