/**
 * Shared by the cockpit specs: a cockpit on a free port over the fake handle, and a raw
 * HTTP client that can send any Host and Origin (fetch would not let a spec forge them).
 */
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startCockpit, type Cockpit, type CockpitOptions } from '../../cockpit/server.js';
import type { ServerMessage } from '../../cockpit/protocol.js';
import { FakeHandle, type FakeHandleOptions } from '../fakes/handle.js';

export interface Harness {
  fake: FakeHandle;
  cockpit: Cockpit;
  dataDir: string;
  origin: string;
  close(): Promise<void>;
}

export async function startHarness(fakeOrOptions: FakeHandle | FakeHandleOptions = {}, cockpitOptions: Partial<CockpitOptions> = {}): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'zoro-cockpit-'));
  const fake = fakeOrOptions instanceof FakeHandle ? fakeOrOptions : new FakeHandle(fakeOrOptions);
  const cockpit = await startCockpit({ handle: fake, port: 0, dataDir, version: '0.1.0-test', log: () => {}, ...cockpitOptions });
  return {
    fake,
    cockpit,
    dataDir,
    origin: `http://127.0.0.1:${cockpit.port}`,
    async close() {
      await cockpit.close();
      fake.dispose();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = unknown>(): T;
}

/** An HTTP request with exactly these headers (Host defaults to the cockpit's own). */
export function raw(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A request as an API client makes it: Bearer token, JSON body. */
export function api(h: Harness, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  const json = body === undefined ? undefined : JSON.stringify(body);
  return raw(h.cockpit.port, method, path, { Authorization: `Bearer ${h.cockpit.token}`, ...(json ? { 'Content-Type': 'application/json' } : {}), ...headers }, json);
}

/** A WebSocket client that keeps every message it receives and can wait for one. */
export class WsClient {
  readonly messages: ServerMessage[] = [];
  private waiters: { match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      this.messages.push(message);
      this.waiters = this.waiters.filter((w) => (w.match(message) ? (w.resolve(message), false) : true));
    });
  }

  static connect(url: string, headers: Record<string, string>): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      const client = new WsClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  /** Resolves with the first message (already received or future) that matches. */
  next<T extends ServerMessage>(match: (m: ServerMessage) => m is T, timeoutMs?: number): Promise<T>;
  next(match: (m: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>;
  next(match: (m: ServerMessage) => boolean, timeoutMs = 5000): Promise<ServerMessage> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a WebSocket message')), timeoutMs);
      this.waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  close(): void {
    this.socket.close();
  }
}

/** Opens `/ws` as the page does: same Origin, the token in `?token=` (or a cookie). */
export function connectWs(h: Harness, headers: Record<string, string> = { Origin: h.origin }, query = `?token=${h.cockpit.token}`): Promise<WsClient> {
  return WsClient.connect(`ws://127.0.0.1:${h.cockpit.port}/ws${query}`, headers);
}
