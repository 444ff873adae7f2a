/**
 * Typed error codes shared by the core, the CLI, the main process and the renderer.
 * Every failure a user can see carries one of these codes and a human message;
 * `ERROR_ACTIONS` says what to do about it. Messages never contain a secret.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'PROFILE_NOT_FOUND',
  'PROFILE_EXISTS',
  'TENANT_NOT_FOUND', // TSS knows no tenant with the profile's domain
  'PROJECT_NOT_FOUND', // no ICA project of that name or id in the profile's tenant
  'DATA_NOT_FOUND', // no folder at that path in the ICA project
  'NOT_A_FOLDER', // the path names a file; temporary storage credentials are per folder
  'AMBIGUOUS_PATH', // several folders match the path ignoring case
  'CREDENTIALS_REJECTED', // 401: the key or password was refused
  'FORBIDDEN', // 403: the key works but lacks a role or workgroup
  'RATE_LIMITED', // 429 after the retry budget
  'SERVER_ERROR', // 5xx after the retry budget, or an unexpected status
  'BAD_REQUEST', // 400, or 404 from a fixed endpoint (ICA tokens): the request or the configured URL is wrong
  'NETWORK', // connection refused, DNS, reset
  'TIMEOUT', // the server did not answer in time
  'MALFORMED_RESPONSE', // the body did not match the schema
  'RESPONSE_TOO_LARGE', // the body grew past the endpoint's size cap; reading stopped
  'INSECURE_URL', // http:// to a non-loopback host
  'REFRESH_NOT_SUPPORTED', // :refresh on a key-minted token
  'KEYCHAIN_UNAVAILABLE', // no Secret Service / keychain reachable
  'KEYCHAIN_LOCKED',
  'SECRET_MISSING', // profile exists but its secret is gone from the store
  'KEY_NEEDED', // profile imported from a team file: no key or password added yet
  'VAULT_PASSPHRASE_REQUIRED',
  'VAULT_BAD_PASSPHRASE',
  'VAULT_CORRUPT',
  'VAULT_LOCKED', // the app's file vault waits for its passphrase (desktop lock screen)
  'CONFIG_CORRUPT',
  'CACHE_CORRUPT',
  'CACHE_LOCKED', // the app is locked (idle lock) or the cache is closed
  'OFFLINE', // no network and nothing cached
  'NOT_FOUND', // a case or test that does not exist
  'CANCELLED',
  'LOCKED', // the desktop app is idle-locked
  'FORBIDDEN_ORIGIN', // IPC from an unexpected frame
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** What crosses a process boundary (IPC, the HTTP harness, CLI --json). */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * The action a person should take, shown next to the message in the desktop app (the
 * CLI has its own wording where it differs: CLI_ACTIONS in src-cli/report.ts). Never
 * names a CLI command: the app's user may have no terminal at hand.
 */
export const ERROR_ACTIONS: Readonly<Record<ErrorCode, string>> = {
  INVALID_INPUT: 'Check the highlighted value and try again.',
  PROFILE_NOT_FOUND: 'Pick a profile from the sidebar, or add one.',
  PROFILE_EXISTS: 'Choose another name, or remove the existing profile first.',
  TENANT_NOT_FOUND: "Check the profile's tenant domain: it is the <domain> of <domain>.login.illumina.com.",
  PROJECT_NOT_FOUND: "Check the project's name or id (projects belong to one tenant: check the profile too).",
  DATA_NOT_FOUND: 'Check the folder path (from the project root, e.g. /runs/2024/) in the ICA project\'s Data view.',
  NOT_A_FOLDER: 'Pass the folder that holds the file; temporary storage credentials are issued per folder.',
  AMBIGUOUS_PATH: 'Pass the folder path with its exact upper and lower case.',
  CREDENTIALS_REJECTED:
    'The platform refused this key. Regenerate it under Manage API Keys in the Illumina web UI, then replace it in Tessera.',
  FORBIDDEN:
    'The key is valid but lacks permission. TSS needs the "API Access" or "Lab Director" role, and the key must cover the selected workgroup.',
  RATE_LIMITED: 'The platform is rate limiting requests. Wait a minute and try again.',
  SERVER_ERROR: 'The platform had a problem. Try again shortly; cached data stays available.',
  BAD_REQUEST: "The platform refused the request as sent. Check the profile's ICA URL (it ends in /ica/rest) and domain (tenant), then try again.",
  NETWORK: 'Check your network or VPN connection and proxy settings.',
  TIMEOUT: 'The platform did not answer in time. Check the network, then retry.',
  MALFORMED_RESPONSE: 'The platform sent an unexpected answer. Your cached data is unchanged; try again later.',
  RESPONSE_TOO_LARGE:
    "The answer was far too large to be the platform's. Check the profile's URLs; if they are right, try again later. Your cached data is unchanged.",
  INSECURE_URL: 'Use an https:// URL. Plain http:// is accepted only for loopback addresses.',
  REFRESH_NOT_SUPPORTED: 'Tokens minted from an API key are re-minted, not refreshed.',
  KEYCHAIN_UNAVAILABLE:
    'No OS keychain is reachable. Unlock or start your keyring (Secret Service on Linux), or choose the encrypted file vault with TESSERA_SECRET_BACKEND=file.',
  KEYCHAIN_LOCKED: 'Unlock your OS keychain (login keyring), then try again.',
  SECRET_MISSING: 'The stored key for this profile is gone. Replace the key to continue.',
  KEY_NEEDED: 'Profiles imported from a team file get their key or password from each person: the file never holds one.',
  VAULT_PASSPHRASE_REQUIRED: 'Enter the file vault passphrase to continue.',
  VAULT_BAD_PASSPHRASE: 'The vault passphrase is wrong. Try again.',
  VAULT_CORRUPT: 'The file vault cannot be read. Restore it from a backup or remove it and add your keys again.',
  VAULT_LOCKED: 'Enter the file vault passphrase on the Tessera lock screen to unlock it.',
  CONFIG_CORRUPT: 'The profiles file is damaged; it was kept aside. Add your profiles again.',
  CACHE_CORRUPT: 'The offline cache was damaged and has been set aside. Sync again to rebuild it.',
  CACHE_LOCKED: 'Unlock Tessera to read the offline cache.',
  OFFLINE: 'You are offline and nothing is cached yet. Sync once while online.',
  NOT_FOUND: 'Check the id, or sync to fetch the newest data.',
  CANCELLED: 'The operation was cancelled.',
  LOCKED: 'Tessera is locked. Unlock it to continue.',
  FORBIDDEN_ORIGIN: 'This request came from an unexpected page and was refused.',
  INTERNAL: 'Something unexpected went wrong. Try again; if it persists, use Run checks in Settings.',
};

/** CLI exit codes (documented in the README). */
export const EXIT_CODES = {
  ok: 0,
  failure: 1,
  usage: 2,
  credentials: 3,
  network: 4,
  secrets: 5,
  cache: 6,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'INVALID_INPUT':
    case 'PROFILE_NOT_FOUND':
    case 'PROFILE_EXISTS':
    case 'PROJECT_NOT_FOUND':
    case 'TENANT_NOT_FOUND':
    case 'DATA_NOT_FOUND':
    case 'NOT_A_FOLDER':
    case 'AMBIGUOUS_PATH':
    case 'INSECURE_URL':
    case 'BAD_REQUEST':
      return EXIT_CODES.usage;
    case 'CREDENTIALS_REJECTED':
    case 'FORBIDDEN':
    case 'SECRET_MISSING':
    case 'KEY_NEEDED':
    case 'REFRESH_NOT_SUPPORTED':
      return EXIT_CODES.credentials;
    case 'RATE_LIMITED':
    case 'SERVER_ERROR':
    case 'NETWORK':
    case 'TIMEOUT':
    case 'MALFORMED_RESPONSE':
    case 'RESPONSE_TOO_LARGE':
    case 'OFFLINE':
      return EXIT_CODES.network;
    case 'KEYCHAIN_UNAVAILABLE':
    case 'KEYCHAIN_LOCKED':
    case 'VAULT_PASSPHRASE_REQUIRED':
    case 'VAULT_BAD_PASSPHRASE':
    case 'VAULT_CORRUPT':
    case 'VAULT_LOCKED':
      return EXIT_CODES.secrets;
    case 'CACHE_CORRUPT':
    case 'CACHE_LOCKED':
      return EXIT_CODES.cache;
    default:
      return EXIT_CODES.failure;
  }
}
