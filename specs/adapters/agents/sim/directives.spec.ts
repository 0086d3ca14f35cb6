import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDirectives, ticketKey, MAX_LINES_PER_SECOND } from '../../../../adapters/agents/sim/directives.js';

test('every directive is read with its argument', () => {
  const prompt = [
    'sim: sleep 1.5',
    'sim: write notes/out.txt hello  world',
    'sim: echo some text',
    'sim: fail',
    'sim: fail-times 2',
    'sim: error-loop Error: ECONNREFUSED',
    'sim: silent',
    'sim: ask Delete the branch?',
    'sim: crash',
    'sim: output 20',
  ].join('\n');
  assert.equal(parseDirectives(prompt), [
    { kind: 'sleep', seconds: 1.5 },
    { kind: 'write', path: 'notes/out.txt', text: 'hello  world' },
    { kind: 'echo', text: 'some text' },
    { kind: 'fail' },
    { kind: 'fail-times', times: 2 },
    { kind: 'error-loop', message: 'Error: ECONNREFUSED' },
    { kind: 'silent' },
    { kind: 'ask', question: 'Delete the branch?' },
    { kind: 'crash' },
    { kind: 'output', linesPerSecond: 20 },
  ]);
});

test('directives are found behind indentation and | or > quote markers, among other text', () => {
  const prompt = 'Ticket: 4 (attempt 1)\nDescription:\n| Please do it.\n|   sim: echo one\n  | sim: echo two\n> > sim: echo three\n\t|>sim: echo four\nnot sim: echo five';
  assert.equal(
    parseDirectives(prompt).map((d) => (d.kind === 'echo' ? d.text : d.kind)),
    ['one', 'two', 'three', 'four'],
  );
});

test('CRLF and lone CR line endings separate directives too', () => {
  assert.equal(parseDirectives('sim: echo a\r\nsim: echo b\rsim: crash').map((d) => d.kind), ['echo', 'echo', 'crash']);
});

test('an unknown directive is reported by name, not thrown', () => {
  assert.equal(parseDirectives('sim: dance wildly'), [{ kind: 'invalid', name: 'dance', reason: 'unknown directive dance' }]);
});

test('bad arguments become invalid directives that say what was expected', () => {
  const [sleep, failTimes, output, write] = parseDirectives('sim: sleep soon\nsim: fail-times -1\nsim: output 0\nsim: write');
  assert.is(sleep.kind, 'invalid');
  assert.match(sleep.kind === 'invalid' ? sleep.reason : '', /SECONDS must be a number/);
  assert.is(failTimes.kind, 'invalid');
  assert.is(output.kind, 'invalid');
  assert.match(write.kind === 'invalid' ? write.reason : '', /needs a PATH/);
});

test('an output rate is capped at what a terminal could show', () => {
  assert.equal(parseDirectives('sim: output 1e9'), [{ kind: 'output', linesPerSecond: MAX_LINES_PER_SECOND }]);
});

test('directive names are case-insensitive and a write may carry no text', () => {
  assert.equal(parseDirectives('sim: ECHO hi\nsim: write empty.txt'), [
    { kind: 'echo', text: 'hi' },
    { kind: 'write', path: 'empty.txt', text: '' },
  ]);
});

test('the ticket key comes from the Ticket line, quoted or not, ignoring the attempt', () => {
  assert.is(ticketKey('Ticket: 3 (attempt 2)\nsim: fail-times 1'), 'ticket-3');
  assert.is(ticketKey('  | Ticket: ENG-42\nsim: fail-times 1'), 'ticket-ENG-42');
  assert.is(ticketKey('Ticket: 3 (attempt 1)'), ticketKey('Ticket: 3 (attempt 5)'));
});

test('a ticket id that is not a safe file name is hashed', () => {
  const key = ticketKey('Ticket: ../../etc/passwd');
  assert.match(key, /^ticket-[0-9a-f]{16}$/);
  assert.match(ticketKey('Ticket: ..'), /^ticket-[0-9a-f]{16}$/);
});

test('without a Ticket line the key is a hash of the directive lines, stable across other text', () => {
  const a = ticketKey('Do the thing.\nsim: fail-times 2\nsim: write a.txt x');
  const b = ticketKey('Other words entirely\n  sim: fail-times 2\nsim: write a.txt x  ');
  assert.match(a, /^prompt-[0-9a-f]{16}$/);
  assert.is(a, b);
  assert.is.not(a, ticketKey('sim: fail-times 3'));
});

test.run();
