/**
 * Validation of input that crosses into the core (contract arguments, CLI options):
 * the contract's zod schemas, and INVALID_INPUT naming the first problem. zod issue
 * messages describe the rule, never the offending value, so a mistyped key cannot leak
 * through an error message.
 */
import { formatIssue } from '../src-shared/issues.js';
import * as z from '../src-shared/zod.js';
import { TesseraError } from './errors.js';

export function parseInput<S extends z.core.$ZodType>(schema: S, value: unknown, what: string): z.core.output<S> {
  const parsed = z.safeParse(schema, value);
  if (!parsed.success) {
    throw new TesseraError('INVALID_INPUT', `${what}: ${formatIssue(parsed.error.issues[0])}`);
  }
  return parsed.data;
}
