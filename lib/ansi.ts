/**
 * Terminal output → visible lines, as a person would read them.
 *
 * Output arrives in arbitrary chunks (tmux `%output`, pty data), so an escape sequence, a
 * UTF-8 character or a line may be split anywhere. `LineAssembler` keeps the unfinished part
 * between chunks and models one line of a terminal: a cursor column, overwriting after `\r`,
 * erase-in-line, backspace. A line is complete at `\n` or when the cursor leaves the row
 * (cursor up/down/position), which is how full-screen agents such as Claude Code draw.
 */

const ESC = 0x1b;

type EscapeState = 'text' | 'esc' | 'csi' | 'string' | 'string-esc' | 'charset';

export class LineAssembler {
  private cells: string[] = [];
  private column = 0;
  private state: EscapeState = 'text';
  private params = '';

  /** Feed a chunk; returns the lines it completed (visible text, not trimmed). */
  push(chunk: string): string[] {
    const done: string[] = [];
    for (const char of chunk) this.feed(char, done);
    return done;
  }

  /** The visible text of the unfinished line. */
  get pending(): string {
    return this.cells.join('');
  }

  /** Forget the unfinished line's text, staying in step with an escape sequence cut mid-way. */
  discardLine(): void {
    this.cells = [];
    this.column = 0;
  }

  private endLine(done: string[]): void {
    done.push(this.cells.join(''));
    this.cells = [];
    this.column = 0;
  }

  private write(char: string): void {
    while (this.cells.length < this.column) this.cells.push(' ');
    this.cells[this.column] = char;
    this.column += 1;
  }

  private feed(char: string, done: string[]): void {
    const code = char.codePointAt(0)!;
    switch (this.state) {
      case 'esc':
        if (char === '[') {
          this.state = 'csi';
          this.params = '';
        } else if (char === ']' || char === 'P' || char === 'X' || char === '^' || char === '_') {
          this.state = 'string';
        } else if (code >= 0x20 && code <= 0x2f) {
          this.state = 'charset'; // ESC ( B and friends: one more byte
        } else {
          // ESC D / E / M (index, next line, reverse index) move to another row.
          if (char === 'D' || char === 'E' || char === 'M') this.endLine(done);
          this.state = 'text';
        }
        return;
      case 'charset':
        this.state = 'text';
        return;
      case 'csi':
        if (code >= 0x40 && code <= 0x7e) {
          this.state = 'text';
          this.csi(char, this.params, done);
        } else if (code < 0x20 || code > 0x7e) {
          this.state = 'text'; // malformed: drop it
        } else {
          this.params += char;
        }
        return;
      case 'string':
        if (code === 0x07) this.state = 'text';
        else if (code === ESC) this.state = 'string-esc';
        return;
      case 'string-esc':
        this.state = char === '\\' ? 'text' : 'string';
        return;
      case 'text':
        break;
    }
    if (code === ESC) {
      this.state = 'esc';
    } else if (code === 0x9b) {
      this.state = 'csi';
      this.params = '';
    } else if (char === '\n') {
      this.endLine(done);
    } else if (char === '\r') {
      this.column = 0;
    } else if (char === '\b') {
      this.column = Math.max(0, this.column - 1);
    } else if (char === '\t') {
      this.column = (Math.floor(this.column / 8) + 1) * 8;
    } else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code <= 0x9f)) {
      // other control characters are invisible
    } else {
      this.write(char);
    }
  }

  private csi(final: string, params: string, done: string[]): void {
    const n = Number.parseInt(params.replace(/^\?/, ''), 10);
    switch (final) {
      case 'K': // erase in line
        if (params === '' || params === '0') this.cells.length = Math.min(this.cells.length, this.column);
        else if (params === '2') this.cells = [];
        else if (params === '1') for (let i = 0; i < this.column && i < this.cells.length; i++) this.cells[i] = ' ';
        return;
      case 'G': // cursor to column
        this.column = Math.max(0, (Number.isNaN(n) ? 1 : n) - 1);
        return;
      case 'C':
        this.column += Number.isNaN(n) ? 1 : n;
        return;
      case 'D':
        this.column = Math.max(0, this.column - (Number.isNaN(n) ? 1 : n));
        return;
      case 'A': case 'B': case 'd': {
        // Up, down, to a row: the cursor leaves this row (the row as drawn is a line) but
        // keeps its column. Claude Code draws `\r\x1b[2C\x1b[1B` then `READY`: two cells in.
        const column = this.column;
        if (this.cells.length > 0) this.endLine(done);
        this.column = column;
        return;
      }
      case 'H': case 'f': {
        // To row;column: the column is the second parameter (1-based, default 1).
        if (this.cells.length > 0) this.endLine(done);
        const col = Number.parseInt(params.split(';')[1] ?? '', 10);
        this.column = Number.isNaN(col) ? 0 : Math.max(0, col - 1);
        return;
      }
      case 'E': case 'F': case 'J':
        // To the start of another row (or the screen is cleared): the row as drawn is a line.
        if (this.cells.length > 0) this.endLine(done);
        this.column = 0;
        return;
      default:
        return; // colours, modes: invisible
    }
  }
}

/** Visible text of a whole string (escape sequences and control bytes removed), per line. */
export function visibleLines(text: string): string[] {
  const assembler = new LineAssembler();
  const lines = assembler.push(text);
  if (assembler.pending !== '') lines.push(assembler.pending);
  return lines;
}

/** Remove escape sequences and control bytes other than `\n` and `\t`. */
export function stripAnsi(text: string): string {
  return visibleLines(text).join('\n');
}
