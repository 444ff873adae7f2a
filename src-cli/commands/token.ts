/**
 * `tessera token <name>`: prints only the token on stdout, so `$(tessera token lab)`
 * and pipes work; anything meant for people goes to stderr, and only to a terminal.
 */
import { Option } from 'commander';
import { BOUNDS } from '../../src-shared/rules.js';
import { CLI_FORMAT_IDS, TOKEN_FORMATS, type CliFormat } from '../../src-shared/token-formats.js';
import type { Registrar } from '../context.js';
import { remaining } from '../format.js';
import { wholeNumberOption } from '../options.js';

export const parseSeconds = wholeNumberOption(BOUNDS.minTtlSeconds);

/** "jwt (the bare token), header (Authorization: Bearer …), …": the shared words for each format. */
const FORMAT_HELP = CLI_FORMAT_IDS.map((id) => `${id} (${TOKEN_FORMATS[id].description})`).join(', ');

export const registerToken: Registrar = (program, ctx) => {
  program
    .command('token')
    .description('print a fresh ICA access token (JWT) for a profile: from the cache, or minted when needed')
    .argument('<name>', 'profile name')
    .addOption(new Option('--format <format>', FORMAT_HELP).choices(CLI_FORMAT_IDS).default('jwt'))
    .option('--min-ttl <seconds>', 'minimum lifetime left; a token with less is replaced first (default 300)', parseSeconds)
    .option('--force', 'mint a new token even if the cached one is fresh')
    .action(async (name: string, opts: { format: CliFormat; minTtl?: number; force?: boolean }) => {
      const core = await ctx.core({ readMostly: true });
      const options = { ...(opts.minTtl !== undefined && { minTtlSeconds: opts.minTtl }), ...(opts.force && { force: true }) };
      // Concurrent processes share one mint through the core's per-profile lock file.
      const { text, status } = await core.tokenText(name, opts.format, options);
      await ctx.out(`${text}\n`);
      if (process.stderr.isTTY) {
        await ctx.err(`tessera: token for ${name} ${status.source === 'cache' ? 'from the cache' : status.source === 'refreshed' ? 'refreshed' : 'minted'}, expires in ${remaining(status.expiresAt)}\n`);
      }
    });
};
