import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { parseDirectives, ticketKey, MAX_LINES_PER_SECOND, type Directive } from '../adapters/agents/sim/directives.js';
import { KeyReader, type KeyEvent } from '../adapters/agents/sim/keys.js';

/** Whatever the parser would read as the start of a directive line. */
const LOOKS_LIKE_DIRECTIVE = /^\s*(?:[|>]\s*)*sim:/;

/** One line of text without line breaks (the parser splits on \r and \n). */
const oneLine = fc.string({ unit: 'grapheme', maxLength: 40 }).map((text) => text.replace(/[\r\n]/g, ' '));
/** Argument text as the parser returns it: trimmed, one line. */
const argText = oneLine.map((text) => text.trim());
const word = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }).map((text) => text.replace(/\s/g, '_'));
/** Prose around the directives: never itself a directive line. */
const filler = oneLine.filter((line) => !LOOKS_LIKE_DIRECTIVE.test(line));

const number = (min: number, max: number) =>
  fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n));

/** A directive and one way to write it. */
const written = (directive: Directive, text: string) => ({ directive, text });
const embedded = fc.oneof(
  number(0, 1e6).map((seconds) => written({ kind: 'sleep', seconds }, `sleep ${seconds}`)),
  fc.tuple(word, argText).map(([path, text]) => written({ kind: 'write', path, text }, `write ${path} ${text}`)),
  argText.map((text) => written({ kind: 'echo', text }, `echo ${text}`)),
  fc.constant(written({ kind: 'fail' }, 'fail')),
  fc.nat().map((times) => written({ kind: 'fail-times', times }, `fail-times ${times}`)),
  argText.filter((t) => t !== '').map((message) => written({ kind: 'error-loop', message }, `error-loop ${message}`)),
  fc.constant(written({ kind: 'silent' }, 'silent')),
  argText.filter((t) => t !== '').map((question) => written({ kind: 'ask', question }, `ask ${question}`)),
  fc.constant(written({ kind: 'crash' }, 'crash')),
  number(0.001, 1e6).map((rate) => written({ kind: 'output', linesPerSecond: Math.min(rate, MAX_LINES_PER_SECOND) }, `output ${rate}`)),
);

/** How a directive line starts: indentation, `|` / `>` quote markers, spacing after `sim:`. */
const prefix = fc.tuple(
  fc.constantFrom('', ' ', '    ', '\t'),
  fc.array(fc.constantFrom('|', '>', '| ', '> ', '|  '), { maxLength: 3 }),
  fc.constantFrom(' ', '  ', '\t'),
).map(([indent, quotes, gap]) => ({ before: indent + quotes.join(''), gap }));

/** The directive name's case does not matter. */
const shout = fc.boolean();

test('the directive parser never throws, whatever the text', () => {
  const text = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.array(fc.oneof(fc.string(), fc.constantFrom('sim:', 'sim: ', '| sim: sleep', 'sim: write', 'sim: output -1', 'Ticket:', '\r', '\n')), { maxLength: 20 }).map((parts) => parts.join('')),
  );
  fc.assert(
    fc.property(text, (prompt) => {
      const directives = parseDirectives(prompt);
      assert.ok(Array.isArray(directives));
      assert.match(ticketKey(prompt), /^(?:ticket|prompt)-[A-Za-z0-9._-]+$/);
    }),
    { numRuns: 500 },
  );
});

test('the parser finds exactly the directives embedded among other lines, in order', () => {
  const line = fc.oneof(
    { weight: 2, arbitrary: filler.map((text) => ({ text, directive: null as Directive | null })) },
    {
      weight: 1,
      arbitrary: fc.tuple(embedded, prefix, shout).map(([{ directive, text }, { before, gap }, loud]) => {
        const [name, ...rest] = text.split(' ');
        return { text: `${before}sim:${gap}${loud ? name.toUpperCase() : name}${rest.length ? ' ' : ''}${rest.join(' ')}`, directive };
      }),
    },
  );
  fc.assert(
    fc.property(fc.array(line, { maxLength: 25 }), fc.constantFrom('\n', '\r\n', '\r'), (lines, eol) => {
      const prompt = lines.map((l) => l.text).join(eol);
      const expected = lines.flatMap((l) => (l.directive ? [l.directive] : []));
      assert.equal(parseDirectives(prompt), expected);
    }),
    { numRuns: 500 },
  );
});

test('however input is split into chunks, the sim reads the same keys', () => {
  const piece = fc.oneof(
    fc.string({ unit: 'grapheme-ascii', maxLength: 8 }),
    fc.constantFrom('\r', '\x7f', '\x03', '\x04', '\x1b[A', '\x1b[1;5C', '\x1bOP'),
    fc.string({ maxLength: 20 }).map((text) => `\x1b[200~${text.replace(/\x1b/g, '')}\x1b[201~`),
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 6 }), (pieces, cuts) => {
      const input = pieces.join('');
      const whole = merge(readAll([input]));
      const points = [...new Set(cuts.map((cut) => cut % (input.length + 1)))].sort((a, b) => a - b);
      const bounds = [0, ...points, input.length];
      const chunks = bounds.slice(1).map((end, i) => input.slice(bounds[i], end));
      assert.equal(merge(readAll(chunks)), whole);
    }),
    { numRuns: 500 },
  );
});

function readAll(chunks: string[]): KeyEvent[] {
  const reader = new KeyReader();
  return [...chunks.flatMap((chunk) => reader.feed(chunk)), ...reader.flush()];
}

/** Typed text may arrive as several runs when split; join adjacent runs before comparing. */
function merge(events: KeyEvent[]): KeyEvent[] {
  const merged: KeyEvent[] = [];
  for (const event of events) {
    const last = merged.at(-1);
    if (event.type === 'text' && last?.type === 'text') merged[merged.length - 1] = { type: 'text', text: last.text + event.text };
    else merged.push(event);
  }
  return merged;
}

test.run();
