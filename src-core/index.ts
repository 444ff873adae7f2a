/**
 * Public surface of the core for the faces (Electron main, CLI, harness): the only module
 * of src-core they import (.dependency-cruiser.cjs enforces it). Faces compose the core
 * with their ports and use only what is exported here.
 *
 * What is exported statically is light (no zod, no config store, no keychain module),
 * because the CLI's start-up code imports this module and everything it reaches
 * statically loads with `tessera --help`. The rest is exported as lazy loaders, one
 * dynamic import() each, so a face loads it when it needs it: the CLI loads the
 * composition root for a command, the doctor only for `tessera doctor`, and a cached
 * `tessera token` never reaches the cache, the doctor or the contract's schemas.
 */
export { TesseraError, isTesseraError, toErrorInfo } from './errors.js';
export { looksLikeKeyArgument, redact, registerSecret } from './redact.js';
export { lookupProfile } from './profiles/repository.js';
export { shellQuote } from './shell/quote.js';
export { isLoopbackHost } from './http/url.js';
export { defaultDataDir, ensureDataDir, openDataDirMode } from './paths.js';
export { atomicWriteFile } from './config/atomic.js';
export { AWS_OVERRIDING_VARIABLES } from './aws/variables.js';
export { createFileLogger } from './log.js';
export type { LogLevel } from './log.js';
export { systemClock, systemTimers } from './ports.js';
export type { ClipboardPort, FetchPort, Logger, Ports, SecretStore } from './ports.js';
export type { TesseraCore } from './service.js';
export type { SecretBackend } from './secrets/select.js';
export type { DoctorOptions } from './doctor.js';

/** The composition root, `createTessera(ports, options)`. */
export const loadTessera = () => import('./tessera.js');

/** `openSecretStore`: the keychain or the file vault, chosen as the app and the CLI choose it. */
export const loadSecretStore = () => import('./secrets/select.js');

/**
 * `cachedTokenText`: a token from the token cache alone (config.json read once, one keychain
 * read), or null when the full core is needed; the CLI serves `tessera token` with it first.
 */
export const loadCachedToken = () => import('./tokens/cached.js');

/** `peekConfig`: reads config.json without opening the config store. */
export const loadConfig = () => import('./config/store.js');

/** `vaultRetryDelayMs`: the pause after a wrong vault passphrase. */
export const loadSession = () => import('./session.js');

/** `findOrphans`, `orphanProfiles`: secret entries that belong to no profile. */
export const loadOrphans = () => import('./secrets/orphans.js');

/** The transport-neutral dispatcher of the contract (`dispatch`, `isContractMethod`): it loads every method's schema. */
export const loadRpc = () => import('./rpc.js');

/** The full doctor (`runDoctor`, `appVaultOf`): it loads the file vault and every check. */
export const loadDoctor = () => import('./doctor.js');

/** What `tessera aws-config` writes: the credential_process command and the AWS config file edit. */
export const loadAwsConfig = () => Promise.all([import('./aws/commands.js'), import('./aws/config-file.js')]);
