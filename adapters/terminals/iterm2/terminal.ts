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
import { sanitizeText } from '../../../lib/sanitize.js';
import { keyBytes, PASTE_END, PASTE_START } from '../keys.js';
import { Listeners } from '../listeners.js';
import { ScreenDiff, snapshotText, type ScreenSnapshot } from './screen-diff.js';

/** Rows fetched at most to fill a gap between two screens (zoro's rolling buffer is 500 lines). */
const MAX_GAP_ROWS = 1_000;

/** The last row that is finished: the cursor's row is still being written. */
function lastRowOf(snapshot: ScreenSnapshot): number {
  const last = snapshot.firstRow + snapshot.rows.length - 1;
  return snapshot.cursor ? Math.min(last, snapshot.cursor.row - 1) : last;
}

export interface TerminalHost {
  /** The live connection, or a rejection saying why there is none. */
  connection(): Promise<Iterm2Connection>;
  /** The terminal stopped watching; the runtime forgets it. */
  release(terminal: Iterm2Terminal): void;
  warn(message: string): void;
}

export class Iterm2Terminal implements Terminal {
  readonly runtime = 'iterm2';
  private readonly output = new Listeners<string>();
  private readonly exits = new Listeners<TerminalExit>();
  private readonly diff = new ScreenDiff();
  private fetching = false;
  private refetch = false;
  private watching = true;
  /** False until the baseline screen is read; updates before that only mark a refetch. */
  private begun = false;
  private exit: TerminalExit | null = null;
  /** The lowest finished row read so far; rows that scroll past it unseen are fetched. */
  private bottomRow: number | null = null;

  constructor(
    /** The iTerm2 session's unique identifier. */
    readonly id: string,
    /** The directory the session was matched by (resolved), or started in. */
    readonly cwd: string,
    private readonly host: TerminalHost,
  ) {}

  /** Reads the current screen as the baseline: what is already there is not output. */
  async begin(): Promise<void> {
    const snapshot = await getScreen(await this.host.connection(), this.id);
    if (!snapshot) throw this.goneError();
    this.diff.baseline(snapshot);
    this.bottomRow = lastRowOf(snapshot);
    this.begun = true;
    if (this.refetch) {
      this.refetch = false;
      this.screenChanged();
    }
  }

  /**
   * Always a bracketed paste: iTerm2 cannot tell zoro whether the program turned the mode
   * on, and the agents zoro drives do. The text is sanitised (no escape sequences, no
   * control bytes but \n and \t), so it cannot end the paste early.
   */
  paste(text: string): Promise<void> {
    return this.send(`${PASTE_START}${sanitizeText(text)}${PASTE_END}`);
  }

  type(text: string): Promise<void> {
    return this.send(sanitizeText(text));
  }

  press(key: Key): Promise<void> {
    return this.send(keyBytes(key));
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
        const snapshot = await this.readNewRows();
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

  /**
   * The screen, preceded by any rows that scrolled off it since the last read (output that
   * outran the fetches), so no line is lost between two screens. At most MAX_GAP_ROWS.
   */
  private async readNewRows(): Promise<ScreenSnapshot | null> {
    const connection = await this.host.connection();
    const snapshot = await getScreen(connection, this.id);
    if (!snapshot) return null;
    const from = Math.max((this.bottomRow ?? snapshot.firstRow) + 1, snapshot.firstRow - MAX_GAP_ROWS);
    this.bottomRow = Math.max(this.bottomRow ?? 0, lastRowOf(snapshot));
    if (from >= snapshot.firstRow) return snapshot;
    const gap = await getScreen(connection, this.id, { rows: { from, to: snapshot.firstRow } });
    if (!gap) return null;
    // Rows iTerm2 no longer has (dropped from scrollback) shift the gap's start.
    return { ...snapshot, firstRow: snapshot.firstRow - gap.rows.length, rows: [...gap.rows, ...snapshot.rows] };
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
