/**
 * createTessera's default offline-cache facade. It loads the cache service (the
 * SQLite store, the TSS client, the sync engine and their zod schemas) on the first
 * cache call, so a process that never touches the cache (`tessera token`, the most
 * frequent command) neither loads nor evaluates any of it.
 *
 * Until the service exists no database is open and no sync runs, so locking and
 * disposing have nothing to do, and a removed profile only needs its files deleted;
 * once it is loading or loaded they are passed on.
 */
import { lazy } from '../lazy.js';
import { deleteCacheFiles } from './paths.js';
import type { CacheService, CacheServiceOptions, CacheWiring } from './service.js';

export function lazyCacheFromCore(wiring: CacheWiring, options?: CacheServiceOptions): CacheService {
  let loaded: Promise<CacheService> | undefined;
  const service = lazy(() => (loaded = import('./service.js').then((m) => m.cacheFromCore(wiring, options))));
  /** The service once it is loading or loaded; undefined before, or when it could not be loaded (nothing is open then). */
  const existing = async (): Promise<CacheService | undefined> => loaded?.catch(() => undefined);

  return {
    listTests: async (...args) => (await service()).listTests(...args),
    searchCases: async (...args) => (await service()).searchCases(...args),
    caseFacets: async (...args) => (await service()).caseFacets(...args),
    getCase: async (...args) => (await service()).getCase(...args),
    getReport: async (...args) => (await service()).getReport(...args),
    getReportPdf: async (...args) => (await service()).getReportPdf(...args),
    getCacheStatus: async (...args) => (await service()).getCacheStatus(...args),
    sync: async (...args) => (await service()).sync(...args),
    cancelSync: async (...args) => (await service()).cancelSync(...args),
    listAuditEvents: async (...args) => (await service()).listAuditEvents(...args),
    async lock() {
      await (await existing())?.lock();
    },
    async unlock() {},
    async beforeRemove(profile) {
      const open = await existing();
      if (open) await open.beforeRemove(profile);
      else await deleteCacheFiles(wiring.dataDir, profile.id);
    },
    async dispose() {
      await (await existing())?.dispose();
    },
  };
}
