/**
 * Request bodies checked at the edge: anything that reaches the handle is well formed.
 * Ticket text is untrusted and may end up typed into a terminal (the prompt builder
 * sanitises it); here we only bound sizes and types.
 */
import type { ParameterizedContext } from 'koa';
import type { NewTicketRequest } from '../actors/handle.js';
import { HttpError } from './errors.js';

const BODY_LIMIT = 64 * 1024;

/** The JSON body of a request (`{}` when empty). 415 for another content type, 413 when too big. */
export async function readJsonBody(ctx: Pick<ParameterizedContext, 'req' | 'is'>): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new HttpError(413, `request body is larger than ${BODY_LIMIT} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  if (!ctx.is('application/json')) throw new HttpError(415, 'send the body as JSON with Content-Type: application/json');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, `the body is not valid JSON: ${(error as Error).message}`);
  }
}

type Fields = Record<string, unknown>;

function objectBody(body: unknown, allowed: readonly string[]): Fields {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'the body must be a JSON object');
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length) throw new HttpError(400, `unknown field ${unknown.map((k) => JSON.stringify(k)).join(', ')}; allowed: ${allowed.join(', ')}`);
  return body as Fields;
}

function text(fields: Fields, key: string, min: number, max: number): string {
  const value = fields[key];
  if (typeof value !== 'string') throw new HttpError(400, `${key} must be a string of ${min} to ${max} characters`);
  const trimmed = value.trim();
  if (trimmed.length < min || value.length > max) throw new HttpError(400, `${key} must be a string of ${min} to ${max} characters (got ${trimmed.length})`);
  return min > 0 ? trimmed : value;
}

function optionalText(fields: Fields, key: string, max: number): string | undefined {
  return fields[key] === undefined ? undefined : text(fields, key, 0, max);
}

/** POST /api/tickets */
export function parseNewTicket(body: unknown): NewTicketRequest {
  const fields = objectBody(body, ['title', 'description', 'session', 'signal_cmd', 'depends_on']);
  const ticket: NewTicketRequest = { title: text(fields, 'title', 1, 500) };
  const description = optionalText(fields, 'description', 20_000);
  if (description !== undefined) ticket.description = description;
  if (fields.session !== undefined) ticket.session = text(fields, 'session', 1, 100);
  if (fields.signal_cmd === null) ticket.signal_cmd = null;
  else if (fields.signal_cmd !== undefined) ticket.signal_cmd = text(fields, 'signal_cmd', 1, 2_000);
  if (fields.depends_on !== undefined) ticket.depends_on = ticketIds(fields.depends_on);
  return ticket;
}

function ticketIds(value: unknown): string[] {
  const bad = new HttpError(400, 'depends_on must be a list of ticket ids, such as ["1", "2"]');
  if (!Array.isArray(value) || value.length > 100) throw bad;
  return value.map((id) => {
    if (typeof id === 'number' && Number.isInteger(id) && id >= 0) return String(id);
    if (typeof id === 'string' && id.trim() !== '' && id.length <= 200) return id.trim();
    throw bad;
  });
}

/** POST /api/team/start */
export function parseTeamStart(body: unknown): number {
  const fields = objectBody(body, ['executors']);
  const n = fields.executors;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 64) throw new HttpError(400, 'executors must be a whole number from 1 to 64');
  return n;
}

/** POST /api/chat */
export function parseChat(body: unknown): string {
  return text(objectBody(body, ['message']), 'message', 1, 10_000);
}

/** POST /api/sessions/:name/answer — the keys to press for a waiting agent. */
export function parseAnswer(body: unknown): string {
  return text(objectBody(body, ['text']), 'text', 1, 1_000);
}
