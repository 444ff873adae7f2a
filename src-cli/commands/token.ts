/**
 * `tessera token <name>`: prints only the token on stdout, so `$(tessera token lab)`
 * and pipes work; anything meant for people goes to stderr, and only to a terminal
 * (../token-output.ts). A plain call whose token is cached is served before this
 * program loads (../token-fast.ts); this command does everything else.
 */
import { Option } from 'commander';
import { BOUNDS } from '../../src-shared/rules.js';
import { CLI_FORMAT_IDS, TOKEN_FORMATS, type CliFormat } from '../../src-shared/token-formats.js';
import type { Registrar } from '../context.js';
import { wholeNumberOption } from '../options.js';
import { printToken } from '../token-output.js';

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
      await printToken(ctx, name, await core.tokenText(name, opts.format, options));
    });
};
