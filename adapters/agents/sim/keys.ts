/**
 * Turns raw terminal input (stdin in raw mode) into keys: typed text, bracketed pastes,
 * Enter, Backspace, Ctrl-C, Ctrl-D and a lone Escape. Input arrives in arbitrary chunks, so
 * a paste or an escape sequence split across reads is held until it is complete.
 *
 * @example
 *   const reader = new KeyReader();
 *   reader.feed('\x1b[200~line 1\nline 2\x1b[201~\r');
 *   // → [{ type: 'paste', text: 'line 1\nline 2' }, { type: 'enter' }]
 */

export type KeyEvent =
  | { type: 'text'; text: string }
  | { type: 'paste'; text: string }
  | { type: 'enter' }
  | { type: 'backspace' }
  /** Ctrl-C */
  | { type: 'interrupt' }
  /** Escape pressed on its own, not the start of an escape sequence. */
  | { type: 'escape' }
  /** Ctrl-D */
  | { type: 'eof' };

export const PASTE_START = '\x1b[200~';
export const PASTE_END = '\x1b[201~';

export class KeyReader {
  /** Bytes that may be the start of a sequence the next chunk completes. */
  private held = '';
  private paste: string | null = null;
  private lastWasCarriageReturn = false;

  /**
   * True while an Escape (or a partial sequence) is held outside a paste. The caller
   * waits briefly for more input and then calls `flush()`: that is how a lone Escape key
   * is told from the start of a sequence split across reads.
   */
  get pending(): boolean {
    return this.paste === null && this.held !== '';
  }

  feed(chunk: string): KeyEvent[] {
    const data = this.held + chunk;
    this.held = '';
    const events: KeyEvent[] = [];
    let i = 0;
    while (i < data.length) {
      if (this.paste !== null) {
        i = this.readPaste(data, i, events);
        continue;
      }
      const ch = data[i];
      const afterCarriageReturn = this.lastWasCarriageReturn;
      this.lastWasCarriageReturn = ch === '\r';
      if (ch === '\x1b') {
        const end = this.readEscape(data, i, events);
        if (end === null) {
          this.held = data.slice(i);
          break;
        }
        i = end;
      } else if (ch === '\r') {
        events.push({ type: 'enter' });
        i++;
      } else if (ch === '\n') {
        // A terminal sends \r for Enter; \r\n (even split across reads) is still one Enter.
        if (!afterCarriageReturn) events.push({ type: 'enter' });
        i++;
      } else if (ch === '\x7f' || ch === '\b') {
        events.push({ type: 'backspace' });
        i++;
      } else if (ch === '\x03') {
        events.push({ type: 'interrupt' });
        i++;
      } else if (ch === '\x04') {
        events.push({ type: 'eof' });
        i++;
      } else if (isControl(ch)) {
        i++;
      } else {
        let end = i + 1;
        while (end < data.length && !isControl(data[end]) && data[end] !== '\x1b') end++;
        events.push({ type: 'text', text: data.slice(i, end) });
        i = end;
      }
    }
    return events;
  }

  /** Stop waiting for the rest of a sequence: a held ESC alone was the Escape key. */
  flush(): KeyEvent[] {
    if (!this.pending) return [];
    const held = this.held;
    this.held = '';
    return held === '\x1b' ? [{ type: 'escape' }] : [];
  }

  /** Collects paste text up to PASTE_END; holds a tail that could be the start of it. */
  private readPaste(data: string, from: number, events: KeyEvent[]): number {
    const end = data.indexOf(PASTE_END, from);
    if (end === -1) {
      let keep = Math.min(PASTE_END.length - 1, data.length - from);
      while (keep > 0 && !PASTE_END.startsWith(data.slice(data.length - keep))) keep--;
      this.paste += data.slice(from, data.length - keep);
      this.held = data.slice(data.length - keep);
      return data.length;
    }
    const text = (this.paste ?? '') + data.slice(from, end);
    this.paste = null;
    events.push({ type: 'paste', text: text.replace(/\r\n?/g, '\n') });
    return end + PASTE_END.length;
  }

  /** Reads the sequence starting with ESC at `start`; returns where it ends, or null if incomplete. */
  private readEscape(data: string, start: number, events: KeyEvent[]): number | null {
    const next = data[start + 1];
    if (next === undefined) return null;
    if (next === '[') {
      // CSI: parameter and intermediate bytes, then one final byte.
      let j = start + 2;
      while (j < data.length && data.charCodeAt(j) >= 0x20 && data.charCodeAt(j) <= 0x3f) j++;
      if (j >= data.length) return null;
      if (data.slice(start, j + 1) === PASTE_START) this.paste = '';
      // Any other sequence (arrows, function keys, focus reports) means nothing to the sim.
      return j + 1;
    }
    if (next === 'O') return start + 2 < data.length ? start + 3 : null;
    if (next === '\x1b' || isControl(next)) {
      events.push({ type: 'escape' });
      return start + 1;
    }
    return start + 2; // Alt+key
  }
}

function isControl(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return (code < 0x20 && ch !== '\t') || code === 0x7f;
}
