/**
 * Public surface of the core for the faces (Electron main, CLI, e2e harness).
 * Faces compose the core with their ports and use only what is exported here.
 */
export { createTessera } from './tessera.js';
export type { TesseraOptions } from './tessera.js';
export type { CacheService, CacheWiring } from './cache/service.js';
export { vaultRetryDelayMs } from './session.js';
export type { TesseraCore } from './service.js';
export { TesseraError, isTesseraError, toErrorInfo } from './errors.js';
export { dispatch, parseArgs, isContractMethod } from './rpc.js';
export { systemClock, systemTimers } from './ports.js';
export type { ClipboardPort, Clock, FetchPort, Logger, Paths, Ports, SecretStore, Timers } from './ports.js';
export { openSecretStore } from './secrets/select.js';
export type { OpenSecretStoreOptions } from './secrets/select.js';
export { accounts, SECRET_SERVICE } from './secrets/accounts.js';
export { openConfigStore } from './config/store.js';
export type { Config, ConfigStore, StoredProfile } from './config/types.js';
export { defaultDataDir, ensureDataDir, DATA_DIR_ENV } from './paths.js';
export { createEventBus } from './events.js';
export type { EventBus } from './events.js';
export { formatToken } from './clipboard/format.js';
export { decodeClaims } from './tokens/jwt.js';
export { assertSecureUrl, isLoopbackHost } from './http/url.js';
export { createHttp } from './http/request.js';
export type { Http, HttpDeps, HttpResult, RequestSpec } from './http/request.js';
export type { RetryPolicy } from './http/retry.js';
export { HttpStatusError } from './http/errors.js';
export { lookupProfile } from './profiles/repository.js';
