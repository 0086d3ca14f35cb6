/**
 * One tab of the fake iTerm2: session variables, a virtual screen, what was typed into it,
 * and optionally a real program in a pty whose output is drawn on the screen.
 */
import { basename } from 'node:path';
import { randomUUID } from 'node:crypto';
import pty from 'node-pty';
import { VirtualScreen } from './virtual-screen.js';

export interface VirtualSessionEvents {
  screenChanged(session: VirtualSession): void;
  variableChanged(session: VirtualSession, name: string): void;
  /** The program ended: the tab closes, as with iTerm2's "close on exit". */
  programExited(session: VirtualSession, code: number): void;
}

export interface VirtualSessionInit {
  cwd: string;
  /** argv of a program to run in a pty; without one the tab is an idle shell. */
  command?: string[];
  env?: Record<string, string>;
  /** iTerm2's `jobName`; defaults to the program's name, or `zsh`. */
  jobName?: string;
  columns?: number;
  rows?: number;
}

export class VirtualSession {
  readonly id = `w0t0p0:${randomUUID().toUpperCase()}`;
  readonly tabId: string;
  readonly screen: VirtualScreen;
  /** Every SendText text, in order, exactly as it arrived. */
  readonly received: string[] = [];
  /** JSON-encoded variable values, as iTerm2 keeps them. */
  private readonly variables = new Map<string, string>();
  private program: pty.IPty | null = null;
  private killed = false;
  private readonly textWaiters = new Set<() => void>();
  exitCode: number | null = null;

  constructor(
    tabNumber: number,
    init: VirtualSessionInit,
    private readonly events: VirtualSessionEvents,
  ) {
    this.tabId = String(tabNumber);
    this.screen = new VirtualScreen(init.columns, init.rows);
    const program = init.command?.[0];
    this.variables.set('path', JSON.stringify(init.cwd));
    this.variables.set('jobName', JSON.stringify(init.jobName ?? (program ? basename(program) : 'zsh')));
    this.variables.set('name', JSON.stringify(program ? basename(program) : 'zsh'));
    if (init.command && program) {
      this.program = pty.spawn(program, init.command.slice(1), {
        cwd: init.cwd,
        cols: this.screen.columns,
        rows: this.screen.rows,
        env: { ...process.env, TERM: 'xterm-256color', ...init.env } as Record<string, string>,
      });
      this.program.onData((data) => this.output(data));
      this.program.onExit(({ exitCode }) => {
        this.program = null;
        if (this.killed) return;
        this.exitCode = exitCode;
        this.events.programExited(this, exitCode);
      });
    }
  }

  get name(): string {
    return this.getVariable('name') as string;
  }

  /** Draws text on the screen as if the program had printed it. */
  output(text: string): void {
    this.screen.write(text);
    this.events.screenChanged(this);
    for (const check of [...this.textWaiters]) check();
  }

  /** Resolves once the screen (scrollback included) shows `text`, e.g. a program's first prompt. */
  waitForText(text: string, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!this.screen.text().some((line) => line.includes(text))) return;
        this.textWaiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.textWaiters.delete(check);
        reject(new Error(`the fake tab never showed ${JSON.stringify(text)}; it shows:\n${this.screen.text().join('\n')}`));
      }, timeoutMs);
      this.textWaiters.add(check);
      check();
    });
  }

  /** Keyboard input (SendText): recorded, and passed to the program if one runs. */
  input(text: string): void {
    this.received.push(text);
    this.program?.write(text);
  }

  getVariable(name: string): unknown {
    const json = this.variables.get(name);
    return json === undefined ? null : (JSON.parse(json) as unknown);
  }

  /** The JSON text of a variable (`null` when unset), as VariableResponse carries it. */
  variableJson(name: string): string {
    return this.variables.get(name) ?? 'null';
  }

  setVariable(name: string, value: unknown): void {
    this.variables.set(name, JSON.stringify(value));
    this.events.variableChanged(this, name);
  }

  /** `cd` in the tab: iTerm2 updates `path`. */
  changeDirectory(cwd: string): void {
    this.setVariable('path', cwd);
  }

  get running(): boolean {
    return this.program !== null;
  }

  /** Ends the program (if any) without telling anyone; the server announces the close. */
  kill(): void {
    const program = this.program;
    this.program = null;
    this.killed = true;
    program?.kill();
  }
}
