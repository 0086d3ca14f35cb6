/**
 * Key names and the bytes they send, shared by the terminal runtimes.
 * tmux takes key names (`send-keys -t %3 Enter`); a pty takes the bytes a terminal would send.
 */
import type { Key } from './types.js';

const TMUX_KEY_NAMES: Record<Key, string> = {
  Enter: 'Enter',
  Escape: 'Escape',
  'C-c': 'C-c',
  Up: 'Up',
  Down: 'Down',
  Tab: 'Tab',
  BTab: 'BTab',
  '1': '1',
  '2': '2',
  '3': '3',
};

/** The tmux key name for `send-keys`. */
export function tmuxKeyName(key: Key): string {
  return TMUX_KEY_NAMES[key];
}

/**
 * The bytes a terminal sends for `key`. With `applicationCursor` (the program sent
 * `ESC [ ? 1 h`, as full-screen programs do) the arrows are `ESC O A` rather than `ESC [ A`.
 */
export function keyBytes(key: Key, options: { applicationCursor?: boolean } = {}): string {
  const arrowPrefix = options.applicationCursor ? '\x1bO' : '\x1b[';
  switch (key) {
    case 'Enter':
      return '\r';
    case 'Escape':
      return '\x1b';
    case 'C-c':
      return '\x03';
    case 'Up':
      return `${arrowPrefix}A`;
    case 'Down':
      return `${arrowPrefix}B`;
    case 'Tab':
      return '\t';
    case 'BTab':
      return '\x1b[Z';
    case '1':
    case '2':
    case '3':
      return key;
  }
}

export const PASTE_START = '\x1b[200~';
export const PASTE_END = '\x1b[201~';

/**
 * Text without bracketed-paste markers, so a pasted text can never end the paste early and
 * have its rest read as typed keys (ticket text is untrusted). Repeats until stable, since
 * removing one marker can join the pieces of another.
 */
export function withoutPasteMarkers(text: string): string {
  let current = text;
  for (;;) {
    const next = current.replaceAll(PASTE_START, '').replaceAll(PASTE_END, '');
    if (next === current) return next;
    current = next;
  }
}
