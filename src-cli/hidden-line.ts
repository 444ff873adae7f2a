/**
 * The line typed at a no-echo prompt (a key, a password, a passphrase), read from a
 * terminal in raw mode. Raw mode hands over every byte: the arrow keys, Home, End and
 * Delete arrive as escape sequences (`ESC [ D`, `ESC [ 3 ~`, `ESC O H`), which must not
 * end up in the secret. They are dropped whole, even when split across reads. A paste
 * in bracketed-paste mode (`ESC [ 200 ~` … `ESC [ 201 ~`) keeps its text and drops the
 * markers. There is no cursor: editing is Backspace (one character) and Ctrl-U (all).
 */

export type HiddenLineState = 'reading' | 'done' | 'cancelled';

export interface HiddenLine {
  /** Consumes what the terminal sent; `done` after Enter (or Ctrl-D), `cancelled` after Ctrl-C. */
  feed(chunk: string): HiddenLineState;
  readonly value: string;
}

const ESC = '\u001b';

export function hiddenLine(): HiddenLine {
  let value = '';
  let state: HiddenLineState = 'reading';
  /** Where in an escape sequence the reader is. */
  let mode: 'text' | 'esc' | 'csi' | 'ss3' = 'text';
  let csi = '';
  let pasting = false;
  /** A line break inside a paste: the line ends once the paste does, so its closing marker is consumed too. */
  let endAfterPaste = false;

  const text = (ch: string): void => {
    if (ch === '\r' || ch === '\n' || ch === '\u0004') {
      if (pasting) endAfterPaste = true;
      else state = 'done';
    } else if (ch === '\u0003') {
      state = 'cancelled';
    } else if (ch === ESC) {
      mode = 'esc';
    } else if (endAfterPaste) {
      // The rest of a pasted block after its first line break is not part of the line.
    } else if (ch === '\u007f' || ch === '\b') {
      value = Array.from(value).slice(0, -1).join('');
    } else if (ch === '\u0015') {
      value = '';
    } else if (ch >= ' ') {
      value += ch;
    }
  };

  const step = (ch: string): void => {
    switch (mode) {
      case 'text':
        text(ch);
        return;
      case 'esc':
        if (ch === '[') {
          mode = 'csi';
          csi = '';
        } else if (ch === 'O') {
          mode = 'ss3';
        } else {
          mode = 'text';
          // A lone Escape key followed by Enter, Ctrl-C or another escape: the control still counts.
          // Alt+<key> (ESC then a printable character) is a key combination, not text.
          if (ch < ' ' || ch === '\u007f') text(ch);
        }
        return;
      case 'ss3':
        // ESC O <final>: F1-F4, and the arrows and Home/End in application mode.
        mode = 'text';
        return;
      case 'csi': {
        const code = ch.charCodeAt(0);
        if (code >= 0x40 && code <= 0x7e) {
          // The final byte ends the sequence: ESC [ <parameters> <intermediates> <final>.
          mode = 'text';
          const sequence = csi + ch;
          if (sequence === '200~') pasting = true;
          else if (sequence === '201~') {
            pasting = false;
            if (endAfterPaste) state = 'done';
          }
        } else if (code >= 0x20 && code <= 0x3f) {
          csi += ch;
        } else {
          // Not a well-formed sequence: drop what was read of it and treat this character as typed.
          mode = 'text';
          text(ch);
        }
        return;
      }
    }
  };

  return {
    feed(chunk) {
      for (const ch of chunk) {
        if (state !== 'reading') break;
        step(ch);
      }
      return state;
    },
    get value() {
      return value;
    },
  };
}
