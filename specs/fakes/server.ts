/**
 * The shared core of the tracker fakes: a real HTTP server on 127.0.0.1 (a port it picks)
 * that records every request (method, path, query, headers, body) and the reply it gave,
 * and can be told to answer the next few matching requests with a fault instead (401,
 * 429 with Retry-After, a malformed body…).
 *
 *   const server = await startFakeServer((request) => ({ status: 200, body: { ok: true } }));
 *   server.inject({ status: 429, headers: { 'retry-after': '2' }, body: {…} }, { times: 1 });
 */
import { createServer, type IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { projectRoot } from '../../lib/self.js';

export interface Recorded {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Parsed JSON, or the raw text when the body was not JSON; undefined when empty. */
  body: unknown;
  /** What the fake answered. */
  response?: { status: number; body: unknown };
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is, instead of `body` (for malformed payloads). */
  raw?: string;
}

export interface InjectOptions {
  /** How many matching requests get the fault. @default 1 */
  times?: number;
  match?: (request: Recorded) => boolean;
}

export interface FakeServer {
  url: string;
  requests: Recorded[];
  /** Answer the next `times` requests that `match` with `reply` instead of the normal answer. */
  inject(reply: Reply, options?: InjectOptions): void;
  close(): Promise<void>;
}

export type Handler = (request: Recorded) => Reply | Promise<Reply>;

export async function startFakeServer(handle: Handler): Promise<FakeServer> {
  const requests: Recorded[] = [];
  const faults: { reply: Reply; times: number; match: (request: Recorded) => boolean }[] = [];

  const server = createServer((req, res) => {
    void readBody(req).then(async (text) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const recorded: Recorded = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')])),
        body: parseBody(text),
      };
      requests.push(recorded);
      const fault = faults.find((f) => f.times > 0 && f.match(recorded));
      let reply: Reply;
      if (fault) {
        fault.times -= 1;
        reply = fault.reply;
      } else {
        try {
          reply = await handle(recorded);
        } catch (error) {
          reply = { status: 500, body: { message: `fake server failure: ${String(error)}` } };
        }
      }
      const payload = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
      recorded.response = { status: reply.status, body: reply.raw ?? reply.body };
      const headers: Record<string, string> = { ...(reply.headers ?? {}) };
      if (payload !== '' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json; charset=utf-8';
      }
      res.writeHead(reply.status, headers);
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo; // listening on TCP, so an AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    inject(reply, options = {}) {
      faults.push({ reply, times: options.times ?? 1, match: options.match ?? (() => true) });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text; // recorded raw: the spec decides whether that was wrong
  }
}

/** A fresh copy of `specs/fakes/fixtures/<tracker>/<name>.json`, typed by the caller's fixture interface. */
export function fixture<T>(tracker: string, name: string): T {
  return JSON.parse(readFileSync(join(projectRoot, 'specs/fakes/fixtures', tracker, `${name}.json`), 'utf8')) as T; // test data we wrote ourselves
}

/** The `Recorded`s of one method and path. */
export function requestsTo(requests: Recorded[], method: string, path: string): Recorded[] {
  return requests.filter((r) => r.method === method && r.path === path);
}
