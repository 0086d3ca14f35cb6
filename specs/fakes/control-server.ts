/**
 * A tiny stand-in for the running zoro's control socket (`<data_dir>/zoro.sock`), for specs
 * of the things that call it: `zoro hook`, and later `zoro status / pause / done`. It records
 * every request and answers `POST /hook` with `{"ok":true}`.
 *
 *   const control = await startControlServer(dataDir);
 *   const stop = await control.waitForHook((h) => h.event === 'Stop');
 *   await control.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { chmod, unlink } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { controlSocketPath, type Json } from '../../lib/control-client.js';

export interface ControlCall {
  method: string;
  path: string;
  body: Json;
}

export interface ReceivedHook {
  event: string;
  session: string | null;
  cwd: string;
  payload: Json;
}

export interface ControlServerOptions {
  /** Hold every answer this long (to test the client's timeout). */
  delayMs?: number;
  /** Answer a call itself (any route, `/hook` included); null leaves it to the default (`/hook` → ok, others 404). */
  route?: (call: ControlCall) => { status: number; body: Json } | null;
}

export interface TestControlServer {
  socketPath: string;
  calls: ControlCall[];
  hooks: ReceivedHook[];
  waitForHook(match: (hook: ReceivedHook) => boolean, timeoutMs?: number): Promise<ReceivedHook>;
  close(): Promise<void>;
}

export async function startControlServer(dataDir: string, options: ControlServerOptions = {}): Promise<TestControlServer> {
  const socketPath = controlSocketPath(dataDir);
  const calls: ControlCall[] = [];
  const hooks: ReceivedHook[] = [];
  const waiters = new Set<{ match: (hook: ReceivedHook) => boolean; resolve: (hook: ReceivedHook) => void }>();
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    let body: Json = null;
    try {
      body = text ? (JSON.parse(text) as Json) : null;
    } catch (error) {
      return send(res, 400, { error: `body is not JSON: ${(error as Error).message}` });
    }
    const call = { method: req.method ?? 'GET', path: req.url ?? '/', body };
    calls.push(call);
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    const routed = options.route?.(call);
    if (routed) return send(res, routed.status, routed.body);
    if (call.method === 'POST' && call.path === '/hook') {
      const hook = asHook(body);
      if (!hook) return send(res, 400, { error: 'expected {"event","session","cwd","payload"}' });
      hooks.push(hook);
      for (const waiter of waiters) {
        if (waiter.match(hook)) {
          waiters.delete(waiter);
          waiter.resolve(hook);
        }
      }
      return send(res, 200, { ok: true });
    }
    send(res, 404, { error: `no route ${call.method} ${call.path}` });
  }

  await unlink(socketPath).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  await chmod(socketPath, 0o600);

  return {
    socketPath,
    calls,
    hooks,
    waitForHook(match, timeoutMs = 10_000) {
      const seen = hooks.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          resolve: (hook: ReceivedHook) => {
            clearTimeout(timer);
            resolve(hook);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seenEvents = hooks.map((h) => h.event).join(', ') || 'none';
          reject(new Error(`control server: no matching hook within ${timeoutMs} ms (received: ${seenEvents})`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, body: Json) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function asHook(body: Json): ReceivedHook | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const { event, session, cwd, payload } = body;
  if (typeof event !== 'string' || typeof cwd !== 'string' || (session !== null && typeof session !== 'string')) return null;
  return { event, session, cwd, payload: payload ?? null };
}
