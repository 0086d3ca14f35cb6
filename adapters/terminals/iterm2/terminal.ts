/**
 * One iTerm2 session as a zoro Terminal. The runtime owns the connection and routes the
 * session's notifications here: `screenChanged()` for screen updates, `ended()` when the tab
 * closes or leaves the repo.
 *
 * Screen fetches coalesce the way iTerm2's own library does: at most one GetBuffer in
 * flight, plus one more after it when updates arrived meanwhile — a burst of hundreds of
 * updates costs two or three fetches, never a queue of them.
 */
import { errorMessage } from '../../../lib/errors.js';
import type { Key, Terminal, TerminalExit } from '../types.js';
import { closeSession, getScreen, sendText } from './api.js';
import type { Iterm2Connection } from './connection.js';
import { Iterm2Error } from './errors.js';
import { bracketedPaste, KEY_BYTES, sanitizeText } from './input.js';
import { Listeners } from './listeners.js';
import { ScreenDiff, snapshotText } from './screen-diff.js';

export interface TerminalHost {
  /** The live connection, or a rejection saying why there is none. */
  connection(): Promise<Iterm2Connection>;
  /** The terminal stopped watching; the runtime forgets it. */
  release(terminal: Iterm2Terminal): void;
  warn(message: string): void;
}

export class Iterm2Terminal implements Terminal {
  readonly runtime = 'iterm2';
  private readonly output: Listeners<string>;
  private readonly exits: Listeners<TerminalExit>;
  private readonly diff = new ScreenDiff();
  private fetching = false;
  private refetch = false;
  private watching = true;
  /** False until the baseline screen is read; updates before that only mark a refetch. */
  private begun = false;
  private exit: TerminalExit | null = null;

  constructor(
    /** The iTerm2 session's unique identifier. */
    readonly id: string,
    /** The directory the session was matched by (resolved), or started in. */
    readonly cwd: string,
    private readonly host: TerminalHost,
  ) {
    const report = (error: unknown) => host.warn(`a listener of iTerm2 session ${id} failed: ${errorMessage(error)}`);
    this.output = new Listeners(report);
    this.exits = new Listeners(report);
  }

  /** Reads the current screen as the baseline: what is already there is not output. */
  async begin(): Promise<void> {
    const snapshot = await getScreen(await this.host.connection(), this.id);
    if (!snapshot) throw this.goneError();
    this.diff.baseline(snapshot);
    this.begun = true;
    if (this.refetch) {
      this.refetch = false;
      this.screenChanged();
    }
  }

  paste(text: string): Promise<void> {
    return this.send(bracketedPaste(text));
  }

  type(text: string): Promise<void> {
    return this.send(sanitizeText(text));
  }

  press(key: Key): Promise<void> {
    return this.send(KEY_BYTES[key]);
  }

  onOutput(listener: (chunk: string) => void): () => void {
    return this.output.add(listener);
  }

  onExit(listener: (exit: TerminalExit) => void): () => void {
    const exit = this.exit;
    if (exit) queueMicrotask(() => listener(exit));
    return this.exits.add(listener);
  }

  async capture(lines?: number): Promise<string[]> {
    const snapshot = await getScreen(await this.host.connection(), this.id, { trailingLines: lines });
    if (!snapshot) {
      this.ended('closed');
      throw this.goneError();
    }
    return snapshotText(snapshot);
  }

  alive(): boolean {
    return this.exit === null;
  }

  async close(options: { kill?: boolean } = {}): Promise<void> {
    this.stopWatching();
    if (options.kill && this.exit === null) {
      await closeSession(await this.host.connection(), this.id);
      this.ended('closed');
    }
  }

  /** The runtime saw a screen-update notification for this session. */
  screenChanged(): void {
    if (!this.watching || this.exit) return;
    if (this.fetching || !this.begun) {
      this.refetch = true;
      return;
    }
    void this.pump();
  }

  /** The session is gone ('closed') or left the directory it was matched by ('moved'). */
  ended(reason: 'closed' | 'moved'): void {
    if (this.exit) return;
    this.exit = { code: null, reason };
    this.exits.emit(this.exit);
    this.stopWatching();
  }

  /** Stops routing without ending anything (the runtime is being disposed). */
  stopWatching(): void {
    if (!this.watching) return;
    this.watching = false;
    this.host.release(this);
  }

  private async pump(): Promise<void> {
    this.fetching = true;
    try {
      do {
        this.refetch = false;
        const snapshot = await getScreen(await this.host.connection(), this.id);
        if (!snapshot) {
          this.ended('closed');
          return;
        }
        const chunk = this.diff.next(snapshot);
        if (chunk && this.watching) this.output.emit(chunk);
      } while (this.refetch && this.watching && !this.exit);
    } catch (error) {
      // While disconnected there is nothing to read; the runtime asks again on reconnect.
      if (!(error instanceof Iterm2Error && error.reason === 'disconnected')) {
        this.host.warn(`could not read the screen of iTerm2 session ${this.id}: ${errorMessage(error)}`);
      }
    } finally {
      this.fetching = false;
    }
  }

  private async send(text: string): Promise<void> {
    if (this.exit) throw this.goneError();
    if (!(await sendText(await this.host.connection(), this.id, text))) {
      this.ended('closed');
      throw this.goneError();
    }
  }

  private goneError(): Iterm2Error {
    const why = this.exit?.reason === 'moved' ? `left ${this.cwd}` : 'is gone (its tab was closed)';
    return new Iterm2Error('request_failed', `iTerm2 session ${this.id} ${why}`);
  }
}
