/**
 * The simulated agent's directive language: lines like `sim: sleep 2` anywhere in a prompt.
 *
 * zoro quotes ticket text in its prompts (`| sim: write out.txt hello`), so a directive may
 * sit behind indentation and `|` / `>` quote markers. Parsing never throws: a line that names
 * an unknown directive or carries a bad argument becomes an `invalid` directive, which the
 * sim reports and skips.
 *
 * @example
 *   parseDirectives('Fix it.\n| sim: sleep 1\n| sim: write done.txt ok')
 *   // → [{ kind: 'sleep', seconds: 1 }, { kind: 'write', path: 'done.txt', text: 'ok' }]
 */
import { createHash } from 'node:crypto';

export type Directive =
  | { kind: 'sleep'; seconds: number }
  | { kind: 'write'; path: string; text: string }
  | { kind: 'echo'; text: string }
  | { kind: 'fail' }
  | { kind: 'fail-times'; times: number }
  | { kind: 'error-loop'; message: string }
  | { kind: 'silent' }
  | { kind: 'ask'; question: string }
  | { kind: 'crash' }
  | { kind: 'output'; linesPerSecond: number }
  /** An unknown name or a bad argument; `reason` is what the sim prints. */
  | { kind: 'invalid'; name: string; reason: string };

export type DirectiveKind = Exclude<Directive['kind'], 'invalid'>;

export const DIRECTIVE_KINDS: readonly DirectiveKind[] = [
  'sleep', 'write', 'echo', 'fail', 'fail-times', 'error-loop', 'silent', 'ask', 'crash', 'output',
];

/** One directive line: optional indentation and quote markers, `sim:`, a name, the rest. */
const DIRECTIVE_LINE = /^\s*(?:[|>]\s*)*sim:\s*(\S+)\s*(.*)$/s;
/** `Ticket: 3` or `Ticket: 3 (attempt 2)`, possibly quoted or indented. */
const TICKET_LINE = /^\s*(?:[|>]\s*)*Ticket:\s*(\S+)/;

/** Above this rate a progress line per timer tick is all a terminal could show anyway. */
export const MAX_LINES_PER_SECOND = 1000;

export function parseDirectives(text: string): Directive[] {
  const directives: Directive[] = [];
  for (const line of splitLines(text)) {
    const match = DIRECTIVE_LINE.exec(line);
    if (match) directives.push(parseOne(match[1], match[2].trim()));
  }
  return directives;
}

/** The lines that carry directives, verbatim (for keying a prompt that names no ticket). */
export function directiveLines(text: string): string[] {
  return splitLines(text).filter((line) => DIRECTIVE_LINE.test(line));
}

/**
 * The id `fail-times` counts against: the first `Ticket: <id>` line, else a hash of the
 * prompt's directive lines (so re-sending the same prompt counts as the same ticket).
 * The result is safe to use as a file name.
 */
export function ticketKey(text: string): string {
  for (const line of splitLines(text)) {
    const match = TICKET_LINE.exec(line);
    if (match) return /^[A-Za-z0-9._-]{1,64}$/.test(match[1]) && !/^\.+$/.test(match[1])
      ? `ticket-${match[1]}`
      : `ticket-${digest(match[1])}`;
  }
  return `prompt-${digest(directiveLines(text).map((line) => line.trim()).join('\n'))}`;
}

function parseOne(rawName: string, argument: string): Directive {
  const name = rawName.toLowerCase();
  switch (name) {
    case 'sleep': {
      const seconds = argument === '' ? NaN : Number(argument);
      return Number.isFinite(seconds) && seconds >= 0
        ? { kind: 'sleep', seconds }
        : invalid(name, `SECONDS must be a number ≥ 0, got "${argument}"`);
    }
    case 'write': {
      const match = /^(\S+)\s?(.*)$/s.exec(argument);
      return match ? { kind: 'write', path: match[1], text: match[2] } : invalid(name, 'needs a PATH');
    }
    case 'echo':
      return { kind: 'echo', text: argument };
    case 'fail':
      return { kind: 'fail' };
    case 'fail-times': {
      const times = /^\d+$/.test(argument) ? Number(argument) : NaN;
      return Number.isSafeInteger(times) ? { kind: 'fail-times', times } : invalid(name, `N must be a whole number, got "${argument}"`);
    }
    case 'error-loop':
      return { kind: 'error-loop', message: argument === '' ? 'Error: simulated error loop' : argument };
    case 'silent':
      return { kind: 'silent' };
    case 'ask':
      return { kind: 'ask', question: argument === '' ? 'Proceed?' : argument };
    case 'crash':
      return { kind: 'crash' };
    case 'output': {
      const rate = argument === '' ? NaN : Number(argument);
      return Number.isFinite(rate) && rate > 0
        ? { kind: 'output', linesPerSecond: Math.min(rate, MAX_LINES_PER_SECOND) }
        : invalid(name, `LINES_PER_SECOND must be a number > 0, got "${argument}"`);
    }
    default:
      return { kind: 'invalid', name: rawName, reason: `unknown directive ${rawName}` };
  }
}

function invalid(name: string, detail: string): Directive {
  return { kind: 'invalid', name, reason: `bad directive ${name}: ${detail}` };
}

function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
