/**
 * The cockpit: a Koa app on 127.0.0.1 serving the page, the `/api` routes and the `/ws`
 * push channel, all behind guard.ts (Host, Origin, token).
 *
 *   const cockpit = await startCockpit({ handle, dataDir, version });
 *   console.log(`cockpit: ${cockpit.url}`);   // http://127.0.0.1:7070/?token=…
 *   await cockpit.close();
 */
import { createServer, type Server } from 'node:http';
import Koa from 'koa';
import websockify from 'koa-websocket';
import type { WebSocketServer } from 'ws';
import type { ZoroHandle } from '../actors/handle.js';
import { errorMiddleware, HttpError, PortInUseError } from './errors.js';
import { bearerToken, checkHostAndOrigin, checkUpgrade, cookieValue, createGuard, SECURITY_HEADERS, tokenAccepted, type Guard } from './guard.js';
import { createHub, type Hub } from './hub.js';
import { createApiRouter } from './routes.js';
import { serveStatic, STATIC_DIR } from './static.js';
import { loadOrCreateToken } from './token.js';

export interface CockpitOptions {
  handle: ZoroHandle;
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 7070 */
  port?: number;
  /** Where `cockpit.token` lives (zoro's data_dir). */
  dataDir: string;
  version: string;
  /** Unexpected failures, one line each. @default stderr */
  log?: (line: string) => void;
  /** Where the page is served from. @default the package's cockpit/static */
  staticDir?: string;
  /** Minimum time between two pushed state frames per client. @default 50 */
  pushIntervalMs?: number;
}

export interface Cockpit {
  /** `http://127.0.0.1:PORT/?token=…`: the address to open (it carries the token). */
  url: string;
  port: number;
  token: string;
  hub: Hub;
  close(): Promise<void>;
}

/** Starts the cockpit; rejects with PortInUseError when the port is taken. */
export async function startCockpit(options: CockpitOptions): Promise<Cockpit> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const token = await loadOrCreateToken(options.dataDir);
  const server = createServer();
  const port = await listen(server, host, options.port ?? 7070);
  const guard = createGuard(host, port, token);

  const app = websockify(new Koa());
  app.proxy = false;
  app.silent = true;
  app.use(errorMiddleware(log));
  app.use(async (ctx, next) => {
    ctx.set(SECURITY_HEADERS);
    const refused = checkHostAndOrigin(guard, ctx.get('Host') || undefined, ctx.get('Origin') || undefined);
    if (refused) throw new HttpError(403, refused);
    await next();
  });
  app.use(requireTokenForApi(guard));
  const router = createApiRouter(options.handle, guard, options.version);
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use(serveStatic(options.staticDir ?? STATIC_DIR));
  server.on('request', app.callback());

  const hub = createHub({ handle: options.handle, intervalMs: options.pushIntervalMs, log });
  app.ws.listen({
    server,
    path: '/ws',
    maxPayload: 16 * 1024,
    perMessageDeflate: false,
    verifyClient: (info, done) => {
      const verdict = checkUpgrade(guard, info.req);
      if (verdict.ok) done(true);
      else done(false, verdict.status, verdict.reason);
    },
  });
  const wss = app.ws.server as WebSocketServer | undefined;
  wss?.on('error', (error) => log(`cockpit: websocket server error: ${error.message}`));
  app.ws.use((ctx) => hub.attach(ctx.websocket));

  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/?token=${token}`,
    port,
    token,
    hub,
    async close() {
      hub.close();
      wss?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function requireTokenForApi(guard: Guard): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.path === '/api' || ctx.path.startsWith('/api/')) {
      const offered = [bearerToken(ctx.get('Authorization') || undefined), cookieValue(ctx.get('Cookie') || undefined, guard.cookieName)];
      if (!tokenAccepted(guard, offered)) {
        ctx.set('WWW-Authenticate', 'Bearer realm="zoro cockpit"');
        throw new HttpError(401, 'missing or wrong token: open the cockpit URL that zoro printed at start-up, or send Authorization: Bearer <token>');
      }
      ctx.set('Cache-Control', 'no-store');
    }
    await next();
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(host, port, { cause: error }) : error);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
