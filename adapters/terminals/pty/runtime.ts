/**
 * The pty runtime: each agent runs in a pseudo-terminal that zoro itself holds (node-pty),
 * with no multiplexer. Headless and simple, but a pty cannot outlive the process that
 * opened it: when zoro stops, its agents stop, and `attach` never finds anything.
 */
import { spawn, type IPty } from 'node-pty';
import { TerminalError, errorMessage } from '../../../lib/errors.js';
import { LineAssembler } from '../../../lib/ansi.js';
import { workingDirectory } from '../cwd.js';
import { keyBytes, PASTE_END, PASTE_START, withoutPasteMarkers } from '../keys.js';
import { ListenedTerminal } from '../listeners.js';
import type { Key, StartOptions, Terminal, TerminalExit, TerminalRuntime } from '../types.js';
import { TerminalModes } from './modes.js';

export interface PtyRuntimeOptions {
  /** @default 200 */
  columns?: number;
  /** @default 50 */
  rows?: number;
  /** Plain-text lines kept for `capture`. @default 1000 */
  scrollbackLines?: number;
}

export interface PtyRuntime extends TerminalRuntime {
  readonly name: 'pty';
  /** Always null: a pty does not survive the runtime (or zoro) that opened it. */
  attach(options: { name: string; cwd: string }): Promise<null>;
}

class PtyTerminal extends ListenedTerminal implements Terminal {
  readonly runtime = 'pty';
  readonly id: string;
  private readonly modes = new TerminalModes();
  private readonly screen = new LineAssembler();
  private readonly lines: string[] = [];
  private closed = false;

  constructor(
    private readonly pty: IPty,
    private readonly scrollbackLines: number,
    private readonly forget: (terminal: PtyTerminal) => void,
  ) {
    super();
    this.id = String(pty.pid);
    // node-pty decodes UTF-8 with a streaming decoder, so a character split across reads
    // arrives whole.
    pty.onData((data) => {
      this.modes.scan(data);
      this.remember(data);
      this.events.output(data);
    });
    pty.onExit(({ exitCode, signal }) => {
      this.running = false;
      this.forget(this);
      const exit: TerminalExit = signal
        ? { code: null, reason: `killed by signal ${signal}` }
        : { code: exitCode, reason: `exited with status ${exitCode}` };
      this.events.ended(exit);
    });
  }

  /** Bracketed only when the program asked for it (as a real terminal does). */
  async paste(text: string): Promise<void> {
    const clean = withoutPasteMarkers(text);
    if (clean === '') return;
    this.write('paste', this.modes.bracketedPaste ? `${PASTE_START}${clean}${PASTE_END}` : clean);
  }

  async type(text: string): Promise<void> {
    if (text !== '') this.write('type', text);
  }

  async press(key: Key): Promise<void> {
    this.write('press', keyBytes(key, { applicationCursor: this.modes.applicationCursor }));
  }

  /** The last lines of output as plain text (escape sequences removed), from zoro's own record. */
  async capture(lines = 500): Promise<string[]> {
    const all = [...this.lines, this.screen.pending].map((line) => line.trimEnd());
    while (all.length > 0 && all[all.length - 1] === '') all.pop();
    return all.slice(-Math.max(1, Math.floor(lines)));
  }

  async close(options: { kill?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.events.clear();
    if (options.kill) await this.kill();
  }

  /** SIGHUP, as closing a terminal window sends; SIGKILL if the program ignores it. */
  async kill(): Promise<void> {
    for (const [signal, waitMs] of [['SIGHUP', 2000], ['SIGKILL', 1000]] as const) {
      if (!this.running) return;
      this.pty.kill(signal);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          subscription.dispose();
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        const subscription = this.pty.onExit(done);
      });
    }
    if (this.running) throw new TerminalError('pty', `terminal ${this.id} did not end after SIGKILL`);
  }

  private write(action: string, data: string): void {
    if (this.closed) throw new TerminalError('pty', `cannot ${action}: terminal ${this.id} is closed`);
    if (!this.running) throw new TerminalError('pty', `cannot ${action}: the program in terminal ${this.id} has exited`);
    this.pty.write(data);
  }

  private remember(data: string): void {
    const done = this.screen.push(data);
    if (done.length === 0) return;
    this.lines.push(...done);
    if (this.lines.length > this.scrollbackLines) this.lines.splice(0, this.lines.length - this.scrollbackLines);
  }
}

/** @example const pty = createPtyRuntime(); const t = await pty.start({ name: 'api', cwd, command: ['claude'] }); */
export function createPtyRuntime(options: PtyRuntimeOptions = {}): PtyRuntime {
  const columns = options.columns ?? 200;
  const rows = options.rows ?? 50;
  const scrollbackLines = options.scrollbackLines ?? 1000;
  const running = new Set<PtyTerminal>();
  let disposed = false;

  async function start(start: StartOptions): Promise<Terminal> {
    if (disposed) throw new TerminalError('pty', 'this pty runtime was disposed; create a new one');
    const [file, ...args] = start.command;
    if (file === undefined) throw new TerminalError('pty', 'no command to run: the agent command is empty');
    const cwd = await workingDirectory(start.cwd, 'pty');
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
    Object.assign(env, start.env, { TERM: 'xterm-256color' });
    let pty: IPty;
    try {
      pty = spawn(file, args, { name: 'xterm-256color', cols: columns, rows, cwd, env });
    } catch (error) {
      throw new TerminalError('pty', `cannot start ${file}: ${errorMessage(error)}`, { cause: error });
    }
    const terminal = new PtyTerminal(pty, scrollbackLines, (ended) => running.delete(ended));
    running.add(terminal);
    return terminal;
  }

  return {
    name: 'pty',
    start,
    attach: async () => null,
    /** Ends the programs too: a pty left open would keep this process alive, and dies with it anyway. */
    async dispose() {
      disposed = true;
      await Promise.all([...running].map((terminal) => terminal.kill()));
      running.clear();
    },
  };
}
