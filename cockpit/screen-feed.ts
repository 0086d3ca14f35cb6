/**
 * One page's live view of one session's terminal: first the rolling buffer, then raw chunks
 * as they arrive, gathered for a frame (~16 ms) so a chatty agent costs one message per frame.
 * When the page cannot keep up, the backlog is bounded: past it the chunks are dropped and
 * the page gets a fresh copy of the buffer instead (`reset`), which is what a terminal needs
 * to be correct again.
 */
import type { WebSocket } from 'ws';
import type { ZoroHandle } from '../actors/handle.js';
import type { ServerMessage } from './protocol.js';

const FRAME_MS = 16;
const RETRY_MS = 100;
const MAX_BACKLOG_CHARS = 256 * 1024;

export class ScreenFeed {
  private pending = '';
  private needsReset = false;
  private timer: NodeJS.Timeout | null = null;
  private off: () => void = () => {};

  private constructor(
    private readonly handle: ZoroHandle,
    private readonly session: string,
    private readonly socket: WebSocket,
    private readonly maxBuffered: number,
  ) {}

  /** Starts the feed with the session's current buffer; null for an unknown session. */
  static open(handle: ZoroHandle, session: string, socket: WebSocket, maxBuffered: number): ScreenFeed | null {
    const lines = handle.screen(session);
    if (lines === null) return null;
    const feed = new ScreenFeed(handle, session, socket, maxBuffered);
    const off = handle.onScreen(session, (chunk) => feed.push(chunk));
    if (!off) return null;
    feed.off = off;
    feed.send({ type: 'screen', session, data: bufferText(lines), reset: true });
    return feed;
  }

  /** The page asked again (it reopened the terminal): send the whole buffer. */
  resync(): void {
    this.needsReset = true;
    this.pending = '';
    this.schedule(0);
  }

  close(): void {
    this.off();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private push(chunk: string): void {
    if (!this.needsReset) {
      this.pending += chunk;
      if (this.pending.length > MAX_BACKLOG_CHARS) {
        this.pending = '';
        this.needsReset = true;
      }
    }
    this.schedule(FRAME_MS);
  }

  private schedule(delay: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), delay);
  }

  private flush(): void {
    this.timer = null;
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > this.maxBuffered) return this.schedule(RETRY_MS);
    if (this.needsReset) {
      this.needsReset = false;
      const lines = this.handle.screen(this.session);
      if (lines !== null) this.send({ type: 'screen', session: this.session, data: bufferText(lines), reset: true });
    } else if (this.pending) {
      this.send({ type: 'screen', session: this.session, data: this.pending, reset: false });
    }
    this.pending = '';
  }

  private send(message: ServerMessage): void {
    this.socket.send(JSON.stringify(message));
  }
}

function bufferText(lines: string[]): string {
  return lines.length ? `${lines.join('\r\n')}\r\n` : '';
}
