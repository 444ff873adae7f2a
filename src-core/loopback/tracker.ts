/**
 * The loopback endpoints a core has open (token endpoints, AWS container-credentials
 * endpoints), one per child process: each closes with its child, and `closeAll` ends
 * those still open when the core is disposed.
 */
interface Closable {
  close(): Promise<void>;
}

export function createEndpointTracker() {
  const open = new Set<Closable>();
  return {
    /** Keeps `endpoint` until it is closed; returns it with a `close` that also forgets it. */
    track<E extends Closable>(endpoint: E): E {
      open.add(endpoint);
      return {
        ...endpoint,
        close: async () => {
          open.delete(endpoint);
          await endpoint.close();
        },
      };
    },
    async closeAll(): Promise<void> {
      const all = [...open];
      open.clear();
      await Promise.all(all.map((e) => e.close()));
    },
  };
}
