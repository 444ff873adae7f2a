/**
 * `lazy(load)`: a memoized loader for code that only some calls need. The first call
 * runs `load` (typically a dynamic `import()` of a module), later calls share its
 * promise; a failed load is forgotten so the next call tries again.
 *
 * Used to keep the start-up of the busiest command, `tessera token` served from the
 * cache, free of modules it never runs (the offline cache and sync, the doctor, the
 * file vault, the zod schemas of other commands). `import()` keeps its literal
 * specifier at the call site, so bundlers still split the module into its own chunk.
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
