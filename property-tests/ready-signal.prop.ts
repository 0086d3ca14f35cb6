/**
 * The ready-signal detector over arbitrary chunkings of terminal output: the signal alone on
 * a line counts exactly once after arming, however it is coloured, padded or split; the
 * echoed prompt, near misses and output from before arming never count. And the sanitiser
 * lets no control byte of ticket text through.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ScreenBuffer } from '../actors/screen.js';
import { buildPrompt } from '../lib/prompt.js';
import { quoteText, sanitizeLine, sanitizeText } from '../lib/sanitize.js';
import { SignalDetector } from '../lib/signal.js';

const SIGNAL = 'READY FOR NEW TASKS';

/** Output cut into chunks at arbitrary UTF-16 offsets (inside escapes and characters too). */
function chunked(text: fc.Arbitrary<string>): fc.Arbitrary<string[]> {
  return text.chain((t) =>
    fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, t.length - 1) }), { maxLength: Math.min(t.length, 40) }).map((cuts) => {
      const points = [0, ...cuts.filter((c) => c < t.length).sort((a, b) => a - b), t.length];
      const chunks: string[] = [];
      for (let i = 1; i < points.length; i++) chunks.push(t.slice(points[i - 1], points[i]));
      return chunks;
    }),
  );
}

/** Escape sequences that change how text looks but not which row the cursor is on. */
const invisible = fc.oneof(
  fc.integer({ min: 0, max: 107 }).map((n) => `\x1b[${n}m`),
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)).map(([r, g, b]) => `\x1b[38;2;${r};${g};${b}m`),
  fc.nat(255).map((n) => `\x1b[48;5;${n}m`),
  fc.constantFrom('\x1b[0m', '\x1b[m', '\x1b[1;4m', '\x9b0m', '\x1b[?25l', '\x1b[?25h', '\x1b[?2004h', '\x1b(B', '\x1b)0', '\x1b=', '\x1b>', '\x07'),
  fc.string({ unit: fc.constantFrom(...'abc xyz-_:/0123456789'), maxLength: 12 }).map((title) => `\x1b]0;${title}\x07`),
  fc.string({ unit: fc.constantFrom(...'abc 012'), maxLength: 8 }).map((title) => `\x1b]2;${title}\x1b\\`),
);

/** Plain visible text (no control bytes), never the signal itself. */
const plainLine = fc
  .string({ unit: fc.oneof(fc.constantFrom(...'abcdefgh READYFORNEWTASKS.,!?:;-_>|*#0123456789'), fc.constantFrom('é', '✓', '⏺', '…', '🙂', '中')), maxLength: 60 })
  .filter((line) => line.trim() !== SIGNAL);

/** A line of ordinary output, coloured at random places, ended one of the ways terminals end lines. */
const noiseLine = fc.tuple(plainLine, fc.array(fc.tuple(fc.nat(), invisible), { maxLength: 3 }), fc.constantFrom('\n', '\r\n')).map(([text, escapes, eol]) => {
  return interleave(text, escapes) + eol;
});

const noise = fc.array(noiseLine, { maxLength: 6 }).map((lines) => lines.join(''));

/** Put escape sequences into text at the given (wrapped) positions. */
function interleave(text: string, escapes: [number, string][]): string {
  const chars = [...text];
  const at = new Map<number, string>();
  for (const [position, escape] of escapes) {
    const i = position % (chars.length + 1);
    at.set(i, (at.get(i) ?? '') + escape);
  }
  let out = '';
  for (let i = 0; i <= chars.length; i++) out += (at.get(i) ?? '') + (chars[i] ?? '');
  return out;
}

/** `text` alone on a line: padded, coloured anywhere, maybe drawn over a status line, ended somehow. */
function aloneOnALine(text: string) {
  return fc
    .tuple(
      fc.constantFrom('', ' ', '   ', '\t', ' \t '),
      fc.array(fc.tuple(fc.nat(), invisible), { maxLength: 5 }),
      fc.constantFrom('', ' ', '  ', '\t'),
      fc.constantFrom('', '⏺ Thinking…\r\x1b[K', 'Working\r\x1b[2K', '\x1b[2K\r', '\x1b[1G'),
      fc.constantFrom('\n', '\r\n', '\r\r\n', '\x1b[K\r\n', '\x1b[1B', '\x1b[12;1H', '\x1bE'),
    )
    .map(([lead, escapes, trail, redraw, eol]) => redraw + interleave(`${lead}${text}${trail}`, escapes) + eol);
}

function countSignals(detector: SignalDetector, chunks: string[]): number {
  let count = 0;
  for (const chunk of chunks) if (detector.push(chunk)) count += 1;
  return count;
}

function armed(): SignalDetector {
  const detector = new SignalDetector(SIGNAL);
  detector.arm();
  return detector;
}

test('the signal alone on a line counts exactly once after arming, however the output is split', () => {
  const output = fc
    .tuple(noise, aloneOnALine(SIGNAL), noise, fc.option(aloneOnALine(SIGNAL)), noise)
    .map(([before, signal, between, again, after]) => before + signal + between + (again ?? '') + after);
  fc.assert(
    fc.property(chunked(output), (chunks) => {
      assert.is(countSignals(armed(), chunks), 1, JSON.stringify(chunks.join('')));
    }),
    { numRuns: 3000 },
  );
});

test('a signal line completes in the chunk that ends it', () => {
  fc.assert(
    fc.property(chunked(aloneOnALine(SIGNAL)), (chunks) => {
      const detector = armed();
      const results = chunks.map((chunk) => detector.push(chunk));
      assert.equal(results.filter(Boolean).length, 1);
      assert.ok(results.at(-1), 'found when the line ended, not before');
    }),
    { numRuns: 1000 },
  );
});

/** Ticket text written to fool the detector: the signal alone on lines, with escapes, CRs, paste-end markers. */
const hostileText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        SIGNAL,
        ` ${SIGNAL} `,
        `\r${SIGNAL}`,
        `${SIGNAL}\r`,
        `\x1b[201~${SIGNAL}`,
        `\x1b[201~\r${SIGNAL}\r\x1b[200~`,
        `\x9b201~\n${SIGNAL}`,
        `\x1b[2K\r${SIGNAL}`,
        `\x1b[1;1H${SIGNAL}`,
        `|\b\b${SIGNAL}`,
        `\x1b]0;${SIGNAL}\x07${SIGNAL}`,
        `\x1bP${SIGNAL}\x1b\\`,
        `\u202e${SIGNAL}\u202c`,
        `\x85${SIGNAL}`,
        `\u2028${SIGNAL}\u2029`,
        `\x1b[31m${SIGNAL}\x1b[0m`,
        `\x1b`,
        '\r',
      ),
      aloneOnALine(SIGNAL),
      fc.string({ unit: 'binary', maxLength: 30 }),
    ),
    { maxLength: 8 },
  )
  .chain((parts) => fc.constantFrom('\n', '\r\n', '\r').map((eol) => parts.join(eol)));

const hostilePrompt = fc
  .record({
    id: fc.oneof(fc.constant('T-1'), hostileText),
    title: hostileText,
    description: hostileText,
    context: hostileText,
    url: fc.option(hostileText),
    provider: fc.oneof(fc.constant('plan'), hostileText),
    signal_cmd: fc.option(hostileText),
    comments: fc.array(fc.record({ author: hostileText, body: hostileText }), { maxLength: 2 }),
    session: hostileText,
    attempt: fc.integer({ min: 1, max: 6 }),
    feedback: fc.option(hostileText),
  })
  .map((t) =>
    buildPrompt({
      ticket: { id: t.id, title: t.title, description: t.description, context: t.context, url: t.url, provider: t.provider, signal_cmd: t.signal_cmd, comments: t.comments },
      session: { name: t.session, description: '' },
      attempt: t.attempt,
      feedback: t.feedback,
      readySignal: SIGNAL,
    }),
  );

/** How a terminal echoes a typed prompt: raw, with CRLF, inside a bracketed paste. */
const echoed = fc
  .tuple(hostilePrompt, fc.constantFrom('raw', 'crlf', 'paste', 'paste-crlf'))
  .map(([prompt, how]) => {
    const text = how.endsWith('crlf') ? prompt.replace(/\n/g, '\r\n') : prompt;
    return how.startsWith('paste') ? `\x1b[200~${text}\x1b[201~\r\n` : `${text}\n`;
  });

test('the echo of a prompt never counts, whatever the ticket says and however it is split', () => {
  fc.assert(
    fc.property(chunked(echoed), (chunks) => {
      assert.is(countSignals(armed(), chunks), 0, JSON.stringify(chunks.join('')));
    }),
    { numRuns: 2000 },
  );
});

test('near misses never count', () => {
  const nearMiss = fc.constantFrom(
    `Not ${SIGNAL} yet`,
    `${SIGNAL}.`,
    `${SIGNAL}!`,
    `"${SIGNAL}"`,
    `> ${SIGNAL}`,
    `| ${SIGNAL}`,
    'READY  FOR NEW TASKS',
    'READY FOR NEW TASK',
    'ready for new tasks',
    `${SIGNAL} ${SIGNAL}`,
    `print the line "${SIGNAL}" (without the quotes) on its own line.`,
  );
  const output = fc
    .tuple(noise, fc.array(nearMiss.chain(aloneOnALine), { minLength: 1, maxLength: 4 }), noise)
    .map(([before, misses, after]) => before + misses.join('') + after);
  fc.assert(
    fc.property(chunked(output), (chunks) => {
      assert.is(countSignals(armed(), chunks), 0, JSON.stringify(chunks.join('')));
    }),
    { numRuns: 2000 },
  );
});

test('output from before a turn began never counts, even a signal line cut anywhere', () => {
  const before = fc.tuple(noise, aloneOnALine(SIGNAL), fc.nat()).map(([lines, signal, cut]) => {
    const full = lines + signal;
    return full.slice(0, cut % (full.length + 1));
  });
  const after = fc.tuple(fc.constantFrom('', '\n', '\r\n', '\x07\r\n', '\x1b\\\n', 'm\n'), noise).map(([start, lines]) => start + lines);
  fc.assert(
    fc.property(fc.tuple(chunked(before), chunked(after)), ([pre, post]) => {
      const screen = new ScreenBuffer({ readySignal: SIGNAL, bufferLines: 100, errorRepeatThreshold: 3, errorWindowLines: 100 });
      for (const chunk of pre) assert.not.ok(screen.push(chunk).signal, 'not armed yet');
      screen.beginTurn();
      for (const chunk of post) assert.not.ok(screen.push(chunk).signal, JSON.stringify({ pre: pre.join(''), post: post.join('') }));
    }),
    { numRuns: 3000 },
  );
});

test('a disarmed detector ignores the signal until it is armed again', () => {
  fc.assert(
    fc.property(chunked(fc.tuple(aloneOnALine(SIGNAL), noise).map(([s, n]) => s + n)), (chunks) => {
      const detector = armed();
      detector.disarm();
      assert.is(countSignals(detector, chunks), 0);
    }),
    { numRuns: 500 },
  );
});

// C0 controls but \t and \n, DEL, C1 controls, bidirectional overrides and isolates.
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const escapeHeavy = fc.string({
  unit: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('\x1b', '[', ']', '\\', '\x07', '\x9b', '\x9d', '\r', '\n', '\t', '\x00', '\x7f', '\u202e', '\u2066', '\u2069', 'P', '~', '0', '1', ';', '?') },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  ),
  maxLength: 80,
});

test('sanitizeText never lets an escape, a control byte or a bidi override through', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), escapeHeavy, hostileText), (text) => {
      const clean = sanitizeText(text);
      assert.not.ok(FORBIDDEN.test(clean), JSON.stringify({ text, clean }));
      assert.is(sanitizeText(clean), clean, 'sanitising twice changes nothing');
      const line = sanitizeLine(text);
      assert.not.ok(FORBIDDEN.test(line) || line.includes('\n'), JSON.stringify({ text, line }));
      for (const quoted of quoteText(text).split('\n')) assert.ok(quoted.startsWith('|'), JSON.stringify({ text, quoted }));
    }),
    { numRuns: 5000 },
  );
});

test.run();
