/**
 * The IPC channel list on its own, without zod or the schemas, so the sandboxed
 * preload can import it and stay a small CommonJS bundle with nothing but
 * `contextBridge` and `ipcRenderer` in it. `contract.ts` stays the source of truth:
 * src-main checks at compile time (and a test at run time) that this list names
 * exactly the methods of `TesseraApi`.
 */
export const CONTRACT_METHOD_NAMES = [
  'listProfiles',
  'addProfile',
  'updateProfile',
  'removeProfile',
  'replaceCredential',
  'exportProfiles',
  'importProfiles',
  'findIcav2Config',
  'importIcav2',
  'copySnippet',
  'getTokenStatus',
  'ensureToken',
  'revealToken',
  'copyToken',
  'listIcaProjects',
  'ensureAwsAccess',
  'copyAwsCommand',
  'getSettings',
  'updateSettings',
  'doctor',
  'getAppInfo',
  'listTests',
  'searchCases',
  'caseFacets',
  'getCase',
  'getReport',
  'exportReportPdf',
  'getCacheStatus',
  'sync',
  'cancelSync',
  'listAuditEvents',
  'startDemo',
  'lock',
  'unlock',
  'unlockVault',
] as const;

export type ContractMethodName = (typeof CONTRACT_METHOD_NAMES)[number];

/** Same values as `IPC_PREFIX` / `EVENT_CHANNEL` in contract.ts (a test pins them together). */
export const IPC_CHANNEL_PREFIX = 'tessera:';
export const IPC_EVENT_CHANNEL = 'tessera:event';
export const ipcChannelFor = (method: ContractMethodName): string => `${IPC_CHANNEL_PREFIX}${method}`;
