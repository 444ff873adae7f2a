/**
 * The `tessera` command's entry (bundled by scripts/build-cli.mjs into out/cli/tessera.mjs).
 * It imports nothing up front: every module loaded costs start-up time.
 *
 * Scripts run `tessera token <name>` constantly, and most calls find the token cached.
 * Such a call is served by token-fast.ts (a file of its own in the bundle), which loads
 * neither commander, nor the CLI's composition of the core, nor zod. Everything else, and
 * every token call the fast path declines (having printed nothing), runs the commander
 * program (program.ts) exactly as if the fast path did not exist: same output, same
 * errors, same exit codes. The one thing handed over is a keychain failure, which the
 * program reports instead of asking the keychain (and the person at its unlock prompt)
 * a second time.
 */
const argv = process.argv.slice(2);
const handoff = argv[0] === 'token' ? await (await import('./token-fast.js')).serveCachedToken(argv, process.env) : {};
await (await import('./program.js')).main(argv, handoff);

// An ES module (for the top-level await above) that exports nothing.
export {};
