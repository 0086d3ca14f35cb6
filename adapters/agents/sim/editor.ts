/**
 * The sim's input line: what has been typed or pasted since the last submit, and what to
 * echo for each edit. A short one-line paste shows as typed text; a longer one shows as a
 * placeholder (as Claude Code does), which also keeps a pasted prompt's own text — say, a
 * line reading `READY FOR NEW TASKS` — from being echoed onto the screen.
 */
import { printable } from './engine.js';

/** A one-line paste up to this long is echoed as is. */
const INLINE_PASTE_LIMIT = 80;

interface Unit {
  text: string;
  /** What the screen shows for it; Backspace erases this many columns. */
  shown: string;
}

export class LineEditor {
  private units: Unit[] = [];

  get text(): string {
    return this.units.map((unit) => unit.text).join('');
  }

  get empty(): boolean {
    return this.units.length === 0;
  }

  /** Adds typed characters; returns the echo. */
  type(text: string): string {
    const chars = [...printable(text)];
    for (const ch of chars) this.units.push({ text: ch, shown: ch });
    return chars.join('');
  }

  /** Adds a bracketed paste's text; returns the echo. */
  paste(text: string): string {
    if (text === '') return '';
    if (!text.includes('\n') && text.length <= INLINE_PASTE_LIMIT) return this.type(text);
    const lines = text.split('\n').length;
    const shown = lines > 1 ? `[pasted text +${lines} lines]` : `[pasted text: ${text.length} chars]`;
    this.units.push({ text, shown });
    return shown;
  }

  /** Removes the last character typed or the last placeholder paste; returns the echo. */
  backspace(): string {
    const unit = this.units.pop();
    return unit ? '\b \b'.repeat(unit.shown.length) : '';
  }

  clear(): void {
    this.units = [];
  }
}
