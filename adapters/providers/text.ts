/**
 * Tracker text is untrusted. Adapters hand it on as plain text and never interpret it; this
 * file makes sure it is at least *text*: line endings normalised, and no terminal escape
 * sequences or control characters (the core sanitises again before anything reaches a
 * terminal; an adapter should not be the hole that lets them through).
 */

// CSI (ESC [ … final byte) and OSC (ESC ] … BEL or ESC \) sequences, removed whole so no
// "[31m" residue is left behind; then any other C0 control except tab and newline, DEL and C1.
const CSI = /\u001b\[[0-?]*[ -/]*[@-~]/g;
const OSC = /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Plain text from a tracker: `\r\n` and `\r` become `\n`; escape sequences and control characters go. */
export function plainText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(CSI, '').replace(OSC, '').replace(CONTROL, '');
}

/** One line for an error message: API error text, trimmed and shortened, never multi-line. */
export function oneLine(text: string, max = 200): string {
  const flat = plainText(text).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Text for an API that renders HTML (monday updates): shown literally, line breaks kept. */
export function textToHtml(text: string): string {
  return plainText(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '<br>');
}
