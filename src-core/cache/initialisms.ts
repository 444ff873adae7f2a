/**
 * Labs name tests by initialisms the names imply: TSO for TruSight Oncology, WGS for
 * Whole Genome Sequencing. A search term that is such an initialism (or the start of
 * one) also finds the cases of every test definition whose name implies it, so "TSO 500"
 * finds TruSight Oncology 500 cases in the app and the CLI alike.
 *
 * The initialism of a name: the first letter of each word, plus every capital that
 * follows a lower-case letter inside a word (TruSight gives T and S, ctDNA gives c and
 * D). Words that start with a digit add nothing (500 is matched as itself).
 */

export function initialismOf(name: string): string {
  let out = '';
  for (const word of name.split(/[^\p{L}\p{N}]+/u)) {
    if (!word || !/^\p{L}/u.test(word)) continue;
    out += word[0];
    for (let i = 1; i < word.length; i++) {
      if (/\p{Lu}/u.test(word[i]!) && /\p{Ll}/u.test(word[i - 1]!)) out += word[i];
    }
  }
  return out.toLowerCase();
}

/** Whether a search term stands for the name's initialism: letters only, two or more, a prefix of it (case ignored). */
export function isInitialismOf(term: string, name: string): boolean {
  const t = term.toLowerCase();
  if (t.length < 2 || !/^\p{L}+$/u.test(t)) return false;
  const initialism = initialismOf(name);
  // A one-word name has a one-letter initialism: nothing to abbreviate.
  return initialism.length >= 2 && initialism.startsWith(t);
}
