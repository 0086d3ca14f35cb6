/**
 * What zoro types into an iTerm2 session. SendText puts bytes straight into the session's
 * input, so text from tickets must not carry anything the terminal or the agent would act
 * on: escape sequences (a stray `ESC[201~` would end the bracketed paste early and turn the
 * rest into keystrokes) and control bytes. Keys are the only way to send those.
 */
import type { Key } from '../types.js';

export const PASTE_START = '\x1b[200~';
export const PASTE_END = '\x1b[201~';

/** The bytes a key sends, as a terminal in normal cursor mode sends them. */
export const KEY_BYTES: Record<Key, string> = {
  Enter: '\r',
  Escape: '\x1b',
  'C-c': '\x03',
  Up: '\x1b[A',
  Down: '\x1b[B',
  Tab: '\t',
  BTab: '\x1b[Z',
  '1': '1',
  '2': '2',
  '3': '3',
};

const ESCAPE_SEQUENCES = [
  /\x1b\[[0-?]*[ -/]*[@-~]/g, // CSI: colours, cursor moves, paste markers
  /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g, // OSC: titles, hyperlinks, clipboard
  /\x1b[PX^_][^\x1b]*(?:\x1b\\)?/g, // DCS, SOS, PM, APC strings
  /\x1b[ -/]*[0-~]/g, // two- and three-byte escapes
];
// Every C0 control but \t and \n, DEL, and the C1 controls (0x9b is an 8-bit CSI).
const CONTROL_BYTES = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** Text with line endings made `\n` and every escape sequence and control byte removed. */
export function sanitizeText(text: string): string {
  let clean = text.replace(/\r\n?/g, '\n');
  for (const pattern of ESCAPE_SEQUENCES) clean = clean.replace(pattern, '');
  return clean.replace(CONTROL_BYTES, '');
}

/** Sanitized text wrapped in bracketed-paste markers. */
export function bracketedPaste(text: string): string {
  return `${PASTE_START}${sanitizeText(text)}${PASTE_END}`;
}
