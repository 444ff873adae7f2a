/**
 * What `tessera token` prints, whichever path served it (commands/token.ts or the fast
 * path, token-fast.ts): the token text alone on stdout, so `$(tessera token lab)` and
 * pipes work; where it came from on stderr, and only for a person at a terminal.
 */
import type { TokenStatus } from '../src-shared/schemas.js';
import type { CliContext } from './context.js';
import { remaining } from './format.js';

export async function printToken(ctx: Pick<CliContext, 'out' | 'err'>, name: string, served: { text: string; status: TokenStatus }): Promise<void> {
  const { text, status } = served;
  await ctx.out(`${text}\n`);
  if (process.stderr.isTTY) {
    await ctx.err(`tessera: token for ${name} ${status.source === 'cache' ? 'from the cache' : status.source === 'refreshed' ? 'refreshed' : 'minted'}, expires in ${remaining(status.expiresAt)}\n`);
  }
}
