import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ScreenDiff, snapshotText, type ScreenSnapshot } from '../../../../adapters/terminals/iterm2/screen-diff.js';

/** A screen whose first row is absolute row `firstRow`; `|` at a row's end marks a soft wrap; the cursor sits on `cursorRow` (relative). */
function screen(firstRow: number, rows: string[], cursorRow = rows.length - 1): ScreenSnapshot {
  return {
    firstRow,
    rows: rows.map((row) => (row.endsWith('|') ? { text: row.slice(0, -1), wraps: true } : { text: row, wraps: false })),
    cursor: { x: 0, row: firstRow + cursorRow },
  };
}

test('what is on the screen at attach is the baseline, not output', () => {
  const diff = new ScreenDiff();
  diff.baseline(screen(0, ['old work', 'READY FOR NEW TASKS', '> ']));
  assert.is(diff.next(screen(0, ['old work', 'READY FOR NEW TASKS', '> '])), '');
});

test('new lines above the cursor are emitted once, however many screens show them', () => {
  const diff = new ScreenDiff();
  diff.baseline(screen(0, ['> ']));
  assert.is(diff.next(screen(0, ['> task', 'working', ''])), '> task\nworking\n');
  assert.is(diff.next(screen(0, ['> task', 'working', 'READY FOR NEW TASKS', '> '])), 'READY FOR NEW TASKS\n');
  assert.is(diff.next(screen(0, ['> task', 'working', 'READY FOR NEW TASKS', '> '])), '');
});

test('the line under the cursor is withheld until the cursor leaves it', () => {
  const diff = new ScreenDiff();
  diff.baseline(screen(0, ['']));
  assert.is(diff.next(screen(0, ['READY FOR NEW TASKS'])), '', 'half-written: maybe "READY FOR NEW TASKS." is coming');
  assert.is(diff.next(screen(0, ['READY FOR NEW TASKS.', ''])), 'READY FOR NEW TASKS.\n');
});

test('scrolling does not repeat lines: rows keep their absolute numbers', () => {
  const diff = new ScreenDiff();
  diff.baseline(screen(10, ['a', 'b', 'c', '']));
  assert.is(diff.next(screen(12, ['c', 'd', 'e', ''])), 'd\ne\n');
  assert.is(diff.next(screen(20, ['x', 'y', 'z', ''])), 'x\ny\nz\n', 'a jump past a whole screen emits all that is visible');
});

test('the same text printed again on a new row is new output (a second ready signal)', () => {
  const diff = new ScreenDiff();
  diff.baseline(screen(0, ['']));
  assert.is(diff.next(screen(0, ['READY FOR NEW TASKS', '> '])), 'READY FOR NEW TASKS\n');
  assert.is(diff.next(screen(0, ['READY FOR NEW TASKS', '> next', 'READY FOR NEW TASKS', '> '])), '> next\nREADY FOR NEW TASKS\n');
});

test('a line rewritten in place is emitted with its new text; an erase-and-redraw flicker is not', () => {
  const diff = new ScreenDiff();
  diff.baseline(screen(0, ['']));
  assert.is(diff.next(screen(0, ['Thinking.', '> '])), 'Thinking.\n');
  assert.is(diff.next(screen(0, ['Thinking..', '> '])), 'Thinking..\n');
  assert.is(diff.next(screen(0, ['', '> '])), '', 'blank rows are not output');
  assert.is(diff.next(screen(0, ['Thinking..', '> '])), '', 'redrawn as it was: not repeated');
});

test('soft-wrapped rows are one line, emitted when any of its rows changes', () => {
  const diff = new ScreenDiff();
  diff.baseline(screen(0, ['']));
  assert.is(diff.next(screen(0, ['a long line th|', 'at wraps', '> '])), 'a long line that wraps\n');
  assert.is(diff.next(screen(0, ['a long line th|', 'at wraps', '> '])), '');
  assert.equal(snapshotText(screen(0, ['a long line th|', 'at wraps', '> ', '', ''])), ['a long line that wraps', '>']);
});

test('lines below the cursor (drawn by a full-screen program) are settled output too', () => {
  const diff = new ScreenDiff();
  diff.baseline(screen(0, ['']));
  assert.is(diff.next(screen(0, ['answer', '> typing', 'status bar'], 1)), 'answer\nstatus bar\n');
});

test.run();
