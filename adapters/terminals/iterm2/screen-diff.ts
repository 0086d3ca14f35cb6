/**
 * iTerm2 tells zoro *that* a screen changed, never *what* was written: there is no byte
 * stream, only the screen's rows after the fact. This turns successive screens into the
 * output chunks a `Terminal.onOutput` listener expects.
 *
 * The rule:
 * 1. Rows join into lines: a soft-wrapped row continues on the next one. A line is known by
 *    the absolute numbers of its rows (iTerm2 numbers every row since the session began, and
 *    the numbers stay put when the screen scrolls or old scrollback is dropped).
 * 2. The line holding the cursor is still being written: it is never emitted while the
 *    cursor is on it (so `READY FOR NEW TASKS` is never emitted half-typed, and a line that
 *    grows into `READY FOR NEW TASKS.` is never mistaken for the signal).
 * 3. Every other non-blank line is emitted, with a trailing `\n`, when one of its rows shows
 *    text that was not the last text emitted at that row. So a line appears once however many
 *    screens show it; a line rewritten in place appears again with its new text; the same text
 *    printed again lower down (a second turn's ready signal) is a new row and appears again.
 * 4. Blank rows are never emitted and never replace what was remembered for their row, so
 *    an erase-then-redraw flicker does not repeat a line.
 * 5. Lines go out top to bottom, all the lines of one screen in one chunk. The screen seen on
 *    attach is the baseline: nothing already on it is emitted.
 *
 * Limitation: a full-screen program that moves whole blocks of text to different rows (a
 * TUI re-laying out its live area) re-emits the moved lines; what it prints into the normal
 * scrolling region (the way an agent prints its answers) appears exactly once.
 */

export interface ScreenRow {
  text: string;
  /** True when the row is soft-wrapped: its line continues on the next row. */
  wraps: boolean;
}

export interface ScreenSnapshot {
  /** Absolute number of `rows[0]`. */
  firstRow: number;
  rows: ScreenRow[];
  /** The cursor's column and absolute row; null when iTerm2 did not say. */
  cursor: { x: number; row: number } | null;
}

export interface ScreenLine {
  text: string;
  /** Absolute number of the line's first row. */
  firstRow: number;
  rowTexts: string[];
}

/** Joins soft-wrapped rows into lines, keeping each line's absolute row numbers. */
export function screenLines(snapshot: ScreenSnapshot): ScreenLine[] {
  const lines: ScreenLine[] = [];
  let current: ScreenLine | null = null;
  snapshot.rows.forEach((row, index) => {
    current ??= { text: '', firstRow: snapshot.firstRow + index, rowTexts: [] };
    current.text += row.text;
    current.rowTexts.push(row.text);
    if (!row.wraps) {
      lines.push(current);
      current = null;
    }
  });
  if (current) lines.push(current);
  return lines;
}

/** Plain text lines of a snapshot (soft wraps joined, trailing blank lines dropped). */
export function snapshotText(snapshot: ScreenSnapshot): string[] {
  const lines = screenLines(snapshot).map((line) => line.text.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export class ScreenDiff {
  /** Last text emitted (or seen at baseline) per absolute row. */
  private readonly seen = new Map<number, string>();

  /** Takes the screen at attach as already seen. */
  baseline(snapshot: ScreenSnapshot): void {
    for (const line of screenLines(snapshot)) this.remember(line);
  }

  /** The output chunk for this screen ('' when nothing new). */
  next(snapshot: ScreenSnapshot): string {
    let chunk = '';
    const cursorRow = snapshot.cursor?.row ?? null;
    for (const line of screenLines(snapshot)) {
      const lastRow = line.firstRow + line.rowTexts.length - 1;
      if (cursorRow !== null && cursorRow >= line.firstRow && cursorRow <= lastRow) continue;
      if (!this.changed(line)) continue;
      this.remember(line);
      chunk += `${line.text.trimEnd()}\n`;
    }
    this.forgetAbove(snapshot.firstRow);
    return chunk;
  }

  private changed(line: ScreenLine): boolean {
    if (line.text.trim() === '') return false;
    return line.rowTexts.some((text, offset) => text.trim() !== '' && this.seen.get(line.firstRow + offset) !== text);
  }

  private remember(line: ScreenLine): void {
    line.rowTexts.forEach((text, offset) => {
      if (text.trim() !== '') this.seen.set(line.firstRow + offset, text);
    });
  }

  /** Rows above the screen never come back (numbers only grow), so their memory can go. */
  private forgetAbove(firstRow: number): void {
    for (const row of this.seen.keys()) if (row < firstRow) this.seen.delete(row);
  }
}
