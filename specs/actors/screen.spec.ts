/**
 * ScreenBuffer: a turn's own lines (what a ticket's summary is taken from) start at the
 * agent's input line when the turn began; an earlier turn's output is not part of them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ScreenBuffer } from '../../actors/screen.js';

const options = { readySignal: 'READY FOR NEW TASKS', bufferLines: 100, errorRepeatThreshold: 3, errorWindowLines: 50 };

test('turnTail holds only the lines since the turn began, from the input line on', () => {
  const screen = new ScreenBuffer(options);
  screen.seed(['banner']);
  screen.push('sim> [first]\r\nfirst ticket work\r\nREADY FOR NEW TASKS\r\nsim> ');
  assert.equal(screen.turnTail(40), ['banner', 'sim> [first]', 'first ticket work', 'READY FOR NEW TASKS', 'sim> '], 'before any turn: every line');

  screen.push('[second]');
  screen.beginTurn();
  screen.push('\r\nsecond ticket work\r\nREADY FOR NEW TASKS\r\n');
  assert.equal(screen.turnTail(40), ['sim> [second]', 'second ticket work', 'READY FOR NEW TASKS']);
  assert.equal(screen.turnTail(2), ['second ticket work', 'READY FOR NEW TASKS']);
});

test('a turn that began with nothing printed yet has no lines', () => {
  const screen = new ScreenBuffer(options);
  screen.push('old output\r\n');
  screen.beginTurn();
  assert.equal(screen.turnTail(40), []);
});

test('turnTail stays within the buffer once old lines are dropped', () => {
  const screen = new ScreenBuffer({ ...options, bufferLines: 3 });
  screen.beginTurn();
  screen.push('a\r\nb\r\nc\r\nd\r\ne\r\n');
  assert.equal(screen.turnTail(40), ['c', 'd', 'e']);
});

test.run();
