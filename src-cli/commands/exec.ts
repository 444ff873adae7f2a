/**
 * `tessera exec <name> -- <command> [args...]`: runs a command with a fresh token and
 * the profile's URLs in its environment (ICAV2_ACCESS_TOKEN, ICAV2_SERVER_URL, the
 * TSS base URL, domain and workgroup), never in its argv.
 *
 * Behaves like the command itself to whoever started it: the child's exit code is
 * ours; SIGINT, SIGTERM and SIGHUP sent to us are forwarded to the child; when the
 * child dies of a signal, we die of the same one (128+n if that signal is ignored).
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { TesseraError } from '../../src-shared/errors.js';
import type { Registrar } from '../context.js';

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Variables the child does not need and should not inherit: the vault passphrase unlocks every key. */
const WITHHELD = ['TESSERA_VAULT_PASSPHRASE'];

export const registerExec: Registrar = (program, ctx) => {
  program
    .command('exec')
    .description('run a command with ICAV2_ACCESS_TOKEN and the profile\'s URLs in its environment')
    .usage('<name> -- <command> [args...]')
    .argument('<name>', 'profile name')
    .argument('<command>', 'the command to run (after --)')
    .argument('[args...]', 'its arguments')
    // Options after the command belong to it, not to tessera.
    .passThroughOptions()
    .action(async (name: string, first: string, rest: string[]) => {
      // With passThroughOptions commander hands `--` over as an operand.
      const [command, ...args] = first === '--' ? rest : [first, ...rest];
      if (!command) throw new TesseraError('INVALID_INPUT', 'No command given: tessera exec <name> -- <command> [args...]');

      const core = await ctx.core({ readMostly: true });
      const extra = await core.execEnvironment(name);
      // Nothing of ours needs to stay open while the child runs (it may run for hours).
      await ctx.dispose();

      const env: NodeJS.ProcessEnv = { ...ctx.env, ...extra };
      for (const key of WITHHELD) delete env[key];

      const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
        const child = spawn(command, args, { stdio: 'inherit', env });
        const forward = (signal: NodeJS.Signals): void => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        };
        for (const sig of FORWARDED) process.on(sig, forward);
        const cleanup = (): void => {
          for (const sig of FORWARDED) process.removeListener(sig, forward);
        };
        child.once('error', (error: NodeJS.ErrnoException) => {
          cleanup();
          reject(error);
        });
        child.once('exit', (code, signal) => {
          cleanup();
          resolve({ code, signal });
        });
      }).catch((error: NodeJS.ErrnoException) => {
        // Shell conventions: 127 command not found, 126 found but not executable.
        if (error.code === 'ENOENT') return { notFound: `command not found: ${command}`, exit: 127 };
        if (error.code === 'EACCES') return { notFound: `permission denied: ${command}`, exit: 126 };
        throw error;
      });

      if ('notFound' in outcome) {
        await ctx.err(`tessera: ${outcome.notFound}\n`);
        ctx.setExitCode(outcome.exit);
        return;
      }
      if (outcome.signal) {
        ctx.setExitCode(128 + (constants.signals[outcome.signal] ?? 0));
        ctx.setExitSignal(outcome.signal);
        return;
      }
      ctx.setExitCode(outcome.code ?? 1);
    });
};
