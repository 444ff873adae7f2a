/**
 * The `tessera` command's entry (bundled by scripts/build-cli.mjs into out/cli/tessera.mjs).
 *
 * Scripts run `tessera token <name>` constantly, and most calls find the token cached.
 * Such a call is served by token-fast.ts, which loads neither commander, nor the CLI's
 * composition of the core, nor zod. Everything else, and every token call the fast path
 * declines (having printed nothing), runs the commander program (program.ts) exactly as
 * if the fast path did not exist: same output, same errors, same exit codes.
 */
import { EXIT_CODES } from '../src-shared/errors.js';
import { exitWhenWritten } from './context.js';

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  // The reader went away (`| head`): nothing left to say to it.
  if (error.code === 'EPIPE') process.exit(EXIT_CODES.ok);
});

const argv = process.argv.slice(2);
if (argv[0] === 'token' && (await (await import('./token-fast.js')).serveCachedToken(argv, process.env))) {
  await exitWhenWritten(EXIT_CODES.ok);
}
await (await import('./program.js')).main(argv);
