/**
 * Opening one authorized WebSocket to iTerm2's API socket, and turning every way that can
 * fail into an Iterm2Error that says what to do.
 *
 * iTerm2 checks: exactly one subprotocol `api.iterm2.com`; `origin` whose host is
 * localhost; a loopback `host`; `x-iterm2-library-version` as "<name> <version>"; then the
 * single-use cookie. `ws@8` ignores `socketPath`, so the Unix socket is handed over through
 * `createConnection` (and `ws+unix://` breaks on the space in "Application Support").
 */
import net from 'node:net';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { errorMessage } from '../../../lib/errors.js';
import { projectRoot } from '../../../lib/self.js';
import type { CredentialSource, Iterm2Credentials } from './credentials.js';
import { Iterm2Error } from './errors.js';

export const SUBPROTOCOL = 'api.iterm2.com';

const zoroVersion = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;

export interface HandshakeOptions {
  socketPath: string;
  credentials: CredentialSource;
  /** Shown by iTerm2 in its script console. Default `zoro`. */
  appName?: string;
  handshakeTimeoutMs?: number;
  /** Tells "iTerm2 not running" from "API not enabled" when the socket is missing. */
  isIterm2Running?: () => Promise<boolean>;
}

export interface OpenedSocket {
  ws: WebSocket;
  /** `X-iTerm2-Protocol-Version` from the upgrade reply (null if iTerm2 sent none). */
  protocolVersion: string | null;
}

/** True when an `iTerm2` process runs (macOS only; elsewhere there is no iTerm2). */
export function isIterm2Running(): Promise<boolean> {
  if (process.platform !== 'darwin') return Promise.resolve(false);
  return new Promise((resolve) => {
    execFile('/usr/bin/pgrep', ['-xq', 'iTerm2'], (error) => resolve(error === null));
  });
}

/** The handshake headers iTerm2 requires. Credentials are added only when there are some. */
export function handshakeHeaders(appName: string, credentials: Iterm2Credentials | null): Record<string, string> {
  const headers: Record<string, string> = {
    origin: 'ws://localhost/',
    'x-iterm2-library-version': `zoro ${zoroVersion}`,
    'x-iterm2-advisory-name': appName,
    // zoro runs unattended: a refused cookie must fail (and say why), not pop a dialog.
    'x-iterm2-disable-auth-ui': 'true',
  };
  if (credentials) {
    headers['x-iterm2-cookie'] = credentials.cookie;
    headers['x-iterm2-key'] = credentials.key;
  }
  return headers;
}

/** iTerm2 answered the upgrade with an HTTP status instead of switching protocols. */
class HandshakeStatus extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

function openSocket(options: HandshakeOptions, credentials: Iterm2Credentials | null): Promise<OpenedSocket> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let protocolVersion: string | null = null;
    const ws = new WebSocket('ws://localhost/', SUBPROTOCOL, {
      headers: handshakeHeaders(options.appName ?? 'zoro', credentials),
      perMessageDeflate: false,
      handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
      createConnection: () => net.connect(options.socketPath),
    });
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      ws.removeAllListeners();
      // Keep a late socket error from becoming an uncaught 'error' event.
      ws.on('error', () => undefined);
      ws.terminate();
      reject(error);
    };
    ws.once('upgrade', (response) => {
      const header = response.headers['x-iterm2-protocol-version'];
      protocolVersion = typeof header === 'string' ? header : null;
    });
    ws.once('unexpected-response', (request, response) => {
      request.destroy();
      fail(new HandshakeStatus(response.statusCode ?? 0));
    });
    ws.once('error', fail);
    ws.once('open', () => {
      settled = true;
      ws.removeAllListeners();
      resolve({ ws, protocolVersion });
    });
  });
}

const ENABLE_API = 'Preferences → General → Magic → Enable Python API';

/** Turns a failed attempt into the Iterm2Error that names the fix. Never includes a cookie. */
export async function describeConnectFailure(error: unknown, options: HandshakeOptions): Promise<Iterm2Error> {
  const path = options.socketPath;
  if (error instanceof HandshakeStatus) {
    if (error.status === 401) {
      return new Iterm2Error(
        'unauthorized',
        'iTerm2 refused the connection (401 unauthorized). Let zoro control iTerm2 when macOS asks ' +
          '(System Settings → Privacy & Security → Automation → iTerm2), or turn on "Allow all apps to connect" ' +
          'in iTerm2 Preferences → General → Magic.',
      );
    }
    if (error.status === 406) return new Iterm2Error('refused', 'iTerm2 refused this client library as too old (406). Update iTerm2.');
    return new Iterm2Error('refused', `iTerm2 rejected the API handshake (HTTP ${error.status}).`);
  }
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT' || code === 'ECONNREFUSED') {
    const running = await (options.isIterm2Running ?? isIterm2Running)();
    return running
      ? new Iterm2Error('api_disabled', `iTerm2 is running but its scripting API is off (nothing listens on ${path}). Turn on ${ENABLE_API}.`, {
          cause: error,
        })
      : new Iterm2Error(
          'not_running',
          `iTerm2 is not running (nothing listens on ${path}). Start iTerm2; if it is running, turn on ${ENABLE_API}.`,
          { cause: error },
        );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new Iterm2Error('refused', `no permission to open ${path}: iTerm2 accepts only its own user's processes.`, { cause: error });
  }
  if (/timed? ?out/i.test(errorMessage(error))) {
    return new Iterm2Error('timeout', `iTerm2 did not finish the API handshake on ${path} in time.`, { cause: error });
  }
  return new Iterm2Error('disconnected', `could not connect to iTerm2 at ${path}: ${errorMessage(error)}`, { cause: error });
}

/**
 * Connects with a fresh cookie; on a 401 asks for another cookie once and tries again
 * (the cookie may have been used or have expired), then gives up with 'unauthorized'.
 */
export async function connectAuthorized(options: HandshakeOptions): Promise<OpenedSocket> {
  let lastError: unknown = null;
  for (const reason of ['connect', 'unauthorized'] as const) {
    const credentials = await options.credentials({ reason });
    try {
      return await openSocket(options, credentials);
    } catch (error) {
      lastError = error;
      if (!(error instanceof HandshakeStatus && error.status === 401)) break;
    }
  }
  throw await describeConnectFailure(lastError, options);
}
