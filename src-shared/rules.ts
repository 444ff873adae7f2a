/**
 * Every input rule of Tessera, with the message a person sees when a value breaks it:
 * plain functions and constants, no zod, nothing from Node. The zod schemas
 * (./schemas.ts, ./base-schemas.ts), the core, the desktop app's forms and the CLI's
 * option parsing all check values with these, so a value one face accepts is never
 * refused by another.
 *
 * A rule returns `null` when the value passes, else its message: a sentence that
 * names the field and says what to enter.
 */

export type Problem = string | null;

// ---- Profile names ---------------------------------------------------------------

export const PROFILE_NAME_MAX = 64;
const PROFILE_NAME_CHARS = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** What is wrong with a profile name (already trimmed), or null. */
export function profileNameProblem(name: string): Problem {
  if (name.length === 0) return 'Enter a profile name.';
  if (name.length > PROFILE_NAME_MAX) return `A profile name has at most ${PROFILE_NAME_MAX} characters.`;
  if (!PROFILE_NAME_CHARS.test(name)) return 'A profile name has letters, digits, dot, dash or underscore only, and starts with a letter or digit.';
  return null;
}

/** Profile names are unique regardless of case: `Lab` and `lab` are the same profile to every command. */
export function sameProfileName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export const PROFILE_NAME_TAKEN = 'A profile with this name exists already (names are compared regardless of case).';

/** PROFILE_NAME_TAKEN when `name` is already among `existing` (regardless of case), else null. */
export function profileNameTakenProblem(name: string, existing: Iterable<string>): Problem {
  for (const other of existing) if (sameProfileName(name, other)) return PROFILE_NAME_TAKEN;
  return null;
}

// ---- Tenant domains --------------------------------------------------------------

/** A DNS label: the `<domain>` of `<domain>.login.illumina.com`. */
export const DOMAIN_MAX = 63;
const DOMAIN_CHARS = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** What is wrong with a tenant domain (already trimmed and lower-cased), or null. */
export function domainProblem(domain: string): Problem {
  if (domain.length === 0) return 'Enter the tenant domain.';
  if (domain.length > DOMAIN_MAX) return `A tenant domain has at most ${DOMAIN_MAX} characters.`;
  if (!DOMAIN_CHARS.test(domain)) return 'A tenant domain has letters, digits and dashes only (not first or last), as in <domain>.login.illumina.com.';
  return null;
}

// ---- Workgroups ------------------------------------------------------------------

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `text` is a UUID (workgroup, project and case ids): the one pattern every layer uses. */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}

/** What is wrong with a workgroup id (already trimmed), or null. Workgroup ids are UUIDs. */
export function workgroupProblem(workgroup: string): Problem {
  if (!UUID.test(workgroup)) return 'A workgroup id is a UUID such as 3f2b8c1e-0d4a-4e6b-9c7f-1a2b3c4d5e6f (shown in the Illumina web UI).';
  return null;
}

// ---- API keys --------------------------------------------------------------------

export const API_KEY_MIN = 8;
export const API_KEY_MAX = 4096;

/** What is wrong with an API key (already trimmed), or null. Never quotes the key. */
export function apiKeyProblem(key: string): Problem {
  if (key.length === 0) return 'Paste the API key or drop its .txt file.';
  if (key.length < API_KEY_MIN) return 'That API key looks too short; paste the whole key.';
  if (key.length > API_KEY_MAX) return `An API key has at most ${API_KEY_MAX} characters.`;
  if (/\s/.test(key)) return 'An API key is one line with no spaces.';
  // The key travels in HTTP headers, which carry printable ASCII only.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'The API key contains a control character; paste the key again, or download its .txt file again.';
  if (/[^\u0021-\u007e]/.test(key)) {
    return 'The API key contains a character that is not plain ASCII (letters, digits, punctuation); was it saved in another encoding or copied with typographic quotes? Paste it again, or download its .txt file again.';
  }
  return null;
}

// ---- Case statuses --------------------------------------------------------------

/** The case statuses TSS documents (spelling as the platform sends them); a tenant may send others. */
export const CASE_STATUSES = ['Draft', 'New', 'In Progress', 'Complete', 'Canceled', 'Deletion'] as const;

/** The documented case sub-states. */
export const CASE_SUB_STATES = [
  'MISSING_SAMPLE_INFORMATION', 'AWAITING_MOLECULAR_DATA', 'READY_FOR_PROCESSING', 'PROCESSING', 'READY_FOR_INTERPRETATION',
  'READY_FOR_REVIEW', 'REPORTS_AVAILABLE', 'READY_FOR_DELIVERY', 'DELIVERY_IN_PROGRESS', 'DELIVERED', 'CLOSED', 'HAS_ISSUE',
  'QC_WARNING', 'DELETION_IN_PROGRESS', 'DELETION_HAS_ISSUE',
] as const;

/** How a typed status compares: case, spaces, underscores and dashes do not matter (`in progress`, `qc-warning`). */
export function statusKey(value: string): string {
  return value.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
}

/**
 * Which statuses and sub-states typed values name, among `statuses` and `subStates`
 * (the documented ones plus those seen in the data): each value as the platform spells
 * it, or the problem naming the unknown value and listing the valid ones.
 */
export function resolveStatuses(
  typed: readonly string[],
  statuses: readonly string[],
  subStates: readonly string[],
): { status: string[]; subState: string[]; problem: null } | { problem: string } {
  const status: string[] = [];
  const subState: string[] = [];
  for (const value of typed) {
    const key = statusKey(value);
    const s = statuses.find((v) => statusKey(v) === key);
    const sub = s === undefined ? subStates.find((v) => statusKey(v) === key) : undefined;
    if (s !== undefined) status.push(s);
    else if (sub !== undefined) subState.push(sub);
    else {
      return {
        problem: `There is no case status "${value}". Statuses: ${[...new Set(statuses)].join(', ')}. Sub-states: ${[...new Set(subStates)].join(', ')}.`,
      };
    }
  }
  return { status: [...new Set(status)], subState: [...new Set(subState)], problem: null };
}

// ---- File vault passphrases -----------------------------------------------------

/** A new file vault's passphrase has at least this many characters (an existing vault opens with whatever it was created with). */
export const VAULT_PASSPHRASE_MIN = 8;

/** Said wherever a vault passphrase is chosen. */
export const VAULT_PASSPHRASE_UNRECOVERABLE = 'Tessera cannot recover a forgotten passphrase: the keys in the vault would have to be added again.';

/** What is wrong with the passphrase chosen for a new file vault, or null. Never quotes it. */
export function newVaultPassphraseProblem(passphrase: string): Problem {
  if (passphrase.length === 0) return 'Choose a passphrase for the new file vault.';
  if ([...passphrase].length < VAULT_PASSPHRASE_MIN) return `A new file vault's passphrase has at least ${VAULT_PASSPHRASE_MIN} characters.`;
  return null;
}

// ---- Platform URLs ---------------------------------------------------------------

/**
 * True for the loopback addresses a plain http:// URL may point at: 127.0.0.0/8, ::1
 * (and its IPv4-mapped form for 127.x) and the name `localhost`. Not `*.localhost`:
 * not every resolver pins those names to loopback, so one could send a key over the
 * network in clear text.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  // IPv4-mapped IPv6 loopback, as WHATWG URL normalises it (::ffff:7f00:1).
  if (/^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host)) return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return v4 !== null && v4.slice(1).every((o) => Number(o) <= 255) && Number(v4[1]) === 127;
}

/** Why a platform URL is refused: its form (not absolute, user:password@) or its transport (scheme, plain http). */
export type UrlProblemKind = 'not-absolute' | 'credentials' | 'scheme' | 'insecure-http';
export interface UrlProblem {
  kind: UrlProblemKind;
  message: string;
}

const EXAMPLE_URL = 'https://ica.illumina.com/ica/rest';

/**
 * The rule for every ICA/TSS base URL: absolute; https, or plain http only to a
 * loopback address (the local simulator, a port-forward); no user:password@ (keys
 * travel in headers, and a URL is shown and logged). Messages name the host, never
 * the query or the credentials.
 */
export function urlProblem(url: string | URL): UrlProblem | null {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url.trim()) : url;
  } catch {
    return { kind: 'not-absolute', message: `Enter an absolute URL such as ${EXAMPLE_URL}.` };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return { kind: 'scheme', message: `Unsupported URL scheme ${parsed.protocol.replace(/:$/, '')}; use https://.` };
  }
  if (parsed.username || parsed.password) {
    return { kind: 'credentials', message: 'The URL contains a user name or password: remove it (Tessera sends credentials in headers only, from the keychain).' };
  }
  if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)) {
    return {
      kind: 'insecure-http',
      message: `Refusing plain http:// to ${parsed.host}: keys and tokens are sent over https only (http is allowed for 127.0.0.1, ::1 and localhost).`,
    };
  }
  return null;
}

// ---- Numeric bounds --------------------------------------------------------------

/** An inclusive range of whole numbers, with the message that states it. */
export interface Bounds {
  min: number;
  max: number;
  message: string;
}

const bounds = (min: number, max: number, unit?: string): Bounds => ({
  min,
  max,
  message: max === Number.MAX_SAFE_INTEGER ? `Enter a whole number of at least ${min}.` : `Enter a whole number from ${min} to ${max}${unit ? ` (${unit})` : ''}.`,
});

export const BOUNDS = {
  /** Settings and `--min-ttl`: a token with less lifetime left is replaced first. */
  minTtlSeconds: bounds(0, 86_400, 'seconds'),
  /** The app's form asks for the minimum lifetime in minutes (minTtlSeconds / 60). */
  minTtlMinutes: bounds(0, 1440, 'minutes'),
  clipboardClearSeconds: bounds(0, 3600, 'seconds'),
  idleLockMinutes: bounds(0, 24 * 60, 'minutes'),
  requestTimeoutSeconds: bounds(1, 600, 'seconds'),
  /** Settings `syncAuditDays` and `sync --audit-days`. */
  syncAuditDays: bounds(0, 365, 'days'),
  /** The case query's page size (one call of the core's searchCases). */
  caseLimit: bounds(1, 1000),
  /** `cases --limit`: any number; the CLI pages through the core caseLimit at a time. */
  caseListLimit: bounds(1, Number.MAX_SAFE_INTEGER),
  /** `audit --limit`. */
  auditLimit: bounds(1, 10_000),
} as const satisfies Record<string, Bounds>;

export const GLOBAL_SHORTCUT_MAX = 64;

/** Setting `theme`. */
export const THEMES = ['system', 'light', 'dark'] as const;

/**
 * Setting `syncReports`: which case reports a sync keeps offline. 'off' fetches none;
 * 'json' the JSON report of each new or changed case; 'json+pdf' also its PDFs.
 */
export const SYNC_REPORTS = ['off', 'json', 'json+pdf'] as const;
export type SyncReports = (typeof SYNC_REPORTS)[number];

/**
 * Each setting's value when config.json has none: the settings schema
 * (base-schemas.ts) and the config file's own check (src-core/config/check.ts) fill
 * these in. `defaultProfile` has none (the first profile).
 */
export const SETTING_DEFAULTS = {
  minTtlSeconds: 300,
  clipboardClearSeconds: 30,
  idleLockMinutes: 15,
  globalShortcut: 'CommandOrControl+Shift+T',
  theme: 'system',
  requestTimeoutSeconds: 30,
  /** The TSS audit service is slow, so caching its log is opt-in. */
  syncAuditDays: 0,
  /** Every report is one more request per changed case, so none by default. */
  syncReports: 'off',
} as const;

/** The bounds' message when `n` is not a whole number within them, else null. */
export function boundsProblem(n: number, b: Bounds): Problem {
  return Number.isInteger(n) && n >= b.min && n <= b.max ? null : b.message;
}

/** Reads a whole number typed by a person (digits only, surrounding spaces allowed) within `b`. */
export function parseWholeNumber(text: string, b: Bounds): { value: number; problem: null } | { value: null; problem: string } {
  const t = text.trim();
  const n = /^\d+$/.test(t) ? Number(t) : NaN;
  const problem = boundsProblem(n, b);
  return problem === null ? { value: n, problem: null } : { value: null, problem };
}
