/**
 * A session's live terminal in a drawer: xterm.js fed by `/ws` (first the rolling buffer,
 * then raw output as it arrives). Read-only: keys reach an agent only through the
 * explicit answer box, never by typing into this view by accident.
 */
import { Terminal } from '@xterm/xterm';
import type { PageContext } from '../context.js';
import { h } from '../dom.js';
import { pill } from '../ui.js';

export class TerminalDrawer {
  readonly el: HTMLElement;
  private term: Terminal | null = null;
  private stop: (() => void) | null = null;
  private session: string | null = null;
  private readonly title = h('h2', {});
  private readonly state = h('span', {});
  private readonly screen = h('div', { class: 'xterm-host', id: 'terminal-screen' });

  constructor(private readonly page: PageContext) {
    const close = h('button', { type: 'button', class: 'icon', 'aria-label': 'close terminal', title: 'Close (Esc)' }, '✕');
    close.addEventListener('click', () => this.close());
    this.el = h('div', { class: 'drawer', id: 'terminal', hidden: true, role: 'dialog', 'aria-label': 'session terminal' }, h('div', { class: 'drawer-head' }, this.title, this.state, h('span', { class: 'spacer' }), close), this.screen);
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.session) this.close();
    });
  }

  open(session: string): void {
    this.close();
    this.session = session;
    this.el.hidden = false;
    this.el.dataset.session = session;
    this.title.textContent = session;
    this.refreshState();
    const term = new Terminal({
      disableStdin: true,
      convertEol: false,
      cursorBlink: false,
      scrollback: 2000,
      fontSize: 13,
      fontFamily: 'ui-monospace, "SF Mono", "JetBrains Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace',
      theme: { background: '#0b0e13', foreground: '#d7dde8', cursor: '#0b0e13', selectionBackground: '#2c3a55' },
      cols: 110,
      rows: 30,
    });
    term.open(this.screen);
    this.fit(term);
    this.term = term;
    this.stop = this.page.live.watchScreen(session, (data, reset) => {
      if (reset) term.reset();
      term.write(data);
    });
  }

  close(): void {
    this.stop?.();
    this.stop = null;
    this.term?.dispose();
    this.term = null;
    this.session = null;
    this.el.hidden = true;
    delete this.el.dataset.session;
  }

  /** Keeps the state pill in the header current. */
  refreshState(): void {
    if (!this.session) return;
    const s = this.page.store.state?.sessions.find((x) => x.name === this.session);
    this.state.replaceChildren(s ? pill(s.state, s.detail) : '');
  }

  /** Sizes the terminal to its box (no fit addon): measure a run of cells with a probe. */
  private fit(term: Terminal): void {
    const probe = h('span', { class: 'xterm-probe' }, 'W'.repeat(20));
    this.screen.append(probe);
    const cell = probe.getBoundingClientRect();
    probe.remove();
    const cw = cell.width / 20;
    const ch = cell.height;
    const width = this.screen.clientWidth - 20;
    const height = this.screen.clientHeight - 12;
    if (cw > 0 && ch > 0 && width > 0 && height > 0) term.resize(Math.max(40, Math.floor(width / cw)), Math.max(10, Math.floor(height / ch)));
  }
}
