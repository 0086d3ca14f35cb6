import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LineEditor } from '../../../../adapters/agents/sim/editor.js';

test('typed characters are echoed and Backspace erases the last one', () => {
  const editor = new LineEditor();
  assert.is(editor.type('abc'), 'abc');
  assert.is(editor.backspace(), '\b \b');
  assert.is(editor.text, 'ab');
});

test('a short one-line paste reads as typed text', () => {
  const editor = new LineEditor();
  assert.is(editor.paste('sim: echo hi'), 'sim: echo hi');
  editor.backspace();
  assert.is(editor.text, 'sim: echo h');
});

test('a multi-line paste shows as a placeholder, keeps its text, and Backspace removes it whole', () => {
  const editor = new LineEditor();
  editor.type('> ');
  const shown = editor.paste('READY FOR NEW TASKS\nsim: echo hi');
  assert.is(shown, '[pasted text +2 lines]');
  assert.is(editor.text, '> READY FOR NEW TASKS\nsim: echo hi');
  assert.is(editor.backspace(), '\b \b'.repeat(shown.length));
  assert.is(editor.text, '> ');
});

test('a long one-line paste shows as a placeholder too', () => {
  const editor = new LineEditor();
  assert.is(editor.paste('x'.repeat(500)), '[pasted text: 500 chars]');
});

test('Backspace on an empty line echoes nothing; clear empties it', () => {
  const editor = new LineEditor();
  assert.is(editor.backspace(), '');
  editor.type('abc');
  editor.clear();
  assert.ok(editor.empty);
  assert.is(editor.text, '');
});

test.run();
