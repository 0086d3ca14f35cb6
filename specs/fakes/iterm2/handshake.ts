/**
 * The fake iTerm2's upgrade check, the same checks in the same order as iTerm2's own
 * WebSocket server: GET, the exact subprotocol, the required headers, an origin on
 * localhost, a loopback host, the library version, then authorization (a single-use cookie,
 * or "Allow all apps to connect"). The fake never shows the "Allow Python API usage?"
 * dialog: a client that would get it is refused with 401.
 */
import type { IncomingMessage } from 'node:http';

export type HandshakeVerdict = { status: 101; authorizedBy: 'cookie' | 'allow-all' } | { status: 400 | 401 | 406; reason: string };

export interface CookieJar {
  /** True (and the cookie is used up) when the cookie was issued and not used yet. */
  consume(cookie: string): boolean;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function checkHandshake(request: IncomingMessage, cookies: CookieJar, allowAllApps: boolean): HandshakeVerdict {
  const headers = request.headers;
  const header = (name: string): string => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(', ') : (value ?? '');
  };
  if (request.method !== 'GET') return { status: 400, reason: `HTTP method ${request.method} not accepted (must be GET)` };
  if (!request.url) return { status: 400, reason: 'empty path' };
  const required: Record<string, string> = { upgrade: 'websocket', connection: 'upgrade', 'sec-websocket-protocol': 'api.iterm2.com' };
  for (const [name, value] of Object.entries(required)) {
    if (header(name).toLowerCase() !== value) return { status: 400, reason: `Header ${name} has value <${header(name)}> but I require <${value}>` };
  }
  for (const name of ['sec-websocket-key', 'sec-websocket-version', 'host', 'origin']) {
    if (header(name) === '') return { status: 400, reason: `Empty or missing value for required header ${name}` };
  }
  let originHost = '';
  try {
    originHost = new URL(header('origin')).hostname;
  } catch (error) {
    return { status: 400, reason: `Origin is not a URL: ${String(error)}` };
  }
  if (originHost !== 'localhost') return { status: 400, reason: `Origin's host is not localhost: ${originHost}` };
  const host = header('host').replace(/:\d+$/, '');
  if (!LOOPBACK.has(host)) return { status: 400, reason: `Host header is ${host}, but must be localhost, 127.0.0.1, or [::1]` };
  if (Number(header('sec-websocket-version')) < 13) return { status: 400, reason: 'sec-websocket-version older than 13' };

  const libraryVersion = header('x-iterm2-library-version');
  if (libraryVersion === '') return { status: 400, reason: 'The x-iterm2-library-version header was not set' };
  const parts = libraryVersion.split(' ');
  if (parts.length !== 2) return { status: 400, reason: `The x-iterm2-library-version header was malformed: ${libraryVersion}` };
  if (parts[0] === 'python' && Number(parts[1]) < 0.24) return { status: 406, reason: 'Library version too old' };

  const cookie = header('x-iterm2-cookie');
  if (cookie !== '' && cookies.consume(cookie)) return { status: 101, authorizedBy: 'cookie' };
  if (allowAllApps) return { status: 101, authorizedBy: 'allow-all' };
  return { status: 401, reason: cookie === '' ? 'no cookie and the dialog is not shown' : 'x-iterm2-cookie not recognized' };
}
