/**
 * A line-based terminal screen for the fake iTerm2: enough of a terminal to show what a
 * program printed, with iTerm2's absolute row numbering. It handles `\n` (a new line; the
 * fake's programs run in a pty that turns `\n` into `\r\n` anyway), `\r`, backspace, tab and
 * "erase in line"; every other escape sequence is dropped. Long lines wrap at `columns`
 * (soft wraps); the cursor is always on the last line.
 */
import type { ScreenSnapshot } from '../../../adapters/terminals/iterm2/screen-diff.js';

export class VirtualScreen {
  /** Logical lines, each a list of cells (one code point per cell). */
  private lines: string[][] = [[]];
  /** Rows dropped off the top of the scrollback (keeps row numbers stable). */
  private droppedRows = 0;
  private column = 0;
  /** An escape sequence split across writes. */
  private pendingEscape = '';

  constructor(
    readonly columns = 80,
    readonly rows = 24,
    private readonly scrollbackLines = 1000,
  ) {}

  write(data: string): void {
    const input = this.pendingEscape + data;
    this.pendingEscape = '';
    for (const char of input) {
      if (this.pendingEscape !== '' || char === '\x1b') {
        this.pendingEscape += char;
        if (this.escapeComplete()) this.applyEscape();
        continue;
      }
      this.put(char);
    }
  }

  /** The visible screen, or the last `trailingLines` rows with scrollback. */
  snapshot(trailingLines?: number): ScreenSnapshot {
    const all = this.allRows();
    const count = Math.min(all.length, trailingLines ?? this.rows);
    const visible = all.slice(all.length - count);
    const lastLine = this.lines[this.lines.length - 1] ?? [];
    const cursorRow = this.droppedRows + all.length - this.rowsOf(lastLine) + Math.min(Math.floor(this.column / this.columns), this.rowsOf(lastLine) - 1);
    return {
      firstRow: this.droppedRows + all.length - count,
      rows: visible,
      cursor: { x: this.column % this.columns, row: cursorRow },
    };
  }

  /** Every logical line's text (scrollback included). */
  text(): string[] {
    return this.lines.map((cells) => cells.join(''));
  }

  private put(char: string): void {
    const line = this.lines[this.lines.length - 1] as string[];
    switch (char) {
      case '\n':
        this.lines.push([]);
        this.column = 0;
        this.trimScrollback();
        return;
      case '\r':
        this.column = 0;
        return;
      case '\b':
        this.column = Math.max(0, this.column - 1);
        return;
      case '\t':
        this.column = (Math.floor(this.column / 8) + 1) * 8;
        return;
    }
    if (char < ' ' || char === '\x7f') return;
    while (line.length < this.column) line.push(' ');
    line[this.column] = char;
    this.column += 1;
  }

  private escapeComplete(): boolean {
    const sequence = this.pendingEscape;
    if (sequence.length < 2) return false;
    const kind = sequence[1];
    if (kind === '[') return sequence.length > 2 && /[@-~]/.test(sequence[sequence.length - 1] as string);
    if (kind === ']') return sequence.endsWith('\x07') || sequence.endsWith('\x1b\\');
    return true;
  }

  private applyEscape(): void {
    const sequence = this.pendingEscape;
    this.pendingEscape = '';
    const erase = /^\x1b\[([012]?)K$/.exec(sequence);
    if (!erase) return;
    const line = this.lines[this.lines.length - 1] as string[];
    if (erase[1] === '2') line.length = 0;
    else if (erase[1] === '1') for (let i = 0; i < Math.min(this.column + 1, line.length); i++) line[i] = ' ';
    else line.length = Math.min(line.length, this.column);
  }

  private rowsOf(cells: string[]): number {
    return Math.max(1, Math.ceil(cells.length / this.columns));
  }

  private allRows(): ScreenSnapshot['rows'] {
    const rows: ScreenSnapshot['rows'] = [];
    for (const cells of this.lines) {
      const count = this.rowsOf(cells);
      for (let i = 0; i < count; i++) {
        rows.push({ text: cells.slice(i * this.columns, (i + 1) * this.columns).join(''), wraps: i < count - 1 });
      }
    }
    return rows;
  }

  private trimScrollback(): void {
    while (this.lines.length > this.scrollbackLines + this.rows) {
      const dropped = this.lines.shift() as string[];
      this.droppedRows += this.rowsOf(dropped);
    }
  }
}
