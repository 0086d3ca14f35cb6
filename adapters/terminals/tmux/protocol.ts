/**
 * tmux control-mode lines → typed values. Pure: no I/O, so the decoding is testable alone.
 *
 * Lines are bytes (pane output is raw bytes, only `\ooo`-escaped below 0x20 and for `\`),
 * so they stay Buffers until a pane's own UTF-8 decoder turns them into text.
 */

/** `%begin`, `%end` or `%error` around a command's output; NUMBER pairs them. */
type BlockMark<Kind extends string> = { kind: Kind; number: string; flags: number };

export type ControlLine =
  | BlockMark<'begin'>
  | BlockMark<'end'>
  | BlockMark<'error'>
  | { kind: 'output'; pane: string; data: Buffer }
  | { kind: 'pause' | 'continue'; pane: string }
  | { kind: 'window-closed' | 'layout-change' | 'window-add'; window: string }
  | { kind: 'subscription'; name: string; pane: string; value: string }
  | { kind: 'sessions-changed' }
  | { kind: 'exit'; reason: string }
  | { kind: 'other'; text: string };

const BACKSLASH = 0x5c;
const OUTPUT = Buffer.from('%output ');
const EXTENDED_OUTPUT = Buffer.from('%extended-output ');
const VALUE_SEPARATOR = Buffer.from(' : ');

/**
 * Undo tmux's escaping of pane output: `\ooo` (three octal digits) is one byte, every
 * other byte is itself.
 */
export function decodeOutputValue(line: Buffer, from: number): Buffer {
  const first = line.indexOf(BACKSLASH, from);
  if (first === -1) return line.subarray(from);
  const out = Buffer.allocUnsafe(line.length - from);
  let length = line.copy(out, 0, from, first);
  for (let i = first; i < line.length; i++) {
    const byte = line[i]!;
    if (byte === BACKSLASH && isOctal(line[i + 1]) && isOctal(line[i + 2]) && isOctal(line[i + 3])) {
      out[length++] = ((line[i + 1]! - 48) << 6) | ((line[i + 2]! - 48) << 3) | (line[i + 3]! - 48);
      i += 3;
    } else {
      out[length++] = byte;
    }
  }
  return out.subarray(0, length);
}

function isOctal(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 48 && byte <= 55;
}

function startsWith(line: Buffer, prefix: Buffer): boolean {
  return line.length >= prefix.length && line.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

/** Parse one line (without its `\n`) that is not inside a command's output block. */
export function parseControlLine(line: Buffer): ControlLine {
  // The hot path: pane output, parsed without turning the value into a string.
  if (startsWith(line, OUTPUT)) {
    const space = line.indexOf(0x20, OUTPUT.length);
    if (space !== -1) {
      return { kind: 'output', pane: line.toString('latin1', OUTPUT.length, space), data: decodeOutputValue(line, space + 1) };
    }
  }
  if (startsWith(line, EXTENDED_OUTPUT)) {
    // %extended-output %ID AGE ... : VALUE  (more fields may come before ` : ` in later tmux)
    const space = line.indexOf(0x20, EXTENDED_OUTPUT.length);
    const separator = line.indexOf(VALUE_SEPARATOR, EXTENDED_OUTPUT.length);
    if (space !== -1 && separator !== -1) {
      return {
        kind: 'output',
        pane: line.toString('latin1', EXTENDED_OUTPUT.length, space),
        data: decodeOutputValue(line, separator + VALUE_SEPARATOR.length),
      };
    }
  }
  return parseNotice(line.toString('utf8'));
}

function parseNotice(text: string): ControlLine {
  const words = text.split(' ');
  switch (words[0]) {
    case '%begin':
      return { kind: 'begin', number: words[2] ?? '', flags: Number(words[3] ?? 0) };
    case '%end':
      return { kind: 'end', number: words[2] ?? '', flags: Number(words[3] ?? 0) };
    case '%error':
      return { kind: 'error', number: words[2] ?? '', flags: Number(words[3] ?? 0) };
    case '%pause':
    case '%continue':
      return { kind: words[0].slice(1) as 'pause' | 'continue', pane: words[1] ?? '' };
    case '%window-close':
    case '%unlinked-window-close':
      return { kind: 'window-closed', window: words[1] ?? '' };
    case '%window-add':
    case '%unlinked-window-add':
      return { kind: 'window-add', window: words[1] ?? '' };
    case '%layout-change':
      return { kind: 'layout-change', window: words[1] ?? '' };
    case '%sessions-changed':
      return { kind: 'sessions-changed' };
    case '%exit':
      return { kind: 'exit', reason: words.slice(1).join(' ') };
    case '%subscription-changed': {
      // %subscription-changed NAME $S @W IDX %P ... : VALUE
      const separator = text.indexOf(' : ');
      return {
        kind: 'subscription',
        name: words[1] ?? '',
        pane: words[5] ?? '',
        value: separator === -1 ? '' : text.slice(separator + 3),
      };
    }
    default:
      return { kind: 'other', text };
  }
}
