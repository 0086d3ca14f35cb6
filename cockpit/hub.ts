/**
 * The WebSocket hub: one subscription to the handle, fanned out to every page.
 *
 * Bursts are coalesced: state changes mark the hub dirty, and a flush (at once when the hub
 * has been quiet, else at most one per `intervalMs`) serialises the state ONCE and sends the
 * same bytes to every client. A client whose socket is backed up (`bufferedAmount` over the
 * limit) skips that frame; every snapshot is complete, so it catches up with the next one,
 * and memory per client stays bounded however slow it is.
 */
import type { WebSocket, RawData } from 'ws';
import type { ActorView, ApiState, PushMessage, ZoroHandle } from '../actors/handle.js';
import type { ZoroEvent } from '../lib/events.js';
import type { ClientMessage, ServerMessage } from './protocol.js';
import { ScreenFeed } from './screen-feed.js';

export interface HubOptions {
  handle: ZoroHandle;
  /** Minimum time between two state frames to one client. */
  intervalMs?: number;
  /** A client with more than this many bytes queued gets no new frame until it drains. */
  maxBufferedBytes?: number;
  log?: (line: string) => void;
}

export interface Hub {
  attach(socket: WebSocket): void;
  readonly clientCount: number;
  /** Frames not sent to slow clients since start (for tests and the benchmark). */
  readonly dropped: number;
  close(): void;
}

const MAX_PENDING_EVENTS = 500;
const MAX_SCREENS_PER_CLIENT = 8;

interface Client {
  socket: WebSocket;
  screens: Map<string, ScreenFeed>;
  alive: boolean;
  /** It missed frames while backed up: owed a full snapshot once it drains. */
  stale: boolean;
}

export function createHub(options: HubOptions): Hub {
  const { handle } = options;
  const intervalMs = options.intervalMs ?? 50;
  const maxBuffered = options.maxBufferedBytes ?? 1 << 20;
  const log = options.log ?? (() => {});
  const clients = new Set<Client>();
  let state: ApiState | null = null;
  const changed = new Map<string, ActorView>();
  let events: ZoroEvent[] = [];
  let lastFlush = 0;
  let timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  let dropped = 0;
  let latest: ApiState | null = null;
  let catchUp: NodeJS.Timeout | null = null;

  const unsubscribe = handle.subscribe((message: PushMessage) => {
    if (clients.size === 0) return; // nobody watching: nothing to build
    if (message.type === 'snapshot') {
      state = latest = message.state;
      changed.set(message.actor.id, message.actor);
    } else {
      events.push(message.event);
      // Past this a client reconciles from state.events (the last 50) anyway.
      if (events.length > MAX_PENDING_EVENTS) events = events.slice(-MAX_PENDING_EVENTS);
    }
    schedule();
  });

  function schedule(): void {
    if (timer) return;
    const wait = lastFlush + intervalMs - performance.now();
    timer = wait <= 0 ? setImmediate(flush) : setTimeout(flush, wait);
  }

  function flush(): void {
    timer = null;
    lastFlush = performance.now();
    const frames: Buffer[] = events.map((event) => encode({ type: 'event', event }));
    if (state) frames.push(encode({ type: 'snapshot', state, actors: [...changed.values()] }));
    events = [];
    state = null;
    changed.clear();
    for (const client of clients) sendFrames(client, frames);
  }

  function sendFrames(client: Client, frames: Buffer[]): void {
    if (client.socket.readyState !== client.socket.OPEN) return;
    if (client.socket.bufferedAmount > maxBuffered) {
      dropped += frames.length;
      client.stale = true;
      catchUp ??= setInterval(catchUpStale, 100);
      return;
    }
    if (client.stale) return sendFull(client);
    for (const frame of frames) client.socket.send(frame, { binary: false });
  }

  /** A client that missed frames gets the whole picture again once its socket drains. */
  function sendFull(client: Client): void {
    client.stale = false;
    const state = latest ?? handle.state();
    client.socket.send(encode({ type: 'snapshot', state, actors: handle.actors(), full: true }), { binary: false });
  }

  function catchUpStale(): void {
    let waiting = false;
    for (const client of clients) {
      if (!client.stale) continue;
      if (client.socket.bufferedAmount <= maxBuffered) sendFull(client);
      else waiting = true;
    }
    if (!waiting && catchUp) {
      clearInterval(catchUp);
      catchUp = null;
    }
  }

  function onClientMessage(client: Client, raw: RawData): void {
    const message = parseClientMessage(raw);
    if (!message) return send(client, { type: 'error', message: 'expected {"type":"subscribe"|"unsubscribe","session":"…"}' });
    const existing = client.screens.get(message.session);
    if (message.type === 'unsubscribe') {
      existing?.close();
      client.screens.delete(message.session);
      return;
    }
    if (existing) return existing.resync();
    if (client.screens.size >= MAX_SCREENS_PER_CLIENT) return send(client, { type: 'error', message: `at most ${MAX_SCREENS_PER_CLIENT} terminals at once` });
    const feed = ScreenFeed.open(handle, message.session, client.socket, maxBuffered);
    if (!feed) return send(client, { type: 'error', message: `no session named ${JSON.stringify(message.session)}` });
    client.screens.set(message.session, feed);
  }

  function send(client: Client, message: ServerMessage): void {
    sendFrames(client, [encode(message)]);
  }

  // Dead peers (a laptop lid closed) never send a close frame: ping, and drop the silent.
  const heartbeat = setInterval(() => {
    for (const client of clients) {
      if (!client.alive) {
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }, 30_000);
  heartbeat.unref();

  return {
    attach(socket) {
      const client: Client = { socket, screens: new Map(), alive: true, stale: false };
      clients.add(client);
      socket.on('pong', () => (client.alive = true));
      socket.on('message', (raw) => onClientMessage(client, raw));
      socket.on('error', (error) => log(`cockpit: websocket error: ${error.message}`));
      socket.on('close', () => {
        for (const feed of client.screens.values()) feed.close();
        clients.delete(client);
      });
      // The page starts from a full picture, then follows the pushes.
      send(client, { type: 'snapshot', state: handle.state(), actors: handle.actors(), full: true });
    },
    get clientCount() {
      return clients.size;
    },
    get dropped() {
      return dropped;
    },
    close() {
      unsubscribe();
      clearInterval(heartbeat);
      if (catchUp) clearInterval(catchUp);
      if (timer) {
        clearTimeout(timer as NodeJS.Timeout);
        clearImmediate(timer as NodeJS.Immediate);
      }
      for (const client of clients) client.socket.terminate();
    },
  };
}

function encode(message: ServerMessage): Buffer {
  return Buffer.from(JSON.stringify(message));
}

function parseClientMessage(raw: RawData): ClientMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString());
  } catch {
    return null; // not JSON: answered with an error message by the caller
  }
  const m = value as { type?: unknown; session?: unknown } | null;
  if (!m || (m.type !== 'subscribe' && m.type !== 'unsubscribe')) return null;
  if (typeof m.session !== 'string' || m.session.length === 0 || m.session.length > 200) return null;
  return { type: m.type, session: m.session };
}
