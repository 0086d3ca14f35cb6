/**
 * Linear (GraphQL, personal API key).
 *
 * Tickets: issues assigned to the user and issues they subscribe to, both outside the
 * completed and canceled states, plus the issues of their unread inbox notifications from
 * the last 30 days (a mention is "mentioned", anything else "waiting"). `team_keys`
 * (optional) keeps only those teams. Ids are identifiers (`ENG-12`), the project is the
 * team key; descriptions and comments are Markdown, kept as written. Done moves the issue
 * to its team's first state of type `completed`.
 */
import type { ProviderErrorCategory } from '../../../lib/errors.js';
import type { ProviderSection } from '../../config/types.js';
import { GraphqlClient, graphqlEndpoint, type GraphqlError } from '../graphql.js';
import { ApiClient, collectPages, resolveDeps, type ProviderDeps } from '../http.js';
import { SectionReader } from '../section.js';
import { array, boolean, id, nullable, number, object, optional, string, type Shape, type ShapeOf } from '../shape.js';
import { plainText } from '../text.js';
import { mergeTickets, trackerTicket, type Reason } from '../tickets.js';
import type { ProviderTicket, TicketDetails, TicketProvider } from '../types.js';

export const LINEAR_KEYS = ['api_key', 'team_keys'];

const CLOSED = ['completed', 'canceled'];
const NOTIFICATION_DAYS = 30;
const ISSUE_FIELDS = 'id identifier title url updatedAt state { type } team { id key }';

const Issue = object({
  id: id,
  identifier: string,
  title: string,
  url: string,
  updatedAt: nullable(string),
  state: object({ type: string }),
  team: object({ id: id, key: string }),
});
type Issue = ShapeOf<typeof Issue>;
const PageInfo = object({ hasNextPage: boolean, endCursor: nullable(string) });
const connection = <T>(node: Shape<T>) => object({ nodes: array(node), pageInfo: PageInfo });

const Notification = object({ category: optional(string, ''), readAt: nullable(string), issue: optional(nullable(Issue), null) });
const Comment = object({ body: optional(string, ''), createdAt: nullable(string), user: nullable(object({ name: string })) });

const ISSUES = `query ZoroIssues($filter: IssueFilter, $after: String) {
  issues(first: 100, after: $after, filter: $filter) { nodes { ${ISSUE_FIELDS} } pageInfo { hasNextPage endCursor } }
}`;
const NOTIFICATIONS = `query ZoroNotifications($filter: NotificationFilter, $after: String) {
  notifications(first: 100, after: $after, filter: $filter) {
    nodes { category readAt ... on IssueNotification { issue { ${ISSUE_FIELDS} } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const ISSUE = `query ZoroIssue($id: String!, $after: String) {
  issue(id: $id) {
    id description team { id }
    comments(first: 100, after: $after) { nodes { body createdAt user { name } } pageInfo { hasNextPage endCursor } }
  }
}`;
const COMMENT = `mutation ZoroComment($input: CommentCreateInput!) { commentCreate(input: $input) { success } }`;
const DONE_STATES = `query ZoroDoneStates($filter: WorkflowStateFilter) { workflowStates(first: 100, filter: $filter) { nodes { id name position } } }`;
const MOVE = `mutation ZoroMove($id: String!, $input: IssueUpdateInput!) { issueUpdate(id: $id, input: $input) { success } }`;

/** Linear's `extensions.type` (or `code`) → zoro's error category. */
export function classifyLinearError(error: GraphqlError): { category: ProviderErrorCategory } {
  const kind = String(error.extensions.type ?? error.extensions.code ?? '').toLowerCase();
  if (kind.includes('authentication') || kind === 'forbidden') return { category: 'auth' };
  if (kind.includes('ratelimit')) return { category: 'rate_limited' };
  if (kind.includes('not found') || kind.includes('not_found') || /^entity not found/i.test(error.message)) return { category: 'not_found' };
  if (kind.includes('internal')) return { category: 'server' };
  return { category: 'bad_response' };
}

export function createLinearProvider(section: ProviderSection, deps: ProviderDeps = {}): TicketProvider {
  const config = new SectionReader(section);
  const key = config.required('api_key');
  const resolved = resolveDeps(deps);
  const api = new ApiClient(
    {
      provider: section.name,
      baseUrl: graphqlEndpoint(config.apiUrl('https://api.linear.app/graphql'), '/graphql'),
      authKey: 'api_key',
      // Personal API keys go as they are; an OAuth token would be written as "Bearer …".
      headers: { authorization: key, accept: 'application/json' },
    },
    resolved,
  );
  const gql = new GraphqlClient(api, '', classifyLinearError);
  return new LinearProvider(section.name, gql, config.list('team_keys').map((k) => k.toUpperCase()), resolved.now);
}

class LinearProvider implements TicketProvider {
  readonly type = 'linear';
  /** identifier → Linear's own ids, learnt while polling, for the write-backs. */
  private readonly known = new Map<string, { id: string; teamId: string }>();

  constructor(
    readonly name: string,
    private readonly gql: GraphqlClient,
    private readonly teams: string[],
    private readonly now: () => number,
  ) {}

  async poll(signal?: AbortSignal): Promise<ProviderTicket[]> {
    const open = { state: { type: { nin: CLOSED } }, ...(this.teams.length ? { team: { key: { in: this.teams } } } : {}) };
    const assigned = await this.issues({ ...open, assignee: { isMe: { eq: true } } }, signal);
    const subscribed = await this.issues({ ...open, subscribers: { some: { isMe: { eq: true } } } }, signal);
    return mergeTickets(
      assigned.map((issue) => this.ticket(issue, 'assigned')),
      subscribed.map((issue) => this.ticket(issue, 'watched')),
      await this.inbox(signal),
    );
  }

  async details(ticketId: string, signal?: AbortSignal): Promise<TicketDetails> {
    let description = '';
    const comments = await collectPages(this.gql.api, 'comments', async (after) => {
      const data = await this.gql.request(
        'issue',
        ISSUE,
        { id: ticketId, after },
        object({ issue: object({ id: id, description: nullable(string), team: object({ id: id }), comments: connection(Comment) }) }),
        { signal },
      );
      this.known.set(ticketId, { id: data.issue.id, teamId: data.issue.team.id });
      description = data.issue.description ?? '';
      const page = data.issue.comments;
      return { items: page.nodes, next: page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null };
    });
    return {
      description: plainText(description),
      comments: comments
        .map((c) => ({ author: plainText(c.user?.name ?? 'Linear'), body: plainText(c.body), createdAt: c.createdAt }))
        .sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '')),
    };
  }

  async comment(ticketId: string, body: string, signal?: AbortSignal): Promise<void> {
    const { id: issueId } = await this.resolve(ticketId, signal);
    const data = await this.gql.request('commentCreate', COMMENT, { input: { issueId, body } }, object({ commentCreate: object({ success: boolean }) }), {
      mutation: true,
      signal,
    });
    if (!data.commentCreate.success) throw this.gql.api.error('bad_response', `commentCreate on ${ticketId} reported no success`);
  }

  /** Posts `summary` as a comment (when there is one), then moves the issue to its team's completed state. */
  async complete(ticketId: string, summary: string, signal?: AbortSignal): Promise<void> {
    const issue = await this.resolve(ticketId, signal);
    const data = await this.gql.request(
      'workflowStates',
      DONE_STATES,
      { filter: { team: { id: { eq: issue.teamId } }, type: { eq: 'completed' } } },
      object({ workflowStates: object({ nodes: array(object({ id: id, name: string, position: number })) }) }),
      { signal },
    );
    const done = [...data.workflowStates.nodes].sort((a, b) => a.position - b.position)[0];
    if (!done) throw this.gql.api.error('not_found', `${ticketId}: its team has no state of type "completed" to move it to`);
    if (summary.trim() !== '') await this.comment(ticketId, summary, signal);
    const moved = await this.gql.request('issueUpdate', MOVE, { id: issue.id, input: { stateId: done.id } }, object({ issueUpdate: object({ success: boolean }) }), {
      mutation: true,
      signal,
    });
    if (!moved.issueUpdate.success) throw this.gql.api.error('bad_response', `issueUpdate on ${ticketId} reported no success`);
  }

  private issues(filter: Record<string, unknown>, signal?: AbortSignal): Promise<Issue[]> {
    return collectPages(this.gql.api, 'issues', async (after) => {
      const data = await this.gql.request('issues', ISSUES, { filter, after }, object({ issues: connection(Issue) }), { signal });
      return { items: data.issues.nodes, next: data.issues.pageInfo.hasNextPage ? data.issues.pageInfo.endCursor : null };
    });
  }

  /** Issues of unread notifications: what is waiting on the user (or mentions them). */
  private async inbox(signal?: AbortSignal): Promise<ProviderTicket[]> {
    const since = new Date(this.now() - NOTIFICATION_DAYS * 86_400_000).toISOString();
    const notifications = await collectPages(this.gql.api, 'notifications', async (after) => {
      const data = await this.gql.request(
        'notifications',
        NOTIFICATIONS,
        { filter: { createdAt: { gt: since } }, after },
        object({ notifications: connection(Notification) }),
        { signal },
      );
      return { items: data.notifications.nodes, next: data.notifications.pageInfo.hasNextPage ? data.notifications.pageInfo.endCursor : null };
    });
    return notifications.flatMap((n) => {
      const issue = n.issue;
      if (n.readAt !== null || !issue || CLOSED.includes(issue.state.type)) return [];
      if (this.teams.length && !this.teams.includes(issue.team.key.toUpperCase())) return [];
      return [this.ticket(issue, n.category === 'mentions' ? 'mentioned' : 'waiting')];
    });
  }

  private ticket(issue: Issue, reason: Reason): ProviderTicket {
    this.known.set(issue.identifier, { id: issue.id, teamId: issue.team.id });
    return trackerTicket({
      id: issue.identifier,
      title: plainText(issue.title),
      projectId: issue.team.key,
      url: issue.url,
      reason,
      updatedAt: issue.updatedAt,
    });
  }

  private async resolve(ticketId: string, signal?: AbortSignal): Promise<{ id: string; teamId: string }> {
    const known = this.known.get(ticketId);
    if (known) return known;
    const data = await this.gql.request(
      'issue',
      'query ZoroIssueRef($id: String!) { issue(id: $id) { id team { id } } }',
      { id: ticketId },
      object({ issue: object({ id: id, team: object({ id: id }) }) }),
      { signal },
    );
    const ids = { id: data.issue.id, teamId: data.issue.team.id };
    this.known.set(ticketId, ids);
    return ids;
  }
}
