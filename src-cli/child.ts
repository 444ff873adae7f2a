/**
 * What `tessera exec` and `tessera shell` share: the child's environment (the profile's
 * variables, the token endpoint's when serving, nothing of another profile's) and
 * running the child so that it behaves, to whoever started tessera, as if started
 * directly: its exit code is ours; SIGINT, SIGTERM and SIGHUP sent to us are forwarded
 * to it; when it dies of a signal, we die of the same one (128+n if that one is ignored).
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { CliContext } from './context.js';

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Variables the child does not inherit from us: the vault passphrase unlocks every key;
 * a token endpoint or project of an enclosing `tessera shell` would belong to another
 * profile (the ones this run sets are added back).
 */
const WITHHELD = ['TESSERA_VAULT_PASSPHRASE', 'TESSERA_TOKEN_URL', 'TESSERA_TOKEN_AUTH', 'ICAV2_PROJECT_ID'];

export function childEnvironment(base: NodeJS.ProcessEnv, ...layers: Array<Record<string, string> | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const key of WITHHELD) delete env[key];
  for (const layer of layers) Object.assign(env, layer);
  return env;
}

/** Runs the child to its end and sets tessera's exit code (or signal) to its. */
export async function runChild(ctx: CliContext, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
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
}
