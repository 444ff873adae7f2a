/**
 * What every command registrar receives. Registrars run on every start, including
 * `--help`, so they must stay cheap: they only describe commands. Anything heavy
 * (the core, zod, undici, the keychain) is reached through `core()`, which composes
 * the core on first use with a dynamic import.
 */
import type { Command } from 'commander';
import type { TesseraCore } from '../src-core/index.js';
import type { Composition, CoreOptions } from './compose.js';
import { EXIT_CODES } from '../src-shared/errors.js';
import { terminalSafe } from './format.js';

export interface CliContext {
  readonly env: NodeJS.ProcessEnv;
  /** Composes the core on first call (memoized; options count only then). Never called for `--help`. */
  core(options?: CoreOptions): Promise<TesseraCore>;
  /** The data directory in use (TESSERA_HOME or the OS default); resolves without opening any store. */
  dataDir(): Promise<string>;
  /** Which secret backend the composed core uses (composes the core if needed). */
  secretBackend(): Promise<'keychain' | 'file' | 'memory'>;
  /**
   * Writes to stdout and waits until the bytes are handed to the OS (safe before exit).
   * Everything the CLI prints goes through `terminalSafe` here, tables and JSON alike.
   */
  out(text: string): Promise<void>;
  /** Human messages: stderr (also through `terminalSafe`). */
  err(text: string): Promise<void>;
  /** Exit code for a command that finished without throwing (doctor not ok, exec's child). */
  setExitCode(code: number): void;
  /** `exec`: the child died of this signal; the CLI re-raises it on itself on the way out. */
  setExitSignal(signal: NodeJS.Signals): void;
  /** Releases the core and network sockets (idempotent); `exec` without --serve calls it before the child runs. */
  dispose(): Promise<void>;
}

/** A command file exports one of these; program.ts lists them, so adding a command file is a one-line change there. */
export type Registrar = (program: Command, ctx: CliContext) => void;

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    // EPIPE (e.g. `tessera token | head -c 0`) is not our failure: resolve either way.
    stream.write(text, () => resolve());
  });
}

/** The reader of stdout went away (`| head`): nothing is left to say to it, so exit 0. */
export function exitOnBrokenPipe(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT_CODES.ok);
  });
}

/** Exits once stderr has taken what was written: an idle keep-alive socket or keychain handle must not delay the shell prompt. */
export async function exitWhenWritten(code: number): Promise<never> {
  await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
  process.exit(code);
}

export interface RunState {
  exitCode: number;
  exitSignal?: NodeJS.Signals;
  /** The running command's path (`profile add`), once commander has parsed it: errors get hints that fit it. */
  command?: string;
  /** The profile the command was given (its `<name>` argument), for hints that name it. */
  profile?: string;
}

/** What the program learns from a token fast path that declined (token-fast.ts): the keychain's failure, not to be asked again. */
export interface FastPathHandoff {
  keychainFailure?: { code: 'KEYCHAIN_LOCKED' | 'KEYCHAIN_UNAVAILABLE'; message: string };
}

export function createContext(env: NodeJS.ProcessEnv, handoff: FastPathHandoff = {}): { ctx: CliContext; state: RunState } {
  const state: RunState = { exitCode: 0 };
  let composition: Promise<Composition> | undefined;
  const compose = (options: CoreOptions = {}): Promise<Composition> =>
    (composition ??= import('./compose.js').then((m) => m.composeCore(env, { ...options, ...handoff })));

  const ctx: CliContext = {
    env,
    core: async (options) => (await compose(options)).core,
    dataDir: async () => (await import('./compose.js')).resolveDataDir(env),
    secretBackend: async () => (await compose()).backend,
    out: (text) => write(process.stdout, terminalSafe(text)),
    err: (text) => write(process.stderr, terminalSafe(text)),
    setExitCode: (code) => {
      state.exitCode = code;
    },
    setExitSignal: (signal) => {
      state.exitSignal = signal;
    },
    dispose: async () => {
      if (!composition) return;
      const pending = composition;
      composition = undefined;
      try {
        await (await pending).dispose();
      } catch {
        // Composition itself failed; its error was already reported by the command.
      }
    },
  };
  return { ctx, state };
}
