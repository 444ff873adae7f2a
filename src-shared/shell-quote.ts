/**
 * Quoting for POSIX shells (sh, bash, zsh, ksh): the one rule for every line Tessera
 * prints or copies to be pasted into, or `eval`ed by, a shell.
 */

/**
 * Characters no POSIX shell (nor zsh) gives a meaning to anywhere in a word. `=` and `%`
 * are left out on purpose: zsh expands a word that starts with `=`.
 */
const BARE = /^[A-Za-z0-9_./:,@+-]+$/;

/**
 * `value` as one shell word with exactly its text: left bare when it is made of harmless
 * characters only (a JWT, a host name), otherwise in single quotes, inside which nothing
 * is special except the quote itself, written as `'\''`.
 */
export function shellQuote(value: string): string {
  if (BARE.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
