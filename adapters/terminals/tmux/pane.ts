/**
 * One tmux pane as a zoro Terminal. It owns the pane's UTF-8 decoder (a character can be
 * split across two `%output` lines) and its listeners; the runtime feeds it output and exit
 * news from the control client and carries its commands.
 */
import { StringDecoder } from 'node:string_decoder';
import { TerminalError } from '../../../lib/errors.js';
import { tmuxKeyName, withoutPasteMarkers } from '../keys.js';
import { ListenedTerminal } from '../listeners.js';
import type { Key, Terminal, TerminalExit } from '../types.js';

/** What a pane needs from its runtime: a way to run commands and to let go of it. */
export interface PaneHost {
  run(pane: TmuxPane, args: string[], label?: string): Promise<string[]>;
  release(pane: TmuxPane, options: { kill: boolean }): Promise<void>;
  bufferName(): string;
}

const DEFAULT_CAPTURE_LINES = 500;

export class TmuxPane extends ListenedTerminal implements Terminal {
  readonly runtime = 'tmux';
  private readonly decoder = new StringDecoder('utf8');
  private released = false;
  /** The end of the output so far, in case the exit marker is split across two chunks. */
  private tail = '';

  constructor(
    /** tmux pane id, `%3`. */
    readonly id: string,
    /** tmux window id, `@2`: `%window-close` names windows. */
    readonly windowId: string,
    /** tmux session id, `$1`: whose control client carries this pane. */
    readonly sessionId: string,
    private readonly host: PaneHost,
    /** `exitMarker(nonce)` when zoro's exit reporter runs in this pane (see exec.ts). */
    private readonly exitMarker: string | null,
  ) {
    super();
  }

  /** Bytes from `%output`, decoded as they come. */
  receive(bytes: Buffer): void {
    const text = this.decoder.write(bytes);
    if (text === '') return;
    this.events.output(text);
    if (this.exitMarker !== null) this.scanForExit(text);
  }

  private scanForExit(text: string): void {
    const marker = this.exitMarker!;
    const seen = this.tail + text;
    const at = seen.indexOf(marker);
    const status = at === -1 ? null : /^(\d{1,3})\x07/.exec(seen.slice(at + marker.length));
    if (status) {
      this.ended({ code: Number(status[1]), reason: `exited with status ${status[1]}` });
      return;
    }
    // Keep enough to find a marker whose start is in this chunk and whose end is in the next.
    this.tail = seen.slice(at === -1 ? -(marker.length + 4) : at);
  }

  /** The program ended (or the pane is gone); fires onExit once. */
  ended(exit: TerminalExit): void {
    if (!this.running) return;
    this.running = false;
    const rest = this.decoder.end();
    if (rest !== '') this.events.output(rest);
    this.events.ended(exit);
  }

  /** Stop delivering anything (close, dispose); no onExit. */
  detach(): void {
    this.released = true;
    this.events.clear();
  }

  get watched(): boolean {
    return !this.released;
  }

  /**
   * A bracketed paste through a uniquely named tmux buffer. `-p` brackets it only if the
   * program asked for bracketed paste; `-r` keeps LF rather than turning each line break
   * into CR (a CR is Enter to a program that did not ask, which would submit every line);
   * `-d` deletes the buffer afterwards. Enter is a separate `press`.
   */
  async paste(text: string): Promise<void> {
    const clean = withoutPasteMarkers(text);
    if (clean === '') return;
    this.assertUsable('paste');
    const buffer = this.host.bufferName();
    await this.host.run(this, ['set-buffer', '-b', buffer, clean], 'set-buffer');
    await this.host.run(this, ['paste-buffer', '-p', '-d', '-r', '-b', buffer, '-t', this.id]);
  }

  async type(text: string): Promise<void> {
    if (text === '') return;
    this.assertUsable('type');
    await this.host.run(this, ['send-keys', '-t', this.id, '-l', text], 'send-keys -l');
  }

  async press(key: Key): Promise<void> {
    this.assertUsable('press');
    await this.host.run(this, ['send-keys', '-t', this.id, tmuxKeyName(key)]);
  }

  /** Screen plus scrollback as plain lines, trailing blank lines dropped. Not for polling. */
  async capture(lines = DEFAULT_CAPTURE_LINES): Promise<string[]> {
    if (this.released) throw new TerminalError('tmux', `pane ${this.id} is closed`);
    const count = Math.max(1, Math.floor(lines));
    const captured = await this.host.run(this, ['capture-pane', '-p', '-J', '-S', `-${count}`, '-t', this.id]);
    const trimmed = captured.map((line) => line.trimEnd());
    while (trimmed.length > 0 && trimmed[trimmed.length - 1] === '') trimmed.pop();
    return trimmed.slice(-count);
  }

  async close(options: { kill?: boolean } = {}): Promise<void> {
    if (this.released) return;
    this.detach();
    if (options.kill) this.running = false;
    await this.host.release(this, { kill: options.kill === true });
  }

  private assertUsable(action: string): void {
    if (this.released) throw new TerminalError('tmux', `cannot ${action}: pane ${this.id} is closed`);
    if (!this.running) throw new TerminalError('tmux', `cannot ${action}: the program in pane ${this.id} has exited`);
  }
}
