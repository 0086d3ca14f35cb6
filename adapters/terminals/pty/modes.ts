/**
 * Which terminal modes the program in a pty asked for, read from its output: bracketed
 * paste (`ESC [ ? 2004 h/l`) decides whether a paste is wrapped in markers, application
 * cursor keys (`ESC [ ? 1 h/l`) how arrows are sent. A sequence may be split across chunks.
 */
const MODE_SEQUENCE = /\x1b\[\?([\d;]+)([hl])/g;
/** An unfinished `ESC [ ? 1 ; 2004` at the end of a chunk. */
const UNFINISHED = /\x1b(\[(\?[\d;]*)?)?$/;

export class TerminalModes {
  bracketedPaste = false;
  applicationCursor = false;
  private carry = '';

  scan(chunk: string): void {
    const text = this.carry + chunk;
    for (const match of text.matchAll(MODE_SEQUENCE)) {
      const on = match[2] === 'h';
      for (const mode of match[1]!.split(';')) {
        if (mode === '2004') this.bracketedPaste = on;
        else if (mode === '1') this.applicationCursor = on;
      }
    }
    const unfinished = UNFINISHED.exec(text.slice(-24));
    this.carry = unfinished ? unfinished[0] : '';
  }
}
