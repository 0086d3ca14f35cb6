/**
 * A line-based terminal screen for the fake iTerm2: what a program printed, as lines, with
 * iTerm2's absolute row numbering. Lines are assembled by zoro's own `LineAssembler` (`\r`,
 * backspace, erase-in-line; other escapes dropped). Long lines wrap at `columns` (soft
 * wraps), and the cursor is always on the last, unfinished line.
 */
import { LineAssembler } from '../../../lib/ansi.js';
import type { ScreenSnapshot } from '../../../adapters/terminals/iterm2/screen-diff.js';

export class VirtualScreen {
  private readonly assembler = new LineAssembler();
  /** Finished lines still in the scrollback. */
  private readonly finished: string[] = [];
  /** Rows dropped off the top of the scrollback (keeps row numbers stable). */
  private droppedRows = 0;

  constructor(
    readonly columns = 80,
    readonly rows = 24,
    private readonly scrollbackLines = 1000,
  ) {}

  write(data: string): void {
    this.finished.push(...this.assembler.push(data));
    while (this.finished.length > this.scrollbackLines + this.rows) {
      this.droppedRows += this.rowsOf(this.finished.shift() as string).length;
    }
  }

  /** Every line's text, scrollback included, the unfinished one last. */
  text(): string[] {
    return [...this.finished, this.assembler.pending];
  }

  /**
   * The visible screen; or the last `trailingLines` rows, scrollback included; or the
   * absolute rows `from` up to `to` (clipped to what the scrollback still holds).
   */
  snapshot(request: { trailingLines?: number; rows?: { from: number; to: number } } = {}): ScreenSnapshot {
    const all = this.text().flatMap((line) => this.rowsOf(line));
    const end = this.droppedRows + all.length;
    let [from, to] = [end - Math.min(all.length, request.trailingLines ?? this.rows), end];
    if (request.rows) [from, to] = [Math.max(this.droppedRows, request.rows.from), Math.min(end, request.rows.to)];
    return {
      firstRow: from,
      rows: all.slice(from - this.droppedRows, Math.max(from, to) - this.droppedRows),
      cursor: { x: Array.from(this.assembler.pending).length % this.columns, row: end - 1 },
    };
  }

  private rowsOf(line: string): ScreenSnapshot['rows'] {
    const cells = Array.from(line);
    const count = Math.max(1, Math.ceil(cells.length / this.columns));
    return Array.from({ length: count }, (_, i) => ({
      text: cells.slice(i * this.columns, (i + 1) * this.columns).join(''),
      wraps: i < count - 1,
    }));
  }
}
