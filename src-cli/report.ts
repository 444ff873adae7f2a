/**
 * Turns anything a command throws into `tessera: <message>`, the action to take, and
 * an exit code from src-shared/errors.ts. Never a stack trace, unless TESSERA_DEBUG=1,
 * and even then passed through `redact` so no secret reaches the terminal.
 */
import { CommanderError } from 'commander';
import { ERROR_ACTIONS, EXIT_CODES, exitCodeFor } from '../src-shared/errors.js';
import { toErrorInfo } from '../src-core/errors.js';
import { redact } from './io.js';

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

/** Prints the error on stderr and returns the exit code. */
export function reportError(error: unknown, env: NodeJS.ProcessEnv): number {
  if (error instanceof CommanderError) {
    // Commander already printed its (redacted) message; help and --version end with 0.
    return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
  }
  const info = toErrorInfo(error);
  let text = `tessera: ${redact(info.message)}\n`;
  const action = ERROR_ACTIONS[info.code];
  if (action && action !== info.message) text += `  ${action}\n`;
  if (env.TESSERA_DEBUG === '1') text += `  [${info.code}]\n${debugDetail(error)}\n`;
  process.stderr.write(text);
  return exitCodeFor(info.code);
}
