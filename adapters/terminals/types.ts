/**
 * The edge to wherever agents run: a tmux pane, a pty, an iTerm2 session.
 * Output arrives as events (tmux control mode, iTerm2 notifications, pty data), never by
 * polling the screen.
 */

export type Key = 'Enter' | 'Escape' | 'C-c' | 'Up' | 'Down' | 'Tab' | 'BTab' | '1' | '2' | '3';

export interface Terminal {
  /** Runtime-specific handle: tmux pane id `%3`, iTerm2 session id, pty pid. */
  readonly id: string;
  readonly runtime: string;
  /** Deliver text as a bracketed paste (when the program asked for it), without Enter. */
  paste(text: string): Promise<void>;
  /** Type literal text, without Enter. */
  type(text: string): Promise<void>;
  /** Press a key. */
  press(key: Key): Promise<void>;
  /** Decoded UTF-8 output as it arrives. Returns unsubscribe. */
  onOutput(listener: (chunk: string) => void): () => void;
  /** The program in the terminal ended (or the pane/tab was closed). Returns unsubscribe. */
  onExit(listener: (exit: TerminalExit) => void): () => void;
  /** The visible screen plus scrollback, as plain text lines (used once on attach, never polled). */
  capture(lines?: number): Promise<string[]>;
  /** True while the program in it runs. */
  alive(): boolean;
  /** Stop watching; `kill` also ends the program and closes the pane. */
  close(options?: { kill?: boolean }): Promise<void>;
}

export interface TerminalExit {
  code: number | null;
  reason: string;
}

export interface StartOptions {
  /** The zoro session name; becomes the window/tab name. */
  name: string;
  cwd: string;
  /** argv of the agent to run. */
  command: string[];
  env?: Record<string, string>;
}

export interface TerminalRuntime {
  readonly name: 'tmux' | 'pty' | 'iterm2';
  /** Start the agent in a new window/pane/tab. */
  start(options: StartOptions): Promise<Terminal>;
  /**
   * Find a terminal that already runs for this session: tmux window named `name`, or a
   * pane/tab whose current directory is `cwd`. Null when there is none.
   */
  attach?(options: { name: string; cwd: string }): Promise<Terminal | null>;
  /**
   * A terminal for `cwd` became available (iTerm2: a tab opened in that directory or `cd`ed
   * into it), so a session whose terminal closed can `attach` again. Returns unsubscribe.
   */
  onSessionAppeared?(cwd: string, listener: (appeared: { sessionId: string; cwd: string }) => void): () => void;
  /** Release the runtime's own resources (control clients, sockets). Agents keep running. */
  dispose(): Promise<void>;
}
