/**
 * The page's one WebSocket: snapshots and events into the store, terminal output to whoever
 * opened a terminal. Reconnects with backoff; the server starts every connection with a
 * full snapshot, so nothing is lost but intermediate frames.
 */
import type { ClientMessage, ServerMessage } from '../protocol.js';
import type { Store } from './store.js';

type ScreenListener = (data: string, reset: boolean) => void;

export class Live {
  private socket: WebSocket | null = null;
  private retryMs = 500;
  private readonly screens = new Map<string, ScreenListener>();
  private closed = false;

  constructor(private readonly store: Store) {}

  connect(): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/ws`);
    this.socket = socket;
    this.store.setConnection('connecting');
    socket.onopen = () => {
      this.retryMs = 500;
      this.store.setConnection('live');
      for (const session of this.screens.keys()) this.send({ type: 'subscribe', session });
    };
    socket.onmessage = (event) => this.receive(JSON.parse(String(event.data)) as ServerMessage);
    socket.onclose = () => {
      this.socket = null;
      if (this.closed) return;
      this.store.setConnection('offline');
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
    };
  }

  /** Follows a session's terminal until the returned function is called. */
  watchScreen(session: string, listener: ScreenListener): () => void {
    this.screens.set(session, listener);
    this.send({ type: 'subscribe', session });
    return () => {
      this.screens.delete(session);
      this.send({ type: 'unsubscribe', session });
    };
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
  }

  private send(message: ClientMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private receive(message: ServerMessage): void {
    switch (message.type) {
      case 'snapshot':
        this.store.applySnapshot(message.state, message.actors, message.full === true);
        break;
      case 'event':
        this.store.addEvents([message.event]);
        break;
      case 'screen':
        this.screens.get(message.session)?.(message.data, message.reset);
        break;
      case 'error':
        console.warn(`cockpit: ${message.message}`);
        break;
    }
  }
}
