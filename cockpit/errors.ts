/**
 * The cockpit's errors and the one place that decides what a client sees for each.
 * Koa style: an error carries `status` and `expose`; anything unexpected is a 500 whose
 * details stay in the server log.
 */
import type { Context, Next } from 'koa';
import { ConfigError, InvalidTransitionError, ProviderError, UsageError, ZoroError } from '../lib/errors.js';

/** A refusal with an HTTP status and a message meant for the client. */
export class HttpError extends ZoroError {
  override name = 'HttpError';
  readonly expose = true;
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The cockpit's port is held by something else; the caller may pick another. */
export class PortInUseError extends ZoroError {
  override name = 'PortInUseError';
  readonly code = 'EADDRINUSE';
  constructor(
    readonly host: string,
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    super(`cockpit: port ${port} on ${host} is already in use (another zoro, or another program); choose another with web_port or --port`, options);
  }
}

export interface ErrorReply {
  status: number;
  message: string;
  /** False when the message is generic and the real error should be logged. */
  expected: boolean;
}

export function replyFor(error: unknown): ErrorReply {
  if (error instanceof HttpError) return { status: error.status, message: error.message, expected: true };
  if (error instanceof UsageError || error instanceof ConfigError) return { status: 400, message: error.message, expected: true };
  if (error instanceof InvalidTransitionError) return { status: 409, message: error.message, expected: true };
  if (error instanceof ProviderError) return { status: 502, message: error.message, expected: true };
  // zoro's own errors are written to be shown (and never carry secrets); others may not be.
  if (error instanceof ZoroError) return { status: 500, message: error.message, expected: false };
  // Errors thrown by Koa itself (ctx.throw, a malformed URL) carry status and expose.
  const koa = error as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof koa.status === 'number' && koa.status >= 400 && koa.status < 500 && koa.expose === true) {
    return { status: koa.status, message: String(koa.message), expected: true };
  }
  return { status: 500, message: 'internal error in the cockpit (see the zoro log)', expected: false };
}

export function errorMiddleware(log: (message: string) => void) {
  return async function handleErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } catch (error) {
      const reply = replyFor(error);
      if (!reply.expected) log(`cockpit: ${ctx.method} ${ctx.path} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      ctx.status = reply.status;
      ctx.body = { error: reply.message };
    }
  };
}
