/**
 * monday.com (GraphQL API v2, with an `API-Version` header).
 *
 * Tickets are the items of the configured boards whose people column(s) hold the user,
 * unless their status column already shows the done label. monday has no "watching"
 * filter and no mentions query, so every ticket is "assigned". Ids are `monday:<item id>`,
 * the project is the board id. Items have no description field: the item's long-text
 * columns serve as one; updates are the comments. Done sets `status_column` to `done_label`.
 */
import type { ProviderErrorCategory } from '../../../lib/errors.js';
import type { ProviderSection } from '../../config/types.js';
import { GraphqlClient, graphqlEndpoint, type GraphqlError } from '../graphql.js';
import { ApiClient, collectPages, type ProviderDeps } from '../http.js';
import { SectionReader } from '../section.js';
import { array, id, nullable, object, optional, string, type ShapeOf } from '../shape.js';
import { plainText, textToHtml } from '../text.js';
import { trackerTicket } from '../tickets.js';
import type { ProviderTicket, TicketDetails, TicketProvider } from '../types.js';

export const MONDAY_KEYS = ['api_token', 'board_ids', 'my_user_id', 'status_column', 'done_label', 'api_version'];
export const MONDAY_API_VERSION = '2026-01';

const Item = object({
  id: id,
  name: string,
  url: nullable(string),
  updated_at: nullable(string),
  board: nullable(object({ id: id })),
  column_values: optional(array(object({ id: string, text: nullable(string) })), []),
});
type Item = ShapeOf<typeof Item>;
const ItemsPage = object({ cursor: nullable(string), items: array(Item) });

const ITEM_FIELDS = 'id name url updated_at board { id } column_values(ids: $columns) { id text }';
const BOARDS = `query ZoroBoards($boards: [ID!]) { boards(ids: $boards) { id name columns(types: [people]) { id } } }`;
const ITEMS = `query ZoroItems($board: [ID!], $params: ItemsQuery, $columns: [String!]) {
  boards(ids: $board) { items_page(limit: 100, query_params: $params) { cursor items { ${ITEM_FIELDS} } } }
}`;
const MORE_ITEMS = `query ZoroMoreItems($cursor: String!, $columns: [String!]) {
  next_items_page(limit: 100, cursor: $cursor) { cursor items { ${ITEM_FIELDS} } }
}`;
const ITEM = `query ZoroItem($ids: [ID!]) {
  items(ids: $ids) { id board { id } column_values { id type text } updates(limit: 100) { text_body created_at creator { name } } }
}`;
const UPDATE = `mutation ZoroUpdate($item: ID!, $body: String!) { create_update(item_id: $item, body: $body) { id } }`;
const SET_STATUS = `mutation ZoroDone($board: ID!, $item: ID, $column: String!, $value: String) {
  change_simple_column_value(board_id: $board, item_id: $item, column_id: $column, value: $value) { id }
}`;

const RATE_LIMITS = new Set(['COMPLEXITY_BUDGET_EXHAUSTED', 'ComplexityException', 'RATE_LIMIT_EXCEEDED', 'Rate Limit Exceeded', 'DAILY_LIMIT_EXCEEDED', 'maxConcurrencyExceeded', 'IP_RATE_LIMIT_EXCEEDED']);
const NOT_FOUND = new Set(['ResourceNotFoundException', 'InvalidItemIdException', 'InvalidBoardIdException', 'InvalidColumnIdException']);
const AUTH = new Set(['UserUnauthorizedException', 'Unauthorized', 'USER_UNAUTHORIZED', 'UNAUTHORIZED']);

/** monday's `extensions.code` → zoro's category; rate limits carry `retry_in_seconds`. */
export function classifyMondayError(error: GraphqlError): { category: ProviderErrorCategory; waitMs: number | null } {
  const code = String(error.extensions.code ?? '');
  const retry = error.extensions.retry_in_seconds;
  const waitMs = typeof retry === 'number' && Number.isFinite(retry) ? retry * 1000 : null;
  if (RATE_LIMITS.has(code) || /complexity budget exhausted|rate limit/i.test(error.message)) return { category: 'rate_limited', waitMs };
  if (AUTH.has(code) || /not authenticated|unauthorized/i.test(error.message)) return { category: 'auth', waitMs: null };
  if (NOT_FOUND.has(code)) return { category: 'not_found', waitMs: null };
  if (code === 'InternalServerException' || code === 'INTERNAL_SERVER_ERROR') return { category: 'server', waitMs: null };
  return { category: 'bad_response', waitMs: null };
}

export function createMondayProvider(section: ProviderSection, deps: ProviderDeps = {}): TicketProvider {
  const config = new SectionReader(section);
  const token = config.required('api_token');
  const boards = config.list('board_ids');
  if (boards.length === 0) throw config.invalid('board_ids', 'board_ids must list at least one board id');
  for (const board of boards) if (!/^\d+$/.test(board)) throw config.invalid('board_ids', `board_ids lists "${board}", which is not a numeric board id`);
  const me = config.optional('my_user_id');
  if (me !== null && !/^\d+$/.test(me)) throw config.invalid('my_user_id', `my_user_id must be a numeric user id, got "${me}"`);
  const version = config.optional('api_version') ?? MONDAY_API_VERSION;
  if (!/^\d{4}-(01|04|07|10)$/.test(version)) throw config.invalid('api_version', `api_version must look like 2026-01, got "${version}"`);
  const api = new ApiClient(
    {
      provider: section.name,
      baseUrl: graphqlEndpoint(config.apiUrl('https://api.monday.com/v2'), '/v2'),
      authKey: 'api_token',
      headers: { authorization: token, 'api-version': version, accept: 'application/json' },
    },
    deps,
  );
  const gql = new GraphqlClient(api, '', classifyMondayError);
  return new MondayProvider(section.name, gql, boards, me, config.optional('status_column') ?? 'status', config.optional('done_label') ?? 'Done');
}

class MondayProvider implements TicketProvider {
  readonly type = 'monday';
  /** Boards already reported as having no people column, so the notice is said once. */
  private readonly warned = new Set<string>();

  constructor(
    readonly name: string,
    private readonly gql: GraphqlClient,
    private readonly boards: string[],
    private me: string | null,
    private readonly statusColumn: string,
    private readonly doneLabel: string,
  ) {}

  async poll(signal?: AbortSignal): Promise<ProviderTicket[]> {
    const me = await this.userId(signal);
    const data = await this.gql.request(
      'boards',
      BOARDS,
      { boards: this.boards },
      object({ boards: array(object({ id: id, name: string, columns: array(object({ id: string })) })) }),
      { signal },
    );
    const tickets: ProviderTicket[] = [];
    for (const board of data.boards) {
      if (board.columns.length === 0) {
        if (!this.warned.has(board.id)) this.gql.api.log(`board ${board.id} has no people column, so none of its items can be assigned to you`);
        this.warned.add(board.id);
        continue;
      }
      const params = { operator: 'or', rules: board.columns.map((c) => ({ column_id: c.id, compare_value: [`person-${me}`], operator: 'any_of' })) };
      const items = await this.items(board.id, params, signal);
      for (const item of items) if (!this.isDone(item)) tickets.push(this.ticket(item, board.id));
    }
    return tickets;
  }

  async details(ticketId: string, signal?: AbortSignal): Promise<TicketDetails> {
    const item = await this.item(ticketId, signal);
    return {
      description: plainText(
        item.column_values
          .filter((c) => c.type === 'long_text' && (c.text ?? '').trim() !== '')
          .map((c) => c.text)
          .join('\n\n'),
      ),
      comments: item.updates
        .map((u) => ({ author: plainText(u.creator?.name ?? 'monday'), body: plainText(u.text_body), createdAt: u.created_at }))
        .sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '')),
    };
  }

  async comment(ticketId: string, body: string, signal?: AbortSignal): Promise<void> {
    // Update bodies are rendered as HTML: the text is escaped so it shows as written.
    await this.gql.request('create_update', UPDATE, { item: this.itemId(ticketId), body: textToHtml(body) }, object({ create_update: object({ id: id }) }), {
      mutation: true,
      signal,
    });
  }

  /** Posts `summary` as an update (when there is one), then sets the status column to the done label. */
  async complete(ticketId: string, summary: string, signal?: AbortSignal): Promise<void> {
    const item = await this.item(ticketId, signal);
    if (!item.board) throw this.gql.api.error('not_found', `${ticketId} belongs to no board`);
    if (summary.trim() !== '') await this.comment(ticketId, summary, signal);
    await this.gql.request(
      'change_simple_column_value',
      SET_STATUS,
      { board: item.board.id, item: item.id, column: this.statusColumn, value: this.doneLabel },
      object({ change_simple_column_value: object({ id: id }) }),
      { mutation: true, signal },
    );
  }

  private async userId(signal?: AbortSignal): Promise<string> {
    this.me ??= (await this.gql.request('me', 'query ZoroMe { me { id } }', {}, object({ me: object({ id: id }) }), { signal })).me.id;
    return this.me;
  }

  /** Every item of one board matching `params`: the first page from the board, the rest by cursor. */
  private items(board: string, params: unknown, signal?: AbortSignal): Promise<Item[]> {
    const columns = [this.statusColumn];
    return collectPages(this.gql.api, 'items', async (cursor) => {
      if (cursor === null) {
        const data = await this.gql.request('items_page', ITEMS, { board: [board], params, columns }, object({ boards: array(object({ items_page: ItemsPage })) }), {
          signal,
        });
        const page = data.boards[0]?.items_page ?? { cursor: null, items: [] };
        return { items: page.items, next: page.cursor };
      }
      const data = await this.gql.request('next_items_page', MORE_ITEMS, { cursor, columns }, object({ next_items_page: ItemsPage }), { signal });
      return { items: data.next_items_page.items, next: data.next_items_page.cursor };
    });
  }

  private async item(ticketId: string, signal?: AbortSignal) {
    const data = await this.gql.request(
      'items',
      ITEM,
      { ids: [this.itemId(ticketId)] },
      object({
        items: array(
          object({
            id: id,
            board: nullable(object({ id: id })),
            column_values: array(object({ id: string, type: string, text: nullable(string) })),
            updates: optional(array(object({ text_body: optional(string, ''), created_at: nullable(string), creator: nullable(object({ name: string })) })), []),
          }),
        ),
      }),
      { signal },
    );
    const item = data.items[0];
    if (!item) throw this.gql.api.error('not_found', `item ${this.itemId(ticketId)} not found (deleted, or not visible to this token)`);
    return item;
  }

  private isDone(item: Item): boolean {
    const status = item.column_values.find((c) => c.id === this.statusColumn)?.text ?? '';
    return status.trim().toLowerCase() === this.doneLabel.toLowerCase();
  }

  private ticket(item: Item, board: string): ProviderTicket {
    return trackerTicket({
      id: `monday:${item.id}`,
      title: plainText(item.name),
      projectId: item.board?.id ?? board,
      url: item.url,
      reason: 'assigned',
      updatedAt: item.updated_at,
    });
  }

  private itemId(ticketId: string): string {
    const match = /^monday:(\d+)$/.exec(ticketId);
    if (!match) throw this.gql.api.error('not_found', `"${ticketId}" is not a monday item id (monday:<id>)`);
    return match[1]!;
  }
}
