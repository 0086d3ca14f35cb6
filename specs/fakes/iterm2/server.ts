/**
 * A fake iTerm2 API server for specs: a WebSocket on a Unix socket in a temp directory that
 * checks the handshake as iTerm2 does, speaks the real protobuf envelopes, and serves
 * virtual tabs (optionally running real programs in ptys).
 *
 * @example
 *   const fake = await startFakeIterm2({ sessions: [{ cwd: repo, command: [...zoroCommand(), 'sim'] }] });
 *   const runtime = createIterm2Runtime({ socketPath: fake.socketPath, credentials: fake.credentials });
 *   …
 *   await fake.close();
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CredentialSource, Iterm2Credentials } from '../../../adapters/terminals/iterm2/credentials.js';
import { decodeClientMessage, encodeServerMessage, type Notification } from '../../../adapters/terminals/iterm2/protocol.js';
import { checkHandshake, type HandshakeVerdict } from './handshake.js';
import { answer, type FakeState, type Subscriptions } from './requests.js';
import { VirtualSession, type VirtualSessionInit } from './virtual-session.js';

export interface FakeIterm2Options {
  /** Tabs open at start. */
  sessions?: VirtualSessionInit[];
  /** iTerm2's "Allow all apps to connect": no cookie needed. Default false. */
  allowAllApps?: boolean;
}

export interface FakeIterm2 {
  socketPath: string;
  /** A valid single-use cookie, issued at start (as in ITERM2_COOKIE). */
  cookie: string;
  key: string;
  /** Open tabs, in tab order; updated as tabs open and close. */
  readonly sessions: VirtualSession[];
  /** Issues a fresh cookie, as iTerm2's AppleScript `request cookie and key` does. */
  issueCookie(): Iterm2Credentials;
  /** A credential source that asks the fake for a fresh cookie each time. */
  credentials: CredentialSource;
  /** Closes a tab (its program is ended) and announces it. */
  closeTab(id: string): void;
  openTab(cwd: string, command?: string[]): VirtualSession;
  /** iTerm2 restarts: every connection drops, the socket goes away and comes back. */
  restart(options?: { keepSessions?: boolean }): Promise<void>;
  /** Sends raw bytes as one binary frame to every client (property tests). */
  sendRaw(bytes: Uint8Array): void;
  /** Every handshake: its HTTP status and, for refusals, why. */
  readonly handshakes: HandshakeVerdict[];
  readonly stats: { getBuffer: number; sendText: number };
  /** Clients connected right now. */
  connectionCount(): number;
  close(): Promise<void>;
}

interface Client {
  ws: WebSocket;
  subscriptions: Subscriptions;
}

export async function startFakeIterm2(options: FakeIterm2Options = {}): Promise<FakeIterm2> {
  const dir = mkdtempSync(join(tmpdir(), 'zoro-it2-'));
  const socketPath = join(dir, 'socket');
  const validCookies = new Set<string>();
  const clients = new Set<Client>();
  const sessions: VirtualSession[] = [];
  const handshakes: HandshakeVerdict[] = [];
  const stats = { getBuffer: 0, sendText: 0 };
  let tabCounter = 0;
  let server: Server | null = null;

  const issueCookie = (): Iterm2Credentials => {
    const cookie = randomBytes(16).toString('hex');
    validCookies.add(cookie);
    return { cookie, key: randomBytes(8).toString('hex') };
  };

  const notify = (wants: (subscriptions: Subscriptions) => boolean, notification: Notification) => {
    for (const client of clients) {
      if (wants(client.subscriptions)) client.ws.send(encodeServerMessage({ notification }));
    }
  };

  const events = {
    screenChanged: (session: VirtualSession) =>
      notify((s) => s.screen.has('all') || s.screen.has(session.id), { screenUpdateNotification: { session: session.id } }),
    variableChanged: (session: VirtualSession, name: string) =>
      notify((s) => s.variables.has(`${name}@all`) || s.variables.has(`${name}@${session.id}`), {
        variableChangedNotification: { scope: 1, identifier: session.id, name, jsonNewValue: session.variableJson(name) },
      }),
    programExited: (session: VirtualSession) => closeTab(session.id),
  };

  const openTab = (init: VirtualSessionInit): VirtualSession => {
    const session = new VirtualSession(tabCounter++, init, events);
    sessions.push(session);
    notify((s) => s.newSession, { newSessionNotification: { sessionId: session.id } });
    return session;
  };

  const closeTab = (id: string): boolean => {
    const index = sessions.findIndex((session) => session.id === id);
    if (index < 0) return false;
    const [session] = sessions.splice(index, 1);
    session?.kill();
    notify((s) => s.terminateSession, { terminateSessionNotification: { sessionId: id } });
    return true;
  };

  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  wss.on('headers', (headers) => headers.push('X-iTerm2-Protocol-Version: 1.17'));

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const verdict = checkHandshake(request, { consume: (cookie) => validCookies.delete(cookie) }, options.allowAllApps ?? false);
    handshakes.push(verdict);
    if (verdict.status !== 101) {
      const text = { 400: 'Bad Request', 401: 'Unauthorized', 406: 'Not Acceptable' }[verdict.status];
      socket.end(`HTTP/1.1 ${verdict.status} ${text}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(verdict.reason)}\r\n\r\n${verdict.reason}`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const client: Client = { ws, subscriptions: { newSession: false, terminateSession: false, screen: new Set(), variables: new Set() } };
      clients.add(client);
      const state: FakeState = { sessions, subscriptions: client.subscriptions, stats, openTab, closeTab };
      ws.on('message', (data: Buffer) => {
        let reply;
        try {
          reply = answer(decodeClientMessage(new Uint8Array(data)), state);
        } catch (error) {
          // iTerm2 drops a client that sends something it cannot parse.
          ws.terminate();
          return;
        }
        ws.send(encodeServerMessage(reply));
      });
      ws.on('close', () => clients.delete(client));
    });
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const created = createServer((_request, response) => response.writeHead(400).end('websocket only'));
      created.on('upgrade', onUpgrade);
      created.once('error', reject);
      created.listen(socketPath, () => {
        server = created;
        resolve();
      });
    });

  const stop = async () => {
    for (const client of clients) client.ws.terminate();
    clients.clear();
    const current = server;
    server = null;
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
    rmSync(socketPath, { force: true });
  };

  for (const init of options.sessions ?? []) openTab(init);
  await listen();
  const first = issueCookie();

  return {
    socketPath,
    cookie: first.cookie,
    key: first.key,
    sessions,
    issueCookie,
    credentials: async () => issueCookie(),
    closeTab: (id) => void closeTab(id),
    openTab: (cwd, command) => openTab({ cwd, command }),
    async restart({ keepSessions = true } = {}) {
      await stop();
      if (!keepSessions) for (const session of [...sessions]) closeTab(session.id);
      await listen();
    },
    sendRaw: (bytes) => {
      for (const client of clients) client.ws.send(bytes);
    },
    handshakes,
    stats,
    connectionCount: () => clients.size,
    async close() {
      for (const session of [...sessions]) session.kill();
      sessions.length = 0;
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
