/**
 * Public surface of the core for the faces (Electron main, CLI, harness): the only module
 * of src-core they import (.dependency-cruiser.cjs enforces it). Faces compose the core
 * with their ports and use only what is exported here.
 *
 * Everything exported statically is on the path of a cached `tessera token` (the CLI
 * bundles this module into that path). Whatever else a face needs (the contract's
 * dispatcher and its zod schemas, the full doctor with the file vault) is exported as a
 * lazy loader, a dynamic import(), so it loads only when used.
 */
export { createTessera } from './tessera.js';
export type { TesseraCore } from './service.js';
export { toErrorInfo } from './errors.js';
export { systemClock, systemTimers } from './ports.js';
export type { ClipboardPort, FetchPort, Logger, Ports, SecretStore } from './ports.js';
export { openSecretStore } from './secrets/select.js';
export type { SecretBackend } from './secrets/select.js';
export { defaultDataDir, ensureDataDir } from './paths.js';
export { createFileLogger } from './log.js';
export type { LogLevel } from './log.js';
export { isLoopbackHost } from './http/url.js';
export type { DoctorOptions } from './doctor.js';

/** The transport-neutral dispatcher of the contract (`dispatch`, `isContractMethod`): it loads every method's schema. */
export const loadRpc = () => import('./rpc.js');

/** The full doctor (`runDoctor`, `appVaultOf`): it loads the file vault and every check. */
export const loadDoctor = () => import('./doctor.js');
