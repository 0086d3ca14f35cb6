/**
 * A live connection to iTerm2: requests matched to responses by id, notifications handed to
 * listeners, and reconnection with backoff when iTerm2 quits or restarts. Frames that do not
 * decode drop the connection with a clear error (then it reconnects) instead of throwing
 * into the socket's event handler.
 */
import type WebSocket from 'ws';
import { errorMessage } from '../../../lib/errors.js';
import { systemClock, type Clock } from './clock.js';
import { Iterm2Error } from './errors.js';
import { connectAuthorized, type HandshakeOptions } from './handshake.js';
import {
  decodeServerMessage,
  encodeClientMessage,
  type Iterm2Request,
  type Notification,
  type ServerMessage,
} from './protocol.js';

export interface Iterm2ConnectionOptions extends HandshakeOptions {
  clock?: Clock;
  /** How long a request may wait for its answer. Default 15 s. */
  requestTimeoutMs?: number;
  /** Backoff between reconnection attempts (doubling). false: stay down after a drop. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number } | false;
}

export type ConnectionEvent =
  | { type: 'disconnected'; error: Iterm2Error }
  | { type: 'reconnected'; protocolVersion: string | null }
  | { type: 'reconnect_failed'; error: Iterm2Error; attempt: number; retryInMs: number }
  | { type: 'listener_failed'; error: unknown };

interface Pending {
  kind: string;
  resolve: (message: ServerMessage) => void;
  reject: (error: Iterm2Error) => void;
  timer: unknown;
}

export class Iterm2Connection {
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly notificationListeners = new Set<(notification: Notification) => void>();
  private readonly eventListeners = new Set<(event: ConnectionEvent) => void>();
  private closed = false;
  private downSince: Iterm2Error | null = null;
  private reconnectTimer: unknown = null;
  private readonly clock: Clock;
  protocolVersion: string | null = null;

  private constructor(private readonly options: Iterm2ConnectionOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Connects (asking for credentials) or throws the Iterm2Error that names the fix. */
  static async open(options: Iterm2ConnectionOptions): Promise<Iterm2Connection> {
    const connection = new Iterm2Connection(options);
    const opened = await connectAuthorized(options);
    connection.adopt(opened.ws, opened.protocolVersion);
    return connection;
  }

  get connected(): boolean {
    return this.ws !== null;
  }

  /** Sends one request and resolves with iTerm2's answer (an `error` answer rejects). */
  request(request: Iterm2Request): Promise<ServerMessage> {
    const kind = Object.keys(request)[0] ?? 'request';
    const ws = this.ws;
    if (!ws) {
      const why = this.closed ? 'the connection was closed' : `reconnecting after: ${this.downSince?.message ?? 'a drop'}`;
      return Promise.reject(new Iterm2Error('disconnected', `not connected to iTerm2 (${why})`));
    }
    const id = this.nextId++;
    return new Promise<ServerMessage>((resolve, reject) => {
      const timeoutMs = this.options.requestTimeoutMs ?? 15_000;
      const timer = this.clock.setTimeout(() => {
        this.pending.delete(id);
        reject(new Iterm2Error('timeout', `iTerm2 did not answer ${kind} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { kind, resolve, reject, timer });
      ws.send(encodeClientMessage({ id, ...request }), (error) => {
        if (error) this.settle(id, new Iterm2Error('disconnected', `could not send ${kind} to iTerm2: ${errorMessage(error)}`));
      });
    });
  }

  /** Every server message that answers no request. Returns unsubscribe. */
  onNotification(listener: (notification: Notification) => void): () => void {
    this.notificationListeners.add(listener);
    return () => this.notificationListeners.delete(listener);
  }

  /** Drops, reconnections and failures of listeners. Returns unsubscribe. */
  onEvent(listener: (event: ConnectionEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Closes for good: no reconnection; pending requests fail. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer !== null) this.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const ws = this.ws;
    this.ws = null;
    this.failPending(new Iterm2Error('disconnected', 'the connection to iTerm2 was closed'));
    if (!ws) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close();
      // A peer that never answers the close frame must not hold zoro's shutdown.
      const timer = setTimeout(() => ws.terminate(), 1_000);
      timer.unref();
    });
  }

  private adopt(ws: WebSocket, protocolVersion: string | null): void {
    this.ws = ws;
    this.protocolVersion = protocolVersion;
    this.downSince = null;
    let dropError: Iterm2Error | null = null;
    ws.on('message', (data, isBinary) => {
      if (this.ws !== ws) return;
      const bytes = toBytes(data);
      let message: ServerMessage;
      try {
        if (!isBinary) throw new Iterm2Error('protocol', 'iTerm2 sent a text frame; the API speaks binary protobuf frames only');
        message = decodeServerMessage(bytes);
      } catch (error) {
        // TerminalError prefixes "iterm2: "; the new error adds it again.
        const detail = errorMessage(error).replace(/^iterm2: /, '');
        dropError = new Iterm2Error('protocol', `${detail}; dropping the connection`, { cause: error });
        ws.terminate();
        return;
      }
      this.dispatch(message);
    });
    ws.on('error', (error) => {
      dropError ??= new Iterm2Error('disconnected', `the connection to iTerm2 failed: ${errorMessage(error)}`, { cause: error });
    });
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      const error = dropError ?? new Iterm2Error('disconnected', 'iTerm2 closed the API connection (it quit or restarted)');
      this.downSince = error;
      this.failPending(error);
      if (this.closed) return;
      this.emit({ type: 'disconnected', error });
      this.scheduleReconnect(0);
    });
  }

  private dispatch(message: ServerMessage): void {
    if (message.id !== undefined && this.pending.has(message.id)) {
      if (message.error !== undefined) {
        const kind = this.pending.get(message.id)?.kind ?? 'request';
        this.settle(message.id, new Iterm2Error('request_failed', `iTerm2 refused ${kind}: ${message.error}`));
      } else {
        this.settle(message.id, message);
      }
      return;
    }
    // Anything that answers no request goes to the notification listeners; a message
    // without a notification (or answering a request that already timed out) carries nothing.
    if (!message.notification) return;
    for (const listener of this.notificationListeners) {
      try {
        listener(message.notification);
      } catch (error) {
        this.emit({ type: 'listener_failed', error });
      }
    }
  }

  private settle(id: number, outcome: ServerMessage | Iterm2Error): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    this.clock.clearTimeout(entry.timer);
    if (outcome instanceof Iterm2Error) entry.reject(outcome);
    else entry.resolve(outcome);
  }

  private failPending(error: Iterm2Error): void {
    for (const id of [...this.pending.keys()]) this.settle(id, error);
  }

  private backoff(attempt: number): number {
    const settings = this.options.reconnect || {};
    return Math.min((settings.initialDelayMs ?? 250) * 2 ** attempt, settings.maxDelayMs ?? 10_000);
  }

  private scheduleReconnect(attempt: number): void {
    if (this.closed || this.options.reconnect === false) return;
    this.reconnectTimer = this.clock.setTimeout(() => {
      this.reconnectTimer = null;
      void this.reconnect(attempt);
    }, this.backoff(attempt));
  }

  private async reconnect(attempt: number): Promise<void> {
    try {
      const opened = await connectAuthorized(this.options);
      if (this.closed) {
        opened.ws.terminate();
        return;
      }
      this.adopt(opened.ws, opened.protocolVersion);
      this.emit({ type: 'reconnected', protocolVersion: opened.protocolVersion });
    } catch (error) {
      if (this.closed) return;
      const failure = error instanceof Iterm2Error ? error : new Iterm2Error('disconnected', errorMessage(error), { cause: error });
      this.downSince = failure;
      this.emit({ type: 'reconnect_failed', error: failure, attempt: attempt + 1, retryInMs: this.backoff(attempt + 1) });
      this.scheduleReconnect(attempt + 1);
    }
  }

  private emit(event: ConnectionEvent): void {
    for (const listener of this.eventListeners) {
      try {
        listener(event);
      } catch (error) {
        // A broken event listener must not stop the connection; nothing else to tell.
        if (event.type !== 'listener_failed') this.emit({ type: 'listener_failed', error });
      }
    }
  }
}

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
