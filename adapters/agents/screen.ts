/**
 * Reading an agent's screen lines, shared by the profiles: escape sequences out, trailing
 * blanks off, and the marks terminal runtimes leave when the program in them has ended.
 */

// eslint-disable-next-line no-control-regex
const ESCAPE_SEQUENCE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;

/** The lines as plain text, without escape sequences or trailing white space. */
export function visibleLines(lines: string[]): string[] {
  return lines.map((line) => line.replace(ESCAPE_SEQUENCE, '').replace(/\r/g, '').trimEnd());
}

/**
 * What a runtime shows once the program is gone: tmux with `remain-on-exit` ("Pane is dead
 * (status 1, …)"), iTerm2 ("[Process completed]"), and `[exited]`.
 */
export function isExitMark(line: string): boolean {
  return /^Pane is dead\b/.test(line.trim()) || /^\[(?:Process completed|exited)\b[^\]]*\]$/.test(line.trim());
}

/** The last line with visible text, or null for a blank screen. */
export function lastVisibleLine(lines: string[]): string | null {
  return visibleLines(lines).findLast((line) => line.trim() !== '') ?? null;
}
