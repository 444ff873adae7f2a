/**
 * The core's and the CLI's door to the one POSIX shell quoting rule, which lives in
 * src-shared so the app's renderer quotes its ready-to-copy snippets the same way.
 */
export { shellQuote } from '../../src-shared/shell-quote.js';
