/**
 * The client side of zoro's control socket: an HTTP server on the Unix socket
 * `<data_dir>/zoro.sock` (mode 0600) that the running zoro serves, so that hooks and the
 * `zoro status / pause / done` commands can talk to it.
 *
 *   await controlRequest(dataDir, 'POST', '/hook', { event: 'Stop', … }, { timeoutMs: 1500 });
 *   // → { ok: true }, or throws ControlError (kind 'not_running' when no zoro listens)
 */
import { request } from 'node:http';
import { join } from 'node:path';
import { ZoroError } from './errors.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type ControlErrorKind =
  /** No socket file, or nothing listening on it. */
  | 'not_running'
  /** No complete answer within the time limit. */
  | 'timeout'
  /** The server answered with a non-2xx status. */
  | 'http'
  /** The answer was not JSON. */
  | 'bad_response'
  /** Anything else the socket reported (permission denied…). */
  | 'io';

/** A control-socket call that did not give an answer. `kind` says why. */
export class ControlError extends ZoroError {
  override name = 'ControlError';
  constructor(
    readonly kind: ControlErrorKind,
    message: string,
    readonly status: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function controlSocketPath(dataDir: string): string {
  return join(dataDir, 'zoro.sock');
}

export interface ControlRequestOptions {
  /** Whole-call limit (connect + answer). Default 5000 ms. */
  timeoutMs?: number;
}

/** The longest answer accepted; the control API sends small JSON documents. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** One request to the running zoro; resolves with the parsed JSON answer. */
export function controlRequest(dataDir: string, method: string, path: string, body?: unknown, options: ControlRequestOptions = {}): Promise<Json> {
  const socketPath = controlSocketPath(dataDir);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
  const what = `${method} ${path} on ${socketPath}`;

  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: ControlError | null, value?: Json) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        req.destroy();
        reject(error);
      } else {
        resolve(value ?? null);
      }
    };
    const timer = setTimeout(() => finish(new ControlError('timeout', `zoro did not answer ${what} within ${timeoutMs} ms`)), timeoutMs);

    const req = request(
      {
        socketPath,
        method,
        path,
        headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) finish(new ControlError('bad_response', `zoro's answer to ${what} is over ${MAX_RESPONSE_BYTES} bytes`));
          else chunks.push(chunk);
        });
        res.on('error', (error) => finish(new ControlError('io', `reading zoro's answer to ${what}: ${error.message}`, null, { cause: error })));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let value: Json;
          try {
            value = text === '' ? null : (JSON.parse(text) as Json);
          } catch (error) {
            return finish(new ControlError('bad_response', `zoro answered ${what} with something that is not JSON`, res.statusCode ?? null, { cause: error }));
          }
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) {
            const detail = typeof value === 'object' && value !== null && !Array.isArray(value) && typeof value.error === 'string' ? `: ${value.error}` : '';
            return finish(new ControlError('http', `zoro refused ${what} (HTTP ${status})${detail}`, status));
          }
          finish(null, value);
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') {
        finish(new ControlError('not_running', `zoro is not running (nothing listens on ${socketPath})`, null, { cause: error }));
      } else {
        finish(new ControlError('io', `cannot reach zoro at ${socketPath}: ${error.message}`, null, { cause: error }));
      }
    });
    if (payload) req.write(payload);
    req.end();
  });
}
