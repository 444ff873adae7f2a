/**
 * Turns anything a bridge call rejects with into a message a person can act on:
 * the typed code's human message plus the action from ERROR_ACTIONS. Unknown
 * errors never show their raw text (it could carry internals), only a generic line.
 */
import { ERROR_ACTIONS, isErrorCode, type ErrorCode } from '../../src-shared/errors.js';

export interface UiError {
  code: ErrorCode;
  message: string;
  action: string;
}

export function toUiError(error: unknown): UiError {
  if (error && typeof error === 'object' && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (isErrorCode(code)) {
      const raw = (error as { message?: unknown }).message;
      const message = typeof raw === 'string' && raw.trim() ? stripTransportPrefix(raw) : ERROR_ACTIONS[code];
      return { code, message, action: ERROR_ACTIONS[code] };
    }
  }
  return { code: 'INTERNAL', message: 'Something unexpected went wrong.', action: ERROR_ACTIONS.INTERNAL };
}

/** Electron prefixes rejected invoke() messages with the channel name; people need only the message. */
function stripTransportPrefix(message: string): string {
  return message.replace(/^Error invoking remote method '[^']*': (?:\w*Error: )?/, '');
}

/** Short titles per code, for headings of error notices. */
const TITLES: Partial<Record<ErrorCode, string>> = {
  CREDENTIALS_REJECTED: 'Key rejected',
  FORBIDDEN: 'Permission missing',
  NETWORK: 'Cannot reach the platform',
  TIMEOUT: 'The platform did not answer',
  OFFLINE: 'Offline',
  RATE_LIMITED: 'Rate limited',
  SERVER_ERROR: 'Platform error',
  BAD_REQUEST: 'Request refused',
  RESPONSE_TOO_LARGE: 'Answer too large',
  INVALID_INPUT: 'Check your input',
  PROFILE_EXISTS: 'Profile already exists',
  INSECURE_URL: 'Insecure URL',
  KEYCHAIN_UNAVAILABLE: 'Keychain unavailable',
  KEYCHAIN_LOCKED: 'Keychain locked',
  VAULT_LOCKED: 'Vault locked',
  VAULT_BAD_PASSPHRASE: 'Wrong passphrase',
  VAULT_PASSPHRASE_REQUIRED: 'Passphrase needed',
  VAULT_CORRUPT: 'Vault unreadable',
  SECRET_MISSING: 'Key missing',
  KEY_NEEDED: 'Key needed',
  LOCKED: 'Tessera is locked',
  CACHE_LOCKED: 'Tessera is locked',
  CACHE_CORRUPT: 'Offline cache rebuilt',
  NOT_FOUND: 'Not found',
  CANCELLED: 'Cancelled',
};

export function errorTitle(code: ErrorCode): string {
  return TITLES[code] ?? 'Something went wrong';
}
