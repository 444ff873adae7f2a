/**
 * Turns anything a command throws into `tessera: <message>`, the action to take, and
 * an exit code from src-shared/errors.ts. Never a stack trace, unless TESSERA_DEBUG=1,
 * and even then passed through the core's `redact` (every secret this process handled,
 * JWTs, credential headers, key-shaped words) so no secret reaches the terminal.
 */
import { CommanderError } from 'commander';
import { ERROR_ACTIONS, EXIT_CODES, exitCodeFor, type ErrorCode } from '../src-shared/errors.js';
import { loadSession, redact, toErrorInfo } from '../src-core/index.js';
import { terminalSafe } from './format.js';

function debugDetail(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const e = current as { stack?: unknown; message?: unknown; cause?: unknown };
    parts.push(depth === 0 ? String(e.stack ?? e.message ?? current) : `caused by: ${String(e.stack ?? e.message ?? current)}`);
    current = e.cause;
  }
  return redact(parts.join('\n'));
}

/**
 * What to do, in terms of commands: ERROR_ACTIONS speaks to the desktop app (fields,
 * the sidebar, buttons) and never names a CLI command, so every code whose action
 * differs on the command line has its CLI wording here. `<command>` becomes the path
 * of the command that ran (`profile add`).
 */
export const CLI_ACTIONS: Partial<Record<ErrorCode, string>> = {
  INVALID_INPUT: 'Check that value and try again; `tessera <command> --help` shows the usage.',
  PROFILE_NOT_FOUND: 'Run `tessera profile list` to see the profiles, or add one with `tessera profile add`.',
  CREDENTIALS_REJECTED:
    'Regenerate the key under Manage API Keys in the Illumina web UI, then store it with `tessera profile rotate <name> --api-key-file <path>`.',
  SECRET_MISSING: 'Store the key again with `tessera profile rotate <name> --api-key-file <path>`.',
  VAULT_PASSPHRASE_REQUIRED: 'Set TESSERA_VAULT_PASSPHRASE or run in a terminal to be asked for the vault passphrase.',
  VAULT_LOCKED: 'Set TESSERA_VAULT_PASSPHRASE or run in a terminal to be asked for the vault passphrase.',
  CACHE_LOCKED: 'Try again; if it persists, run `tessera doctor`.',
  NOT_FOUND: 'Check the id; `tessera sync <name>` fetches the newest data.',
  TENANT_NOT_FOUND:
    "Check the profile's domain (`tessera profile list`): the <domain> of <domain>.login.illumina.com; to change it, remove the profile and add it again.",
  INTERNAL: 'Try again; if it persists, run `tessera doctor` (add TESSERA_DEBUG=1 for details).',
};

/** TSS refuses a key of another tenant as it refuses a revoked one: the domain comes first. */
const TSS_REJECTED =
  "Check the profile's domain (`tessera profile list`); if it is right, regenerate the key and store it with `tessera profile rotate <name> --api-key-file <path>`.";

/** The platform could not check a key: nothing was stored, and --no-verify stores it anyway. */
const unverified = (command: string) =>
  `Nothing was stored: the key could not be checked. Try again when the platform can be reached, or store it without checking: \`tessera ${command} <name> … --no-verify\`.`;
const UNVERIFIED_ADD = unverified('profile add');
const UNVERIFIED_ROTATE = unverified('profile rotate');

/**
 * Hints that depend on the command that failed: a key refused at `profile add` was never
 * stored (so there is nothing to rotate); an unknown tenant at `sync` is not a stale id.
 */
export const COMMAND_ACTIONS: Readonly<Record<string, Partial<Record<ErrorCode, string>>>> = {
  'profile add': {
    CREDENTIALS_REJECTED: 'Check the key and --domain (nothing was saved).',
    FORBIDDEN: 'Check the key (nothing was saved): its user needs the roles, and its workgroups must cover --workgroup.',
    TENANT_NOT_FOUND: 'Check --domain: the <domain> of <domain>.login.illumina.com (nothing was saved).',
    INVALID_INPUT: 'Check that value (nothing was saved); `tessera profile add --help` shows the usage.',
    NETWORK: UNVERIFIED_ADD,
    TIMEOUT: UNVERIFIED_ADD,
    SERVER_ERROR: UNVERIFIED_ADD,
    RATE_LIMITED: UNVERIFIED_ADD,
  },
  'profile rotate': {
    NETWORK: UNVERIFIED_ROTATE,
    TIMEOUT: UNVERIFIED_ROTATE,
    SERVER_ERROR: UNVERIFIED_ROTATE,
    RATE_LIMITED: UNVERIFIED_ROTATE,
    CREDENTIALS_REJECTED: 'Check the new key (the old one is still stored and in use).',
    FORBIDDEN: 'Check the new key (the old one is still stored and in use): its user needs the roles, and its workgroups must cover the profile\'s.',
  },
  sync: {
    NOT_FOUND: "Check the profile's TSS URL (`tessera profile list`).",
    CREDENTIALS_REJECTED: TSS_REJECTED,
  },
  tests: { CREDENTIALS_REJECTED: TSS_REJECTED },
  cases: { CREDENTIALS_REJECTED: TSS_REJECTED },
  case: {
    CREDENTIALS_REJECTED: TSS_REJECTED,
    NOT_FOUND: 'Check the case id (`tessera cases <name>` lists them); `tessera sync <name>` fetches the newest data.',
  },
};

/** The action for `code` when `command` failed: the command's own, else the CLI's, else the app's. */
export function cliAction(code: ErrorCode, run: { command?: string | undefined; profile?: string | undefined } = {}): string {
  const { command, profile } = run;
  const action = (command ? COMMAND_ACTIONS[command]?.[code] : undefined) ?? CLI_ACTIONS[code] ?? ERROR_ACTIONS[code];
  return action
    .replace('`tessera <command> --help`', command ? `\`tessera ${command} --help\`` : '`tessera --help`')
    .replaceAll('<name>', profile && /^[\w.-]+$/.test(profile) ? profile : '<name>');
}

/**
 * The desktop app pauses after repeated wrong vault passphrases (vaultRetryDelayMs). The
 * CLI asks once per process, so it cannot tell a typo from the hundredth guess of a
 * script: it always pays the pause of a repeated failure (1 s) before exiting.
 */
export const CLI_PASSPHRASE_FAILURES = 3;

/** After a wrong vault passphrase: waits as the app would before the process may exit. */
export async function pauseAfterWrongPassphrase(error: unknown): Promise<void> {
  if (toErrorInfo(error).code !== 'VAULT_BAD_PASSPHRASE') return;
  // Reached only after the core was loaded (it raised the error), so this import is free.
  const { vaultRetryDelayMs } = await loadSession();
  await new Promise((resolve) => setTimeout(resolve, vaultRetryDelayMs(CLI_PASSPHRASE_FAILURES)));
}

/**
 * Whether `message` already says what `action` says to do: it holds the action, or every
 * command and setting the action names (`tessera …` in backticks, TESSERA_… variables).
 * Some messages carry their own advice (the keychain's names the file vault); the hint
 * line then would only say it a second time.
 */
export function givesAdvice(message: string, action: string): boolean {
  if (message.includes(action)) return true;
  const steps = [...action.matchAll(/`[^`]+`|\bTESSERA_[A-Z_]+(?:=\w+)?/g)].map((m) => m[0]);
  return steps.length > 0 && steps.every((step) => message.includes(step));
}

/** Prints the error on stderr and returns the exit code. */
export function reportError(error: unknown, env: NodeJS.ProcessEnv, run: { command?: string | undefined; profile?: string | undefined } = {}): number {
  if (error instanceof CommanderError) {
    // Commander already printed its (redacted) message; help and --version end with 0.
    return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
  }
  const info = toErrorInfo(error);
  let text = `tessera: ${redact(info.message)}\n`;
  const action = cliAction(info.code, run);
  if (action && !givesAdvice(info.message, action)) text += `  ${action}\n`;
  if (env.TESSERA_DEBUG === '1') text += `  [${info.code}]\n${debugDetail(error)}\n`;
  // Messages can quote server text: no control sequences reach the terminal.
  process.stderr.write(terminalSafe(text));
  return exitCodeFor(info.code);
}
