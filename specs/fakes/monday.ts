/**
 * A fake monday.com GraphQL API (`POST /v2`): `me`, `boards { columns, items_page }`,
 * `next_items_page`, `items { column_values, updates }`, and the `create_update` and
 * `change_simple_column_value` mutations, answering only the selected fields, with cursor
 * pagination and monday's error shapes (application errors in a 200 with
 * `extensions.code`; an unknown status label lists the board's labels). `items_page`
 * understands people-column rules with `person-<id>` / `assigned_to_me` and `any_of`.
 * Fixtures: `specs/fakes/fixtures/monday/`.
 *
 *   const monday = await startFakeMonday();
 *   monday.item('6000000001')?.column_values.find((c) => c.id === 'status')?.text  // 'Done'
 */
import { answer, GraphqlFieldError, type Args } from './graphql.js';
import { fixture, startFakeServer, type FakeServer, type Reply } from './server.js';

export interface MondayUser {
  id: string;
  name: string;
  email: string;
}
export interface MondayColumnValue {
  id: string;
  type: string;
  text: string | null;
  value: string | null;
  [field: string]: unknown;
}
export interface MondayUpdate {
  id: string;
  body: string;
  text_body: string;
  created_at: string;
  creator: MondayUser | null;
}
export interface MondayItem {
  id: string;
  name: string;
  url: string;
  state: string;
  created_at: string;
  updated_at: string;
  group: { id: string; title: string };
  column_values: MondayColumnValue[];
  /** Newest first, as monday lists them. */
  updates: MondayUpdate[];
}
export interface MondayBoard {
  id: string;
  name: string;
  columns: { id: string; title: string; type: string; labels?: string[] }[];
  items: MondayItem[];
}
export interface MondayState {
  me: MondayUser;
  boards: MondayBoard[];
}

export interface MondayFakeOptions {
  /** @default 'monday-test-token' */
  token?: string;
  /** Caps `limit` of items pages, so a spec sees pagination with few fixtures. */
  maxLimit?: number;
}

export interface FakeMonday extends FakeServer {
  state: MondayState;
  item(id: string): MondayItem | undefined;
}

const TYPENAMES: Record<string, string> = { status: 'StatusValue', people: 'PeopleValue', long_text: 'LongTextValue', text: 'TextValue' };

export async function startFakeMonday(options: MondayFakeOptions = {}): Promise<FakeMonday> {
  const state: MondayState = { me: fixture('monday', 'me'), boards: fixture('monday', 'boards') };
  const cursors = new Map<string, { items: MondayItem[]; offset: number; board: MondayBoard }>();
  let nextCursor = 1;
  let nextUpdate = 7_100_000_000;

  const boardOf = (item: MondayItem) => state.boards.find((b) => b.items.includes(item))!;
  const findItem = (id: unknown) => state.boards.flatMap((b) => b.items).find((i) => i.id === String(id));
  const wireUser = (u: MondayUser | null) => (u ? { __typename: 'User', ...u } : null);
  const wireItem = (item: MondayItem) => {
    const board = boardOf(item);
    return {
      __typename: 'Item',
      ...item,
      board: { __typename: 'Board', id: board.id, name: board.name },
      column_values: (args: Args) =>
        item.column_values
          .filter((c) => !Array.isArray(args.ids) || args.ids.includes(c.id))
          .map((c) => ({ __typename: TYPENAMES[c.type] ?? 'ColumnValue', ...c })),
      updates: (args: Args) => item.updates.slice(0, Number(args.limit ?? 25)).map((u) => ({ __typename: 'Update', ...u, creator: wireUser(u.creator) })),
    };
  };
  const page = (items: MondayItem[], offset: number, limit: number, board: MondayBoard) => {
    const size = Math.min(limit, options.maxLimit ?? 500);
    const rest = offset + size < items.length;
    let cursor: string | null = null;
    if (rest) {
      cursor = `MSw${nextCursor++}xNTAsIm`; // opaque, like monday's
      cursors.set(cursor, { items, offset: offset + size, board });
    }
    return { __typename: 'ItemsResponse', cursor, items: items.slice(offset, offset + size).map(wireItem) };
  };
  const matches = (item: MondayItem, params: Args | undefined): boolean => {
    if (!params || !Array.isArray(params.rules) || params.rules.length === 0) return true;
    const results = (params.rules as Args[]).map((rule) => {
      const column = item.column_values.find((c) => c.id === rule.column_id);
      if (!column) throw new GraphqlFieldError(`Column ${String(rule.column_id)} not found`, { code: 'InvalidColumnIdException', error_data: {}, status_code: 200 });
      if (rule.operator !== 'any_of') throw new GraphqlFieldError(`The fake supports any_of only, got ${String(rule.operator)}`, { code: 'InvalidArgumentException' });
      const ids = ((JSON.parse(column.value ?? '{}') as { personsAndTeams?: { id: number }[] }).personsAndTeams ?? []).map((p) => `person-${p.id}`);
      const wanted = (rule.compare_value as string[]).map((v) => (v === 'assigned_to_me' ? `person-${state.me.id}` : v));
      return wanted.some((w) => ids.includes(w));
    });
    return params.operator === 'or' ? results.some(Boolean) : results.every(Boolean);
  };

  const server = await startFakeServer((request): Reply => {
    if (request.method !== 'POST' || request.path !== '/v2') return { status: 404, body: { errors: [{ message: 'Not Found' }] } };
    if (request.headers.authorization !== (options.token ?? 'monday-test-token')) {
      return { status: 401, body: { errors: [{ message: 'Not Authenticated', extensions: { code: 'UNAUTHENTICATED' } }] } };
    }
    const reply = answer(request.body, (operation) =>
      operation.kind === 'query'
        ? {
            me: wireUser(state.me),
            boards: (args: Args) =>
              state.boards
                .filter((b) => !Array.isArray(args.ids) || args.ids.map(String).includes(b.id))
                .map((board) => ({
                  __typename: 'Board',
                  id: board.id,
                  name: board.name,
                  columns: (a: Args) => board.columns.filter((c) => !Array.isArray(a.types) || a.types.includes(c.type)).map(({ labels: _labels, ...c }) => c),
                  items_page: (a: Args) => page(board.items.filter((i) => matches(i, a.query_params as Args | undefined)), 0, Number(a.limit ?? 25), board),
                })),
            next_items_page: (args: Args) => {
              const saved = cursors.get(String(args.cursor));
              if (!saved) throw new GraphqlFieldError('CursorException: cursor has expired', { code: 'CursorException' });
              return page(saved.items, saved.offset, Number(args.limit ?? 25), saved.board);
            },
            items: (args: Args) => (Array.isArray(args.ids) ? args.ids : []).flatMap((id) => (findItem(id) ? [wireItem(findItem(id)!)] : [])),
          }
        : {
            create_update: (args: Args) => {
              const item = findItem(args.item_id);
              if (!item) throw new GraphqlFieldError('Item not found', { code: 'InvalidItemIdException', error_data: { item_id: args.item_id } });
              if (typeof args.body !== 'string' || args.body === '') throw new GraphqlFieldError('Body cannot be empty', { code: 'InvalidArgumentException' });
              const update: MondayUpdate = {
                id: String(nextUpdate++),
                body: args.body,
                text_body: args.body.replace(/<br>/g, '\n').replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&'),
                created_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
                creator: state.me,
              };
              item.updates.unshift(update);
              return { __typename: 'Update', id: update.id };
            },
            change_simple_column_value: (args: Args) => {
              const item = findItem(args.item_id);
              const board = state.boards.find((b) => b.id === String(args.board_id));
              if (!item || !board || !board.items.includes(item)) throw new GraphqlFieldError('Item not found in board', { code: 'InvalidItemIdException' });
              const column = board.columns.find((c) => c.id === args.column_id);
              const value = item.column_values.find((c) => c.id === args.column_id);
              if (!column || !value) throw new GraphqlFieldError('This column ID doesn\u2019t exist for the board', { code: 'InvalidColumnIdException' });
              if (column.type === 'status' && !(column.labels ?? []).includes(String(args.value))) {
                throw new GraphqlFieldError(`This status label doesn't exist, possible statuses are: ${(column.labels ?? []).map((l, i) => `${i}: ${l}`).join(', ')}`, {
                  code: 'ColumnValueException',
                });
              }
              value.text = String(args.value);
              item.updated_at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
              return wireItem(item);
            },
          },
    );
    const body = reply.body as Record<string, unknown>;
    return { status: reply.status, body: { ...body, account_id: 9_000_001, extensions: { request_id: `req-${request.headers['api-version'] ?? 'none'}` } } };
  });
  return { ...server, state, item: (id) => findItem(id) };
}
