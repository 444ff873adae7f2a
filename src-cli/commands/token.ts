/**
 * `tessera token <name>`: prints only the token on stdout, so `$(tessera token lab)`
 * and pipes work; anything meant for people goes to stderr, and only to a terminal.
 */
import { Option } from 'commander';
import { shellQuote } from '../../src-core/index.js';
import { BOUNDS } from '../../src-shared/rules.js';
import type { Registrar } from '../context.js';
import { remaining } from '../format.js';
import { wholeNumberOption } from '../options.js';

const TOKEN_FORMATS = ['jwt', 'header', 'env', 'json'] as const;
type CliTokenFormat = (typeof TOKEN_FORMATS)[number];

export const parseSeconds = wholeNumberOption(BOUNDS.minTtlSeconds);

/**
 * The token in the requested shape. `json.source` is "cache" or "minted": a token
 * extended through `:refresh` is new to the caller too, so it reports as "minted".
 */
export function formatToken(format: CliTokenFormat, token: string, expiresAt: string, source: 'cache' | 'minted' | 'refreshed'): string {
  switch (format) {
    case 'jwt':
      return `${token}\n`;
    case 'header':
      return `Authorization: Bearer ${token}\n`;
    case 'env':
      // Meant for `eval "$(tessera token … --format env)"`: quoted, whatever the token holds.
      return `export ICAV2_ACCESS_TOKEN=${shellQuote(token)}\n`;
    case 'json':
      return `${JSON.stringify({ token, expiresAt, source: source === 'cache' ? 'cache' : 'minted' })}\n`;
  }
}

export const registerToken: Registrar = (program, ctx) => {
  program
    .command('token')
    .description('print a fresh ICA access token (JWT) for a profile: from the cache, or minted when needed')
    .argument('<name>', 'profile name')
    .addOption(new Option('--format <format>', 'jwt, header (Authorization: Bearer …), env (export ICAV2_ACCESS_TOKEN=…) or json').choices(TOKEN_FORMATS).default('jwt'))
    .option('--min-ttl <seconds>', 'minimum lifetime left; a token with less is replaced first (default 300)', parseSeconds)
    .option('--force', 'mint a new token even if the cached one is fresh')
    .action(async (name: string, opts: { format: CliTokenFormat; minTtl?: number; force?: boolean }) => {
      const core = await ctx.core({ readMostly: true });
      const options = { ...(opts.minTtl !== undefined && { minTtlSeconds: opts.minTtl }), ...(opts.force && { force: true }) };
      // Concurrent processes share one mint through the core's per-profile lock file.
      const { token, status } = await core.token(name, options);
      await ctx.out(formatToken(opts.format, token, status.expiresAt, status.source));
      if (process.stderr.isTTY) {
        await ctx.err(`tessera: token for ${name} ${status.source === 'cache' ? 'from the cache' : status.source === 'refreshed' ? 'refreshed' : 'minted'}, expires in ${remaining(status.expiresAt)}\n`);
      }
    });
};
