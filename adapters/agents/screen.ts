/**
 * Reading an agent's screen lines, shared by the profiles: escape sequences out, trailing
 * blanks off, and the marks terminal runtimes leave when the program in them has ended.
 */
import { stripAnsi } from '../../lib/ansi.js';

/** The lines as plain text, without escape sequences or trailing white space. */
export function plainLines(lines: string[]): string[] {
  return lines.map((line) => stripAnsi(line).trimEnd());
}

/**
 * What a runtime shows once the program is gone: tmux with `remain-on-exit` ("Pane is dead
 * (status 1, …)"), iTerm2 ("[Process completed]"), and `[exited]`.
 */
export function isExitMark(line: string): boolean {
  const text = line.trim();
  return /^Pane is dead\b/.test(text) || /^\[(?:Process completed|exited)\b[^\]]*\]$/.test(text);
}

/** The last line with visible text, or null for a blank screen. */
export function lastPlainLine(lines: string[]): string | null {
  return plainLines(lines).findLast((line) => line.trim() !== '') ?? null;
}
