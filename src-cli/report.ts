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
 * Where ERROR_ACTIONS speaks of the desktop UI ("highlighted" fields, the sidebar), the
 * CLI says the same thing in terms of commands.
 */
const CLI_ACTIONS: Partial<Record<ErrorCode, string>> = {
  INVALID_INPUT: 'Check that value and try again; `tessera <command> --help` shows the usage.',
  PROFILE_NOT_FOUND: 'Run `tessera profile list` to see the profiles, or add one with `tessera profile add`.',
};

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

/** Prints the error on stderr and returns the exit code. */
export function reportError(error: unknown, env: NodeJS.ProcessEnv): number {
  if (error instanceof CommanderError) {
    // Commander already printed its (redacted) message; help and --version end with 0.
    return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
  }
  const info = toErrorInfo(error);
  let text = `tessera: ${redact(info.message)}\n`;
  const action = CLI_ACTIONS[info.code] ?? ERROR_ACTIONS[info.code];
  if (action && action !== info.message) text += `  ${action}\n`;
  if (env.TESSERA_DEBUG === '1') text += `  [${info.code}]\n${debugDetail(error)}\n`;
  // Messages can quote server text: no control sequences reach the terminal.
  process.stderr.write(terminalSafe(text));
  return exitCodeFor(info.code);
}
