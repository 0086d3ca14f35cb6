/**
 * Ticket text is untrusted: it comes from trackers, plan files and the cockpit, and it is
 * typed into a terminal where an escape sequence could move the cursor, retitle the window,
 * end a bracketed paste early (`ESC[201~`) and submit half a prompt, or forge output.
 * Everything from a ticket passes through `sanitizeText` before it reaches a terminal.
 */

// C0 controls except \t and \n, DEL, C1 controls, and the bidirectional overrides that
// make text display differently from what it is ("trojan source").
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// Whole escape sequences first, so their parameters do not survive as visible junk.
const ESCAPES = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[PX^_][^\u001b]*(?:\u001b\\)?|[ -/]*[0-~]?)|\u009b[0-?]*[ -/]*[@-~]/g;

/** Plain text safe to type: no escape sequences, no control bytes but `\n` and `\t`. */
export function sanitizeText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(ESCAPES, '').replace(UNSAFE, '');
}

/**
 * Quote untrusted text for a prompt: sanitised, and every line prefixed with `| `, so no
 * line of it can be mistaken for zoro's own instructions or for the ready signal.
 */
export function quoteText(text: string): string {
  const clean = sanitizeText(text).replace(/\s+$/, '');
  if (clean === '') return '| (none)';
  return clean
    .split('\n')
    .map((line) => `| ${line}`.trimEnd())
    .join('\n');
}

/** One line of untrusted text (a title): sanitised, newlines folded into spaces. */
export function sanitizeLine(text: string, max = 300): string {
  const line = sanitizeText(text).replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
