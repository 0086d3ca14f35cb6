/**
 * A fake Asana REST API 1.0 (the task and story endpoints zoro uses), answering as Asana
 * documents: `{ data }` envelopes, `opt_fields` projections, `limit` / opaque `offset`
 * pagination with `next_page`, the premium-only search API (402 when `premium: false`),
 * and `{ errors: [{ message }] }` failures. Fixtures: `specs/fakes/fixtures/asana/`.
 *
 *   const asana = await startFakeAsana({ premium: false });
 *   asana.state.tasks.find((t) => t.gid === '1500000000000001')?.completed
 */
import { fixture, startFakeServer, type FakeServer, type Recorded, type Reply } from './server.js';

export interface AsanaRef {
  gid: string;
  resource_type: string;
  name?: string;
}

export interface AsanaTask {
  gid: string;
  name: string;
  notes: string;
  completed: boolean;
  completed_at: string | null;
  assignee: AsanaRef | null;
  followers: AsanaRef[];
  created_at: string;
  modified_at: string;
  [field: string]: unknown;
}

export interface AsanaStory {
  gid: string;
  type: 'comment' | 'system';
  text: string;
  created_at: string;
  created_by: AsanaRef;
  [field: string]: unknown;
}

export interface AsanaState {
  me: AsanaRef & { workspaces: AsanaRef[] };
  tasks: AsanaTask[];
  /** Keyed by task gid. */
  stories: Record<string, AsanaStory[]>;
}

export interface AsanaFakeOptions {
  /** @default 'asana-test-token' */
  token?: string;
  /** Whether the workspace has the search API. @default true */
  premium?: boolean;
  /** Caps `limit`, so a spec sees pagination with few fixtures. @default 100 */
  maxLimit?: number;
}

export interface FakeAsana extends FakeServer {
  state: AsanaState;
}

const HELP = 'For more information on API status codes and how to handle them, read the docs on errors: https://developers.asana.com/docs/errors';
const fail = (status: number, message: string): Reply => ({ status, body: { errors: [{ message, help: HELP }] } });

export async function startFakeAsana(options: AsanaFakeOptions = {}): Promise<FakeAsana> {
  const token = options.token ?? 'asana-test-token';
  const state: AsanaState = {
    me: fixture('asana', 'me'),
    tasks: fixture('asana', 'tasks'),
    stories: fixture('asana', 'stories'),
  };
  let nextGid = 1_800_000_000_000_000;
  const user = (value: string): string => (value === 'me' ? state.me.gid : value);

  /** One page of a listing; `next_page` only when the client sent `limit`, as Asana does. */
  function listing(request: Recorded, items: object[]): Reply {
    const fields = request.query.opt_fields;
    if (request.query.limit === undefined) return { status: 200, body: { data: items.map((i) => project(i, fields)) } };
    const limit = Number(request.query.limit);
    if (!(limit >= 1 && limit <= 100)) return fail(400, 'limit: Must be between 1 and 100');
    const size = Math.min(limit, options.maxLimit ?? 100);
    const start = request.query.offset ? Number(Buffer.from(request.query.offset, 'base64url').toString('utf8')) : 0;
    if (!Number.isInteger(start)) return fail(400, 'offset: Your pagination token is invalid.');
    const end = start + size;
    const offset = Buffer.from(String(end), 'utf8').toString('base64url');
    const next = end < items.length ? { offset, path: `${request.path}?limit=${limit}&offset=${offset}`, uri: `https://app.asana.com/api/1.0${request.path}?limit=${limit}&offset=${offset}` } : null;
    return { status: 200, body: { data: items.slice(start, end).map((i) => project(i, fields)), next_page: next } };
  }

  const server = await startFakeServer((request) => {
    if (request.headers.authorization !== `Bearer ${token}`) return fail(401, 'Not Authorized');
    const q = request.query;

    if (request.method === 'GET' && request.path === '/tasks') {
      if (!q.assignee !== !q.workspace) return fail(400, 'assignee, workspace: Must specify both or neither of these');
      if (!q.assignee) return fail(400, 'project, section, tag, user_task_list, assignee + workspace: Must specify exactly one of these');
      const since = q.completed_since;
      return listing(
        request,
        state.tasks.filter((t) => t.assignee?.gid === user(q.assignee!) && (since === 'now' ? !t.completed : true)),
      );
    }

    let m = /^\/workspaces\/(\d+)\/tasks\/search$/.exec(request.path);
    if (m && request.method === 'GET') {
      if (options.premium === false) return fail(402, 'Search is only available to premium users.');
      const followers = (q['followers.any'] ?? '').split(',').filter(Boolean).map(user);
      const limit = Math.min(Number(q.limit ?? 20), 100, options.maxLimit ?? 100);
      let found = state.tasks.filter(
        (t) =>
          (followers.length === 0 || t.followers.some((f) => followers.includes(f.gid))) &&
          (q.completed === undefined || String(t.completed) === q.completed) &&
          (q['created_at.after'] === undefined || t.created_at > q['created_at.after']),
      );
      if (q.sort_by === 'created_at') {
        found = found.sort((a, b) => a.created_at.localeCompare(b.created_at) * (q.sort_ascending === 'true' ? 1 : -1));
      }
      return { status: 200, body: { data: found.slice(0, limit).map((t) => project(t, q.opt_fields)) } };
    }

    m = /^\/tasks\/(\d+)(\/stories)?$/.exec(request.path);
    if (m) {
      const task = state.tasks.find((t) => t.gid === m![1]);
      if (!task) return fail(404, `task: Unknown object: ${m[1]}`);
      const body = (request.body as { data?: Record<string, unknown> } | undefined)?.data;
      if (m[2] && request.method === 'GET') return listing(request, state.stories[task.gid] ?? []);
      if (m[2] && request.method === 'POST') {
        if (typeof body?.text !== 'string' || body.text === '') return fail(400, 'text: Missing input');
        const story: AsanaStory = {
          gid: String(nextGid++),
          resource_type: 'story',
          type: 'comment',
          resource_subtype: 'comment_added',
          text: body.text,
          created_at: new Date().toISOString(),
          created_by: { gid: state.me.gid, resource_type: 'user', name: state.me.name },
        };
        (state.stories[task.gid] ??= []).push(story);
        return { status: 201, body: { data: story } };
      }
      if (!m[2] && request.method === 'GET') return { status: 200, body: { data: project(task, q.opt_fields) } };
      if (!m[2] && request.method === 'PUT') {
        if (!body) return fail(400, 'data: Missing input');
        if (typeof body.completed === 'boolean') {
          task.completed = body.completed;
          task.completed_at = body.completed ? new Date().toISOString() : null;
        }
        task.modified_at = new Date().toISOString();
        return { status: 200, body: { data: project(task, undefined) } };
      }
    }
    return fail(404, 'Not Found');
  });
  return { ...server, state };
}

/**
 * Asana's `opt_fields`: the compact form (gid, resource_type, name) plus each listed dotted
 * path; without opt_fields, the whole record.
 */
function project(record: object, optFields: string | undefined): unknown {
  if (optFields === undefined) return record;
  return pick(record, optFields.split(',').map((f) => f.trim().split('.')));
}

function pick(value: unknown, paths: string[][]): unknown {
  if (Array.isArray(value)) return value.map((v) => pick(v, paths));
  if (typeof value !== 'object' || value === null) return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of ['gid', 'resource_type']) if (key in source) out[key] = source[key];
  const heads = new Set(paths.map((p) => p[0]!));
  for (const head of heads) {
    if (!(head in source)) continue;
    const rest = paths.filter((p) => p[0] === head && p.length > 1).map((p) => p.slice(1));
    out[head] = rest.length ? pick(source[head], rest) : source[head];
  }
  return out;
}
