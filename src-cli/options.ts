/**
 * Option parsers for commander built on the shared input rules (src-shared/rules.ts),
 * so that the CLI refuses exactly what the core and the app refuse, with the same
 * message, before any work starts (and before a key is asked for).
 */
import { InvalidArgumentError } from 'commander';
import { parseWholeNumber, type Bounds, type Problem } from '../src-shared/rules.js';

/** A whole number within `b`; the message states the range. */
export function wholeNumberOption(b: Bounds): (value: string) => number {
  return (value) => {
    const parsed = parseWholeNumber(value, b);
    if (parsed.value === null) throw new InvalidArgumentError(parsed.problem);
    return parsed.value;
  };
}

/** `min-max` for help texts. */
export const range = (b: Bounds): string => `${b.min}-${b.max}`;

/** A value checked by `problem` after `normalize` (e.g. trim); yields the normalised value. Only for values that are not secret: commander echoes a refused one. */
export function ruleOption(problem: (value: string) => Problem, normalize: (value: string) => string = (v) => v.trim()): (value: string) => string {
  return (value) => {
    const v = normalize(value);
    const message = problem(v);
    if (message !== null) throw new InvalidArgumentError(message);
    return v;
  };
}
