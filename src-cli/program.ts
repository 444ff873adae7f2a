/**
 * The `tessera` program: commander and the command descriptions, run by the entry
 * (main.ts) for every invocation the token fast path (token-fast.ts) does not serve.
 *
 * Start-up cost matters because scripts run `tessera token` constantly, so this file
 * loads only commander and the command descriptions. The core (zod, the keychain,
 * config) is imported when a command runs, and the network code only when a request is made;
 * `tessera --help` opens no store at all.
 */
import { Command } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { EXIT_CODES } from '../src-shared/errors.js';
import { createContext, exitOnBrokenPipe, exitWhenWritten, type FastPathHandoff, type Registrar } from './context.js';
import { loadConfig, looksLikeKeyArgument, redact } from '../src-core/index.js';
import { pauseAfterWrongPassphrase, reportError } from './report.js';
import { registerProfile } from './commands/profile.js';
import { registerToken } from './commands/token.js';
import { registerExec } from './commands/exec.js';
import { registerShell } from './commands/shell.js';
import { registerDoctor } from './commands/doctor.js';
import { registerCache } from './commands/cache.js';
import { registerReport } from './commands/report.js';
import { registerImport } from './commands/import.js';
import { registerAws } from './commands/aws.js';

/** One line per command file; a new command file (e.g. commands/cache.ts) adds one entry here. */
const REGISTRARS: Registrar[] = [registerProfile, registerToken, registerExec, registerShell, registerDoctor, registerCache, registerImport, registerAws, registerReport];

/** Option names someone might try to pass a secret with; refused before parsing. */
const SECRET_OPTION = /^--?(api[-_]?key|key|password|passwd|pass|pw|secret|token|jwt|passphrase)(=|$)/i;

/**
 * Refuses argv that carries a secret, without echoing it: argv is readable by every
 * user through `ps` and lands in shell history, so the only safe answer is "no".
 * Arguments after `exec`'s `--` belong to the child command and are left alone. A value
 * that looks like a key but names an existing profile is a name, not a secret; the
 * profile names are read only when the shape check fires, so a normal start pays nothing.
 */
async function refuseSecretsInArgv(argv: string[], profileNames: () => Promise<ReadonlySet<string>>): Promise<string | null> {
  const end = argv.indexOf('--');
  const ours = end === -1 ? argv : argv.slice(0, end);
  const secretShaped = async (value: string): Promise<boolean> => looksLikeKeyArgument(value) && !(await profileNames()).has(value);
  for (const arg of ours) {
    if (SECRET_OPTION.test(arg)) {
      return 'keys and passwords are never accepted as command-line arguments (they would show in `ps` and shell history). Use --api-key-stdin, --api-key-file <path>, or --password-stdin.';
    }
    if (!arg.startsWith('-') && !arg.includes('/') && (await secretShaped(arg))) {
      return 'an argument looks like an API key or token; keys are never accepted as command-line arguments (they would show in `ps` and shell history). Pipe it in with --api-key-stdin or use --api-key-file <path>.';
    }
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0 && (await secretShaped(arg.slice(eq + 1)))) {
      return 'an option value looks like an API key or token; keys are never accepted as command-line arguments. Use --api-key-stdin or --api-key-file <path>.';
    }
  }
  return null;
}

/** Names of the profiles in config.json; none when it is missing or unreadable (the command itself reports that). */
async function existingProfileNames(ctx: ReturnType<typeof createContext>['ctx']): Promise<ReadonlySet<string>> {
  try {
    const { peekConfig } = await loadConfig();
    const seen = await peekConfig(await ctx.dataDir());
    return new Set(seen.state === 'ok' || seen.state === 'newer' ? seen.config.profiles.map((p) => p.name) : []);
  } catch {
    return new Set();
  }
}

/** `profile add`, `token`: the command's path under `tessera`, for hints that fit it. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function buildProgram(ctx: ReturnType<typeof createContext>['ctx'], state: ReturnType<typeof createContext>['state']): Command {
  const program = new Command('tessera')
    .description('Fresh ICA tokens from API keys kept in your OS keychain (Illumina Connected Software).')
    .version(pkg.version, '-V, --version')
    .enablePositionalOptions()
    .exitOverride()
    .hook('preAction', (_program, action) => {
      state.command = commandPath(action);
      // Every command that takes a profile takes it first, as <name>.
      const first = action.registeredArguments[0];
      if (first?.name() === 'name' && typeof action.processedArgs[0] === 'string') state.profile = action.processedArgs[0];
    })
    .showHelpAfterError('(run with --help for usage)')
    // List commands by their usage line, so `exec` shows its `--`.
    .configureHelp({ subcommandTerm: (cmd) => `${cmd.name()} ${cmd.usage()}`.trim() })
    .configureOutput({
      writeErr: (text) => process.stderr.write(redact(text)),
      outputError: (text, write) => write(redact(text.replace(/^error: /, 'tessera: '))),
    })
    .addHelpText(
      'after',
      `
Environment:
  TESSERA_HOME              data directory (profiles, logs); default: the desktop app's
  TESSERA_SECRET_BACKEND    keychain (default) or file (encrypted file vault)
  TESSERA_VAULT_PASSPHRASE  passphrase of the file vault (else asked on the terminal)
  HTTPS_PROXY, NO_PROXY     proxy for platform requests (loopback always goes direct)
  TESSERA_DEBUG=1           print error details (secrets redacted)

Exit codes: 0 ok, 1 failure, 2 usage, 3 credentials rejected, 4 network or server,
5 keychain or vault, 6 offline cache. See docs/cli.md.`,
    );
  for (const register of REGISTRARS) register(program, ctx);
  return program;
}

export async function main(argv: string[], handoff: FastPathHandoff = {}): Promise<void> {
  exitOnBrokenPipe();
  const { ctx, state } = createContext(process.env, handoff);
  let code: number;
  let names: Promise<ReadonlySet<string>> | undefined;
  const refusal = await refuseSecretsInArgv(argv, () => (names ??= existingProfileNames(ctx)));
  if (refusal) {
    process.stderr.write(`tessera: ${refusal}\n`);
    code = EXIT_CODES.usage;
  } else {
    try {
      await buildProgram(ctx, state).parseAsync(argv, { from: 'user' });
      code = state.exitCode;
    } catch (error) {
      code = reportError(error, process.env, state);
      await pauseAfterWrongPassphrase(error);
    }
  }
  await ctx.dispose();

  if (state.exitSignal) {
    // Die of the same signal as `exec`'s child, so shells and supervisors see the truth.
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.removeAllListeners(sig);
    process.exitCode = code;
    process.kill(process.pid, state.exitSignal);
    // Reached only if the signal is ignored (e.g. SIGHUP under nohup): use the shell convention.
    setTimeout(() => process.exit(code), 200);
    return;
  }
  await exitWhenWritten(code);
}
