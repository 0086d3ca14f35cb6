/**
 * Who may talk to the cockpit. The page can type into agent terminals, so a hole here is
 * remote code execution on the user's machine. Three checks, shared by HTTP and WebSocket:
 * - `Host` must name this cockpit: closes DNS rebinding (evil.example resolving to 127.0.0.1);
 * - `Origin`, when the browser sends one, must be this cockpit: closes cross-site requests;
 * - the install's token, from `Authorization: Bearer`, the cookie, or (WebSocket only) `?token=`.
 */
import type { IncomingMessage } from 'node:http';
import { tokensEqual } from './token.js';

export interface Guard {
  /** Lower-cased `host:port` forms a request may carry in `Host`. */
  readonly hosts: ReadonlySet<string>;
  readonly cookieName: string;
  readonly token: string;
}

export function createGuard(host: string, port: number, token: string): Guard {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', host.includes(':') && !host.startsWith('[') ? `[${host}]` : host]);
  const hosts = new Set([...names].map((name) => `${name.toLowerCase()}:${port}`));
  // Cookies are shared between ports of one host name, so two zoros (a demo on 7071 and
  // the real one on 7070) each keep their own.
  return { hosts, cookieName: `zoro_token_${port}`, token };
}

/** Why a request is refused, or null when its Host and Origin name this cockpit. */
export function checkHostAndOrigin(guard: Guard, hostHeader: string | undefined, originHeader: string | undefined): string | null {
  if (!hostHeader || !guard.hosts.has(hostHeader.toLowerCase())) return 'this cockpit only answers requests addressed to its own host and port';
  if (originHeader !== undefined) {
    const origin = parseOrigin(originHeader);
    if (origin === null || !guard.hosts.has(origin)) return 'cross-origin requests are refused';
  }
  return null;
}

/** `http://127.0.0.1:7070` → `127.0.0.1:7070`; anything else (`null`, https, a path) → null. */
function parseOrigin(origin: string): string | null {
  const match = /^http:\/\/([^/?#\s]+)$/i.exec(origin);
  return match ? match[1]!.toLowerCase() : null;
}

export function bearerToken(authorization: string | undefined): string | null {
  const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  return match ? match[1]! : null;
}

export function cookieValue(cookieHeader: string | undefined, name: string): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/** True when any of the offered tokens is the install's (each compared in constant time). */
export function tokenAccepted(guard: Guard, offered: (string | null)[]): boolean {
  let ok = false;
  for (const candidate of offered) if (candidate !== null && tokensEqual(candidate, guard.token)) ok = true;
  return ok;
}

/** The WebSocket upgrade: Host, Origin and a token (cookie or `?token=`), all or nothing. */
export function checkUpgrade(guard: Guard, req: IncomingMessage): { ok: true } | { ok: false; status: 401 | 403; reason: string } {
  const refused = checkHostAndOrigin(guard, req.headers.host, req.headers.origin);
  if (refused) return { ok: false, status: 403, reason: refused };
  const query = new URL(req.url ?? '/', 'http://cockpit.invalid').searchParams.get('token');
  const offered = [bearerToken(req.headers.authorization), cookieValue(req.headers.cookie, guard.cookieName), query];
  if (!tokenAccepted(guard, offered)) return { ok: false, status: 401, reason: 'missing or wrong token' };
  return { ok: true };
}

/**
 * Headers on every response: no inline script, no framing, no sniffing, no referrer.
 * Styles allow 'unsafe-inline' only because xterm.js's DOM renderer sizes its cells through
 * <style> elements it writes at run time; scripts stay 'self' only.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
