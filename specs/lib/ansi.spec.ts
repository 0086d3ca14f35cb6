/**
 * Terminal output → visible lines: how a full-screen program's cursor moves place its text.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { visibleLines } from '../../lib/ansi.js';
import { SignalDetector } from '../../lib/signal.js';

test('moving the cursor up or down ends the row but keeps the column', () => {
  // Claude Code 2.1.197 draws its reply's second line like this: back to column 1, two cells
  // right, one row down, then each word placed with a column move.
  const raw = '\u001b[97m●\u001b[3G\u001b[39mCreated it.\u001b[K\r\u001b[2C\u001b[1BREADY\u001b[9GFOR\u001b[13GNEW\u001b[17GTASKS\r\u001b[1B\u001b[K';
  assert.equal(visibleLines(raw), ['● Created it.', '  READY FOR NEW TASKS']);
  assert.equal(visibleLines('abc\u001b[2Adef\u001b[1Bg'), ['abc', '   def', '      g']);
});

test('a cursor position takes its column from the second parameter', () => {
  assert.equal(visibleLines('one\u001b[5;4Htwo\u001b[Hthree\n'), ['one', '   two', 'three']);
});

test('Claude Code\'s ready line, drawn with cursor moves, is the ready signal', () => {
  const detector = new SignalDetector('READY FOR NEW TASKS');
  detector.arm();
  assert.ok(detector.push('\r\u001b[2C\u001b[1BREADY\u001b[9GFOR\u001b[13GNEW\u001b[17GTASKS\r\u001b[1B'));
});

test.run();
