/**
 * What `tessera token` prints, whichever path served it (commands/token.ts or the fast
 * path, token-fast.ts): the token text alone on stdout, so `$(tessera token lab)` and
 * pipes work; where it came from on stderr, and only for a person at a terminal.
 */
import { fstatSync } from 'node:fs';
import type { TokenStatus } from '../src-shared/schemas.js';
import type { CliContext } from './context.js';
import { remaining } from './format.js';

/**
 * Whether stderr is a terminal. Only a character device can be one, and the fstat spares
 * pipes and files the creation of Node's stderr stream (which loads its net and stream
 * modules: milliseconds that the fast path would otherwise spend on every call).
 */
export function stderrIsTerminal(): boolean {
  try {
    if (!fstatSync(2).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return process.stderr.isTTY === true;
}

export async function printToken(io: Pick<CliContext, 'out' | 'err'>, name: string, served: { text: string; status: TokenStatus }): Promise<void> {
  const { text, status } = served;
  await io.out(`${text}\n`);
  if (stderrIsTerminal()) {
    await io.err(`tessera: token for ${name} ${status.source === 'cache' ? 'from the cache' : status.source === 'refreshed' ? 'refreshed' : 'minted'}, expires in ${remaining(status.expiresAt)}\n`);
  }
}
