/**
 * How fast does the cockpit get a change to its pages? With 100 sessions (the fake handle,
 * real XState actors, ~300 tickets) and 20 WebSocket clients connected:
 * - push: time from an actor's state change to EVERY client having parsed a snapshot that
 *   shows it (changes spaced out, as real ones are), against a bare `ws` server
 *   broadcasting the same payload in the same run;
 * - burst: 100 changes at once, time until every client is current and how many state
 *   messages each received (coalescing);
 * - `/api/state` latency over keep-alive HTTP, against a bare Koa endpoint returning the
 *   same JSON as a constant.
 * Clients run in the same process, so the figures include their JSON parsing: an upper bound.
 *
 *   npm run bench -- cockpit      or      npx tsx bench/cockpit.ts
 */
import { Agent, request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import WebSocket, { WebSocketServer } from 'ws';
import type { ApiState } from '../actors/handle.js';
import type { ServerMessage } from '../cockpit/protocol.js';
import { startCockpit } from '../cockpit/server.js';
import { FakeHandle } from '../specs/fakes/handle.js';

const SESSIONS = 100;
const CLIENTS = 20;
const CHANGES = 150;
const GAP_MS = 60; // more than the 50 ms coalescing window: each change is pushed on its own
const REQUESTS = 500;

export interface Percentiles {
  p50_ms: number;
  p99_ms: number;
}

export interface CockpitBenchResult {
  sessions: number;
  tickets: number;
  clients: number;
  state_bytes: number;
  push: { changes: number; cockpit: Percentiles; baseline_bare_ws: Percentiles };
  burst: { changes: number; cockpit_ms_until_every_client_current: number; state_messages_per_client: number };
  api_state: { requests: number; cockpit: Percentiles; baseline_bare_koa_constant: Percentiles };
}

function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50_ms: round(at(0.5)), p99_ms: round(at(0.99)) };
}

const round = (n: number) => Math.round(n * 100) / 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Clients that resolve a promise once each has seen a snapshot satisfying `want`. */
class Watchers {
  private want: ((state: ApiState) => boolean) | null = null;
  private pending = new Set<number>();
  private done: (() => void) | null = null;
  stateMessages = 0;

  constructor(readonly sockets: WebSocket[]) {
    sockets.forEach((socket, i) =>
      socket.on('message', (data) => {
        const message = JSON.parse(data.toString()) as ServerMessage;
        if (message.type !== 'snapshot') return;
        this.stateMessages++;
        if (this.want && this.pending.has(i) && this.want(message.state)) {
          this.pending.delete(i);
          if (this.pending.size === 0) this.done?.();
        }
      }),
    );
  }

  /** Runs `change` and resolves with the ms until every client saw `want` hold. */
  time(want: (state: ApiState) => boolean, change: () => void): Promise<number> {
    return new Promise((resolve) => {
      this.want = want;
      this.pending = new Set(this.sockets.map((_, i) => i));
      const t0 = performance.now();
      this.done = () => {
        this.want = null;
        resolve(performance.now() - t0);
      };
      change();
    });
  }

  close(): void {
    for (const socket of this.sockets) socket.close();
  }
}

function connect(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers, perMessageDeflate: false });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function get(port: number, path: string, agent: Agent, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request({ host: '127.0.0.1', port, path, agent, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`GET ${path}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

async function timeRequests(port: number, path: string, headers: Record<string, string>): Promise<Percentiles> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const samples: number[] = [];
  for (let i = 0; i < 20; i++) await get(port, path, agent, headers); // warm up
  for (let i = 0; i < REQUESTS; i++) samples.push(await get(port, path, agent, headers));
  agent.destroy();
  return percentiles(samples);
}

/** Pause/resume one session per change, cycling through all of them. */
function toggle(fake: FakeHandle, i: number): { want: (s: ApiState) => boolean; change: () => void } {
  const name = `s${String(i % SESSIONS).padStart(3, '0')}`;
  const pausing = fake.state().sessions.find((s) => s.name === name)!.state !== 'PAUSED';
  return {
    want: (state) => state.sessions.find((s) => s.name === name)?.state === (pausing ? 'PAUSED' : 'IDLE'),
    change: () => (pausing ? fake.pause(name) : fake.resume(name)),
  };
}

export async function benchCockpit(): Promise<CockpitBenchResult> {
  const fake = new FakeHandle({ sessions: Array.from({ length: SESSIONS }, (_, i) => `s${String(i).padStart(3, '0')}`) });
  for (let i = 0; i < SESSIONS * 3; i++) fake.createTicket(`Ticket ${i}: do the thing described in the plan`, `s${String(i % SESSIONS).padStart(3, '0')}`);
  const dataDir = await mkdtemp(join(tmpdir(), 'zoro-bench-cockpit-'));
  const cockpit = await startCockpit({ handle: fake, port: 0, dataDir, version: 'bench', log: () => {} });
  const origin = `http://127.0.0.1:${cockpit.port}`;
  const stateBytes = Buffer.byteLength(JSON.stringify(fake.state()));

  // The cockpit: 20 pages on /ws.
  const pages = new Watchers(await Promise.all(Array.from({ length: CLIENTS }, () => connect(`ws://127.0.0.1:${cockpit.port}/ws?token=${cockpit.token}`, { Origin: origin }))));
  await sleep(200);
  const pushed: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const { want, change } = toggle(fake, i);
    pushed.push(await pages.time(want, change));
    await sleep(GAP_MS);
  }

  // A burst: every session changes in the same tick.
  const before = pages.stateMessages;
  const burstMs = await pages.time(
    (state) => state.sessions.every((s) => s.state === 'PAUSED'),
    () => {
      for (const s of fake.state().sessions) if (s.state !== 'PAUSED') fake.pause(s.name);
    },
  );
  await sleep(100);
  const burstMessages = (pages.stateMessages - before) / CLIENTS;
  pages.close();

  // Baseline: a bare ws server sending the same payload to 20 clients, no hub.
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise((resolve) => wss.once('listening', resolve));
  const bare = new Watchers(await Promise.all(Array.from({ length: CLIENTS }, () => connect(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`))));
  const unsubscribe = fake.subscribe((message) => {
    if (message.type !== 'snapshot') return;
    const payload = JSON.stringify({ type: 'snapshot', state: message.state, actors: [message.actor] });
    for (const client of wss.clients) client.send(payload);
  });
  const baseline: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const { want, change } = toggle(fake, i);
    baseline.push(await bare.time(want, change));
    await sleep(GAP_MS);
  }
  unsubscribe();
  bare.close();
  await new Promise((resolve) => wss.close(resolve));

  // GET /api/state against a bare Koa endpoint returning the same JSON as a constant.
  const apiState = await timeRequests(cockpit.port, '/api/state', { Authorization: `Bearer ${cockpit.token}` });
  const constant = JSON.stringify(fake.state());
  const koa = new Koa();
  koa.use((ctx) => {
    ctx.type = 'application/json';
    ctx.body = constant;
  });
  const koaServer = koa.listen(0, '127.0.0.1');
  await new Promise((resolve) => koaServer.once('listening', resolve));
  const koaConstant = await timeRequests((koaServer.address() as AddressInfo).port, '/', {});
  await new Promise((resolve) => koaServer.close(resolve));

  await cockpit.close();
  fake.dispose();
  await rm(dataDir, { recursive: true, force: true });
  return {
    sessions: SESSIONS,
    tickets: SESSIONS * 3,
    clients: CLIENTS,
    state_bytes: stateBytes,
    push: { changes: CHANGES, cockpit: percentiles(pushed), baseline_bare_ws: percentiles(baseline) },
    burst: { changes: SESSIONS, cockpit_ms_until_every_client_current: round(burstMs), state_messages_per_client: round(burstMessages) },
    api_state: { requests: REQUESTS, cockpit: apiState, baseline_bare_koa_constant: koaConstant },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchCockpit(), null, 2));
}
