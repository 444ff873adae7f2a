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

/**
 * The gist of an error message for places with little room (toasts): its first sentence
 * without parenthesised detail (request lines, HTTP bodies). Sentences that give the same
 * advice as `action` are left out, so a toast says what to do once. The full message stays
 * available to show on request.
 */
export function gistOf(message: string, action: string): string {
  const sentences = (text: string) => text.split(/(?<=[.!?])\s+(?=[A-Z])/).map((x) => x.trim()).filter(Boolean);
  const opening = (text: string) => text.toLowerCase().split(/\s+/).slice(0, 5).join(' ');
  const advice = new Set(sentences(action).map(opening));
  const first = sentences(message).find((x) => !advice.has(opening(x)));
  return first ? first.replace(/\s*\([^()]*\)/g, '').trim() : '';
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
  INSECURE_URL: 'Insecure URL: nothing was sent',
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

/** Titles when credentials were sent to be checked (adding a profile): only a refusal is the platform's verdict. */
const VERIFY_TITLES: Partial<Record<ErrorCode, string>> = {
  CREDENTIALS_REJECTED: 'The platform did not accept these credentials',
  FORBIDDEN: 'The platform accepted the key but refused access',
};

export function errorTitle(code: ErrorCode, context?: 'verify'): string {
  return (context === 'verify' ? VERIFY_TITLES[code] : undefined) ?? TITLES[code] ?? 'Something went wrong';
}
