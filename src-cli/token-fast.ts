/**
 * The fast path of `tessera token <name> [--format <format>]`: served from the token
 * cache (the core's cachedTokenText) before commander, the CLI's composition of the core
 * or zod are loaded. It prints only when it can serve the call exactly as the program
 * would (the same text, the same stderr line, exit code 0); for anything else it prints
 * nothing and answers false, and the program (program.ts) runs: other options or
 * arguments, a name that looks like a key (the program's argv check decides), a data
 * directory the program would tighten first, a token that is not cached fresh enough,
 * and every error, which the program then reports in its own words.
 */
import { CLI_FORMAT_IDS, type CliFormat } from '../src-shared/token-formats.js';
import { defaultDataDir, loadCachedToken, looksLikeKeyArgument, openDataDirMode } from '../src-core/index.js';
import { createContext } from './context.js';
import { printToken } from './token-output.js';

const isCliFormat = (value: string | undefined): value is CliFormat => CLI_FORMAT_IDS.some((id) => id === value);

/** `token <name>` with at most `--format <format>` (or `--format=<format>`, the last one counting, as in commander); null for anything else. */
export function plainTokenRequest(argv: readonly string[]): { name: string; format: CliFormat } | null {
  if (argv[0] !== 'token') return null;
  let name: string | undefined;
  let format: CliFormat = 'jwt';
  for (let i = 1; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) {
      if (name !== undefined) return null;
      name = arg;
      continue;
    }
    const value = arg === '--format' ? argv[(i += 1)] : arg.startsWith('--format=') ? arg.slice('--format='.length) : undefined;
    if (!isCliFormat(value)) return null;
    format = value;
  }
  if (name === undefined || looksLikeKeyArgument(name)) return null;
  return { name, format };
}

/** Serves the call and answers true, or answers false having printed nothing. */
export async function serveCachedToken(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<boolean> {
  const request = plainTokenRequest(argv);
  if (!request) return false;
  let served;
  try {
    const dataDir = defaultDataDir(env);
    if (openDataDirMode(dataDir) !== null) return false;
    served = await (await loadCachedToken()).cachedTokenText({ dataDir, env, ...request });
  } catch {
    return false;
  }
  if (!served) return false;
  await printToken(createContext(env).ctx, request.name, served);
  return true;
}
