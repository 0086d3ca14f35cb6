/**
 * The `/api` routes. Each handler translates HTTP into one handle call or snapshot read;
 * bodies are validated first (validate.ts), errors become statuses in errors.ts.
 */
import Router from '@koa/router';
import type { ZoroHandle } from '../actors/handle.js';
import { HttpError } from './errors.js';
import { isStateMachine, layoutMachine } from './graph.js';
import type { Guard } from './guard.js';
import type { ActorGraph, CockpitInfo } from './protocol.js';
import { parseAnswer, parseChat, parseNewTicket, parseTeamStart, readJsonBody } from './validate.js';

const COOKIE_MAX_AGE_S = 30 * 24 * 3600;

export function createApiRouter(handle: ZoroHandle, guard: Guard, version: string): Router {
  const router = new Router({ prefix: '/api' });

  // The page trades the token from its start-up URL for an HttpOnly cookie, so the token
  // leaves the address bar and page scripts never hold it again.
  router.post('/login', (ctx) => {
    ctx.set('Set-Cookie', `${guard.cookieName}=${guard.token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${COOKIE_MAX_AGE_S}`);
    ctx.status = 204;
  });
  router.post('/logout', (ctx) => {
    ctx.set('Set-Cookie', `${guard.cookieName}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    ctx.status = 204;
  });

  router.get('/info', (ctx) => {
    const info: CockpitInfo = {
      version,
      capabilities: {
        answer: typeof handle.answer === 'function',
        team: typeof handle.teamStart === 'function',
        chat: typeof handle.chat === 'function',
      },
    };
    ctx.body = info;
  });

  router.get('/state', (ctx) => {
    ctx.body = handle.state();
  });

  router.get('/sessions/:name/screen', (ctx) => {
    const lines = handle.screen(ctx.params.name!);
    if (lines === null) throw unknownSession(ctx.params.name!);
    ctx.body = { session: ctx.params.name, lines };
  });
  router.post('/sessions/:name/pause', (ctx) => {
    handle.pause(knownSession(handle, ctx.params.name!));
    ok(ctx);
  });
  router.post('/sessions/:name/resume', (ctx) => {
    handle.resume(knownSession(handle, ctx.params.name!));
    ok(ctx);
  });
  router.post('/sessions/:name/answer', async (ctx) => {
    const answer = capability(handle.answer, 'answering a waiting agent');
    const text = parseAnswer(await readJsonBody(ctx));
    await answer.call(handle, knownSession(handle, ctx.params.name!), text);
    ok(ctx);
  });

  router.post('/tickets', async (ctx) => {
    const request = parseNewTicket(await readJsonBody(ctx));
    if (request.session !== undefined) knownSession(handle, request.session);
    const id = await handle.addTicket(request);
    ctx.status = 201;
    ctx.body = { id };
  });
  router.post('/tickets/:id/retry', (ctx) => {
    handle.retry(knownTicket(handle, ctx.params.id!));
    ok(ctx);
  });
  router.post('/tickets/:id/cancel', (ctx) => {
    handle.cancel(knownTicket(handle, ctx.params.id!));
    ok(ctx);
  });

  router.post('/team/start', async (ctx) => {
    const start = capability(handle.teamStart, 'team mode');
    await start.call(handle, parseTeamStart(await readJsonBody(ctx)));
    ok(ctx);
  });
  router.post('/team/add-executor', async (ctx) => {
    await capability(handle.teamAddExecutor, 'team mode').call(handle);
    ok(ctx);
  });
  router.post('/team/stop', async (ctx) => {
    await capability(handle.teamStop, 'team mode').call(handle);
    ok(ctx);
  });
  router.post('/chat', async (ctx) => {
    const chat = capability(handle.chat, 'chat');
    const message = parseChat(await readJsonBody(ctx));
    ctx.body = { reply: await chat.call(handle, message) };
  });

  router.get('/actors', (ctx) => {
    ctx.body = handle.actors();
  });
  router.get('/actors/:id/graph', async (ctx) => {
    const id = ctx.params.id!;
    const actor = handle.actors().find((a) => a.id === id);
    const machine = actor ? handle.machineOf(id) : null;
    if (!actor) throw new HttpError(404, `no actor with id ${JSON.stringify(id)}`);
    if (!isStateMachine(machine)) throw new HttpError(404, `actor ${JSON.stringify(id)} is not a state machine, so there is no chart to draw`);
    const body: ActorGraph = { actor, chart: await layoutMachine(machine) };
    ctx.body = body;
  });

  router.all('/{*rest}', (ctx) => {
    throw new HttpError(404, `no API route ${ctx.method} ${ctx.path}`);
  });
  return router;
}

function ok(ctx: { body: unknown }): void {
  ctx.body = { ok: true };
}

function capability<T>(method: T | undefined, what: string): T {
  if (!method) throw new HttpError(501, `this zoro does not offer ${what}`);
  return method;
}

function unknownSession(name: string): HttpError {
  return new HttpError(404, `no session named ${JSON.stringify(name)}`);
}

function knownSession(handle: ZoroHandle, name: string): string {
  if (!handle.state().sessions.some((s) => s.name === name)) throw unknownSession(name);
  return name;
}

function knownTicket(handle: ZoroHandle, id: string): string {
  if (!handle.state().tickets.some((t) => t.id === id)) throw new HttpError(404, `no ticket with id ${JSON.stringify(id)}`);
  return id;
}
