/**
 * The no-echo prompt's line reader: escape sequences of editing keys never reach the
 * secret, whole or split across reads; bracketed paste keeps its text. (On a real
 * terminal: test/integration/cli-profile.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { hiddenLine } from '../../src-cli/hidden-line.js';

const ESC = '\u001b';

function read(...chunks: string[]): { value: string; state: string } {
  const line = hiddenLine();
  let state = 'reading';
  for (const c of chunks) state = line.feed(c);
  return { value: line.value, state };
}

describe('hidden line', () => {
  it.each([
    ['arrows and Delete', [`abc${ESC}[D${ESC}[3~def\r`]],
    ['Home/End in application mode and F1', [`abc${ESC}OH${ESC}OP${ESC}OFdef\r`]],
    ['modified keys (Ctrl+Left) and F5', [`abc${ESC}[1;5D${ESC}[15~def\r`]],
    ['a sequence split across reads', [`abc${ESC}`, '[', '3', '~def\r']],
    ['Alt+x', [`abc${ESC}xdef\r`]],
    ['bracketed paste markers', [`${ESC}[200~abc${ESC}[201~def\r`]],
    ['a paste split across reads', [`${ESC}[20`, `0~abcdef${ESC}[2`, '01~\r']],
  ])('%s: the value is only what was typed', (_label, chunks) => {
    expect(read(...chunks)).toEqual({ value: 'abcdef', state: 'done' });
  });

  it('Backspace removes one character, Ctrl-U all, other controls nothing', () => {
    expect(read('abx\u007fc\u0001def\r').value).toBe('abcdef');
    expect(read('wrong\u0015abcdef\r').value).toBe('abcdef');
  });

  it('a lone Escape does not swallow Enter or Ctrl-C', () => {
    expect(read(`abcdef${ESC}\r`)).toEqual({ value: 'abcdef', state: 'done' });
    expect(read(`abc${ESC}\u0003`).state).toBe('cancelled');
  });

  it('a line break inside a paste ends the line once the paste ends, consuming its marker', () => {
    const line = hiddenLine();
    expect(line.feed(`${ESC}[200~abcdef\nrest`)).toBe('reading');
    expect(line.feed(`${ESC}[201~`)).toBe('done');
    expect(line.value).toBe('abcdef');
  });
});
