/**
 * The control socket: `<data_dir>/zoro.sock`, HTTP over a Unix socket that only this user
 * can open (0600 in a 0700 directory). `zoro status / add / pause / resume / done` and the
 * Claude Code hooks (`zoro hook`) talk to the running zoro through it.
 *
 *   GET  /state                       → /api/state's document
 *   POST /sessions/NAME/pause|resume
 *   POST /tickets {title, session?, signal_cmd?, depends_on?, description?} → {id}
 *   POST /done {session?, cwd?, summary?}
 *   POST /hook {event, session?, cwd?, payload}
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { chmod, unlink } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { ZoroConfig } from '../adapters/config/types.js';
import type { OrchestratorEvent } from '../machines/orchestrator.js';
import type { ZoroHandle } from './handle.js';
import { errorMessage, InvalidTransitionError, UsageError } from '../lib/errors.js';
import { hookSignal } from '../adapters/agents/claude/hooks.js';
import { parseUsageLimit } from '../adapters/agents/claude/screen.js';

export const CONTROL_SOCKET = 'zoro.sock';
const MAX_BODY = 1 << 20;

export interface ControlDeps {
  dataDir: string;
  handle: ZoroHandle;
  config(): ZoroConfig;
  send(event: OrchestratorEvent): void;
  log(entry: { type: string; message: string; session?: string }): void;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startControlServer(deps: ControlDeps): Promise<{ path: string; close(): Promise<void> }> {
  const path = join(deps.dataDir, CONTROL_SOCKET);
  // A socket left by a zoro that was killed: nothing listens on it any more.
  await unlink(path).catch(() => undefined);
  const server: Server = createServer((req, res) => {
    handle(req, deps)
      .then((body) => reply(res, 200, body))
      .catch((error) => reply(res, statusOf(error), { error: errorMessage(error) }));
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(path, () => done());
  });
  await chmod(path, 0o600);
  return {
    path,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, deps: ControlDeps): Promise<unknown> {
  const url = new URL(req.url ?? '/', 'http://zoro');
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (req.method === 'GET' && url.pathname === '/state') return deps.handle.state();
  if (req.method !== 'POST') throw new HttpError(404, `no such endpoint: ${req.method} ${url.pathname}`);
  const body = await readJson(req);

  if (parts[0] === 'sessions' && parts.length === 3 && (parts[2] === 'pause' || parts[2] === 'resume')) {
    const name = parts[1]!;
    knownSession(deps, name);
    if (parts[2] === 'pause') deps.handle.pause(name);
    else deps.handle.resume(name);
    return { ok: true };
  }
  if (url.pathname === '/tickets') {
    const title = field(body, 'title');
    if (!title) throw new HttpError(400, 'a ticket needs a title');
    const session = field(body, 'session');
    if (session) knownSession(deps, session);
    const dependsOn = (body as { depends_on?: unknown }).depends_on;
    if (dependsOn !== undefined && !(Array.isArray(dependsOn) && dependsOn.every((d) => typeof d === 'string'))) {
      throw new HttpError(400, 'depends_on must be a list of ticket ids');
    }
    const id = await deps.handle.addTicket({
      title,
      session: session ?? undefined,
      description: field(body, 'description') ?? undefined,
      signal_cmd: field(body, 'signal_cmd'),
      depends_on: dependsOn as string[] | undefined,
    });
    return { id };
  }
  if (url.pathname === '/done') {
    const session = sessionFor(deps, field(body, 'session'), field(body, 'cwd'));
    deps.send({ type: 'ctl.to_session', session, event: { type: 'session.turn_ended', source: 'zoro done', summary: field(body, 'summary') } });
    return { ok: true, session };
  }
  if (url.pathname === '/hook') {
    const event = field(body, 'event');
    if (!event) throw new HttpError(400, 'a hook needs an event name');
    const session = sessionFor(deps, field(body, 'session'), field(body, 'cwd'));
    const payload = ((body as { payload?: unknown }).payload ?? {}) as Record<string, unknown>;
    const sessionEvent = hookEvent(event, payload);
    if (sessionEvent) deps.send({ type: 'ctl.to_session', session, event: sessionEvent });
    deps.log({ type: 'session.hook', message: `${session}: ${event} hook`, session });
    return { ok: true };
  }
  throw new HttpError(404, `no such endpoint: POST ${url.pathname}`);
}

/**
 * What a Claude Code hook means for the session (the screen rules stay as the fallback).
 * `StopFailure` with a rate limit carries the reset time in its last message.
 */
export function hookEvent(event: string, payload: Record<string, unknown>, now = new Date()): Extract<OrchestratorEvent, { type: 'ctl.to_session' }>['event'] | null {
  const last = typeof payload.last_assistant_message === 'string' ? payload.last_assistant_message : null;
  switch (hookSignal(event, payload)) {
    case 'turn_ended': {
      const limit = payload.error === 'rate_limit' && last ? parseUsageLimit(last.split('\n'), now) : null;
      if (limit) {
        const waitMs = Math.max(0, limit.resetAt.getTime() - now.getTime());
        return { type: 'session.limited', until: limit.resetAt.toISOString(), waitMs, message: `usage limit reached; resumes at ${limit.resetAt.toISOString()}` };
      }
      return { type: 'session.turn_ended', source: `${event} hook`, summary: last ? last.slice(-2000) : null };
    }
    case 'needs_human':
      return { type: 'session.needs_human', message: typeof payload.message === 'string' ? payload.message : 'Claude Code asks for permission' };
    default:
      return null;
  }
}

function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  if (error instanceof InvalidTransitionError) return 409;
  if (error instanceof UsageError) return 400;
  return 500;
}

function knownSession(deps: ControlDeps, name: string): void {
  if (!deps.config().sessions.some((s) => s.name === name)) throw new HttpError(404, `no session named ${name}`);
}

/** The session a caller means: named, or the one whose repo holds its working directory. */
function sessionFor(deps: ControlDeps, name: string | null, cwd: string | null): string {
  if (name) {
    knownSession(deps, name);
    return name;
  }
  if (cwd) {
    const dir = resolve(cwd);
    const matches = deps
      .config()
      .sessions.filter((s) => dir === s.repo_path || dir.startsWith(s.repo_path + sep))
      .sort((a, b) => b.repo_path.length - a.repo_path.length);
    if (matches.length === 1 || (matches.length > 1 && matches[0]!.repo_path !== matches[1]!.repo_path)) return matches[0]!.name;
    if (matches.length > 1) throw new HttpError(409, `several sessions work in ${dir} (${matches.map((s) => s.name).join(', ')}): name one with --session`);
  }
  throw new HttpError(404, 'no session given and none works in this directory (set ZORO_SESSION or pass --session)');
}

function field(body: unknown, key: string): string | null {
  const value = (body as Record<string, unknown> | null)?.[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new HttpError(400, `${key} must be a string`);
  return value;
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((done, fail) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        fail(new HttpError(413, 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return done({});
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
        done(parsed);
      } catch {
        fail(new HttpError(400, 'the body must be a JSON object'));
      }
    });
    req.on('error', fail);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
