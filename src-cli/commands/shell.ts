/**
 * `tessera shell <name> [--project <name|id>] [--min-ttl <s>]`: the user's shell ($SHELL,
 * else /bin/sh) with the environment of `tessera exec --serve` plus TESSERA_PROFILE for
 * the prompt. Everything lives in that shell's environment: leaving it leaves the
 * profile, and other terminals (and icav2's session files) are untouched.
 */
import type { Registrar } from '../context.js';
import { runWithProfile, type ChildOptions } from './exec.js';
import { parseSeconds } from './token.js';

export const registerShell: Registrar = (program, ctx) => {
  program
    .command('shell')
    .description('start your shell with the profile\'s token, URLs, token endpoint and TESSERA_PROFILE in its environment')
    .argument('<name>', 'profile name')
    .option('--project <name|id>', 'set ICAV2_PROJECT_ID to this ICA project (looked up in the profile\'s tenant)')
    .option('--min-ttl <seconds>', 'minimum lifetime left of every token handed out (default: the minTtlSeconds setting, 300)', parseSeconds)
    .action(async (name: string, opts: Omit<ChildOptions, 'serve'>) => {
      const shell = ctx.env.SHELL?.trim() || '/bin/sh';
      if (process.stderr.isTTY) await ctx.err(`tessera: ${shell} with profile ${name}; type exit to leave\n`);
      await runWithProfile(ctx, name, { ...opts, serve: true }, shell, []);
    });
};
