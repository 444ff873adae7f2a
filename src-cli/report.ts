/**
 * Turns anything a command throws into `tessera: <message>`, the action to take, and
 * an exit code from src-shared/errors.ts. Never a stack trace, unless TESSERA_DEBUG=1,
 * and even then passed through `redact` so no secret reaches the terminal.
 */
import { CommanderError } from 'commander';
import { ERROR_ACTIONS, EXIT_CODES, exitCodeFor, toErrorInfo, type ErrorCode } from '../src-shared/errors.js';
import { looksLikeSecret, redact } from './io.js';

/**
 * Debug output may quote values this process never saw as secrets (a key the core read
 * from the keychain, inside some library's message), so on top of `redact` every long
 * key-shaped word is masked too. Paths, UUIDs and host names do not have that shape.
 */
function redactKeyShaped(text: string): string {
  return text.replace(/[A-Za-z0-9+=_-]{24,}/g, (word) => (looksLikeSecret(word) ? '[redacted]' : word));
}

function debugDetail(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const e = current as { stack?: unknown; message?: unknown; cause?: unknown };
    parts.push(depth === 0 ? String(e.stack ?? e.message ?? current) : `caused by: ${String(e.stack ?? e.message ?? current)}`);
    current = e.cause;
  }
  return redactKeyShaped(redact(parts.join('\n')));
}

/**
 * Where ERROR_ACTIONS speaks of the desktop UI ("highlighted" fields, the sidebar), the
 * CLI says the same thing in terms of commands.
 */
const CLI_ACTIONS: Partial<Record<ErrorCode, string>> = {
  INVALID_INPUT: 'Check that value and try again; `tessera <command> --help` shows the usage.',
  PROFILE_NOT_FOUND: 'Run `tessera profile list` to see the profiles, or add one with `tessera profile add`.',
};

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
  process.stderr.write(text);
  return exitCodeFor(info.code);
}
