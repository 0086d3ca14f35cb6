import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyReader, PASTE_END, PASTE_START } from '../../../../adapters/agents/sim/keys.js';

test('a bracketed paste keeps its newlines and Enter after it submits', () => {
  const reader = new KeyReader();
  assert.equal(reader.feed(`${PASTE_START}line 1\nline 2\r\nline 3${PASTE_END}\r`), [
    { type: 'paste', text: 'line 1\nline 2\nline 3' },
    { type: 'enter' },
  ]);
});

test('a paste split anywhere across chunks, even inside its markers, arrives whole', () => {
  const whole = `${PASTE_START}sim: echo a\nsim: echo b${PASTE_END}`;
  for (let cut = 1; cut < whole.length; cut++) {
    for (let second = cut + 1; second <= whole.length; second++) {
      const reader = new KeyReader();
      const events = [
        ...reader.feed(whole.slice(0, cut)),
        ...reader.feed(whole.slice(cut, second)),
        ...reader.feed(whole.slice(second)),
        ...reader.flush(),
      ];
      assert.equal(events, [{ type: 'paste', text: 'sim: echo a\nsim: echo b' }], `cut at ${cut}/${second}`);
    }
  }
});

test('typed text, backspace, Ctrl-C and Ctrl-D are keys', () => {
  const reader = new KeyReader();
  assert.equal(reader.feed('ab\x7fc\x08\x03\x04'), [
    { type: 'text', text: 'ab' },
    { type: 'backspace' },
    { type: 'text', text: 'c' },
    { type: 'backspace' },
    { type: 'interrupt' },
    { type: 'eof' },
  ]);
});

test('CR LF is one Enter even when split across reads; a lone LF is Enter too', () => {
  const reader = new KeyReader();
  assert.equal([...reader.feed('a\r'), ...reader.feed('\nb\n')], [
    { type: 'text', text: 'a' },
    { type: 'enter' },
    { type: 'text', text: 'b' },
    { type: 'enter' },
  ]);
});

test('a lone Escape waits for more input, then is the Escape key', () => {
  const reader = new KeyReader();
  assert.equal(reader.feed('\x1b'), []);
  assert.ok(reader.pending);
  assert.equal(reader.flush(), [{ type: 'escape' }]);
  assert.not.ok(reader.pending);
});

test('an escape sequence split after ESC is not mistaken for the Escape key', () => {
  const reader = new KeyReader();
  assert.equal(reader.feed('\x1b'), []);
  assert.equal(reader.feed('[A'), []);
  assert.not.ok(reader.pending);
});

test('arrow keys, function keys and Alt+key mean nothing to the sim', () => {
  const reader = new KeyReader();
  assert.equal(reader.feed('\x1b[A\x1b[1;5C\x1bOP\x1bxok'), [{ type: 'text', text: 'ok' }]);
});

test('Escape followed at once by Ctrl-C is both keys', () => {
  const reader = new KeyReader();
  assert.equal(reader.feed('\x1b\x03'), [{ type: 'escape' }, { type: 'interrupt' }]);
});

test('other control bytes are dropped, tabs are text', () => {
  const reader = new KeyReader();
  assert.equal(reader.feed('a\x01\x02\tb'), [{ type: 'text', text: 'a' }, { type: 'text', text: '\tb' }]);
});

test.run();
