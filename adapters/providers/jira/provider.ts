/**
 * Jira Cloud (REST v3, Basic auth with email + API token).
 *
 * Tickets are the issues `jql` finds (default: assigned to the user and not done) plus the
 * issues the user watches and that are not done; ids are issue keys (`PROJ-12`), the
 * project is the project key. Descriptions and comments are Atlassian Document Format,
 * read as plain text; comments zoro writes are plain text turned into ADF. Done means the
 * `done_transition` (a transition name or id), or else the first transition into a status
 * of the Done category. Jira has no documented "mentions me" search, so none is made.
 */
import type { ProviderSection } from '../../config/types.js';
import { ApiClient, collectPages, type ProviderDeps } from '../http.js';
import { SectionReader } from '../section.js';
import { array, boolean, id, nullable, number, object, optional, string, unknown, type ShapeOf } from '../shape.js';
import { plainText } from '../text.js';
import { mergeTickets, trackerTicket, type Reason } from '../tickets.js';
import type { ProviderTicket, TicketDetails, TicketProvider } from '../types.js';
import { adfToText, textToAdf } from './adf.js';

export const JIRA_KEYS = ['site_url', 'email', 'api_token', 'jql', 'done_transition'];

export const DEFAULT_JQL = 'assignee = currentUser() AND statusCategory != Done ORDER BY updated DESC';
export const WATCHED_JQL = 'watcher = currentUser() AND statusCategory != Done ORDER BY updated DESC';
const PAGE = 100;
const KEY = /^[A-Za-z][A-Za-z0-9_]*-\d+$/;

const SearchIssue = object({
  key: string,
  fields: object({
    summary: optional(string, ''),
    updated: nullable(string),
    project: nullable(object({ key: string })),
  }),
});
type SearchIssue = ShapeOf<typeof SearchIssue>;
const SearchPage = object({ issues: array(SearchIssue), nextPageToken: nullable(string), isLast: optional(boolean, false) });

const Issue = object({ key: string, fields: object({ description: optional(unknown, null) }) });
const CommentPage = object({
  startAt: number,
  total: number,
  comments: array(
    object({
      body: optional(unknown, null),
      created: nullable(string),
      author: nullable(object({ displayName: optional(string, 'someone') })),
    }),
  ),
});
const Transitions = object({
  transitions: array(
    object({
      id: id,
      name: string,
      to: nullable(object({ name: optional(string, ''), statusCategory: nullable(object({ key: string })) })),
    }),
  ),
});

export function createJiraProvider(section: ProviderSection, deps: ProviderDeps = {}): TicketProvider {
  const config = new SectionReader(section);
  const site = config.required('site_url').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/i.test(site)) throw config.invalid('site_url', `site_url must be like https://acme.atlassian.net, got "${site}"`);
  const email = config.required('email');
  const token = config.required('api_token');
  const api = new ApiClient(
    {
      provider: section.name,
      baseUrl: config.apiUrl(site),
      authKey: 'api_token',
      authHint: 'email and api_token',
      secrets: [token],
      headers: {
        authorization: `Basic ${Buffer.from(`${email}:${token}`, 'utf8').toString('base64')}`,
        accept: 'application/json',
      },
    },
    deps,
  );
  return new JiraProvider(section.name, api, site, config.optional('jql') ?? DEFAULT_JQL, config.optional('done_transition'));
}

class JiraProvider implements TicketProvider {
  readonly type = 'jira';

  constructor(
    readonly name: string,
    private readonly api: ApiClient,
    private readonly site: string,
    private readonly jql: string,
    private readonly doneTransition: string | null,
  ) {}

  async poll(signal?: AbortSignal): Promise<ProviderTicket[]> {
    return mergeTickets(await this.search(this.jql, 'assigned', signal), await this.search(WATCHED_JQL, 'watched', signal));
  }

  async details(ticketId: string, signal?: AbortSignal): Promise<TicketDetails> {
    const key = this.key(ticketId);
    const issue = await this.api.json({ path: `/rest/api/3/issue/${key}`, query: { fields: 'summary,description' }, signal }, Issue);
    const comments = await collectPages(this.api, 'comments', async (cursor) => {
      const startAt = Number(cursor ?? 0);
      const page = await this.api.json(
        { path: `/rest/api/3/issue/${key}/comment`, query: { startAt, maxResults: PAGE, orderBy: 'created' }, signal },
        CommentPage,
      );
      const end = startAt + page.comments.length;
      return { items: page.comments, next: page.comments.length > 0 && end < page.total ? String(end) : null };
    });
    return {
      description: adfToText(issue.fields.description),
      comments: comments.map((c) => ({ author: plainText(c.author?.displayName ?? 'someone'), body: adfToText(c.body), createdAt: c.created })),
    };
  }

  async comment(ticketId: string, body: string, signal?: AbortSignal): Promise<void> {
    await this.api.json(
      { method: 'POST', path: `/rest/api/3/issue/${this.key(ticketId)}/comment`, json: { body: textToAdf(body) }, signal },
      object({ id: id }),
    );
  }

  /** Posts `summary` as a comment (when there is one), then moves the issue through the done transition. */
  async complete(ticketId: string, summary: string, signal?: AbortSignal): Promise<void> {
    const key = this.key(ticketId);
    const { transitions } = await this.api.json({ path: `/rest/api/3/issue/${key}/transitions`, signal }, Transitions);
    const wanted = this.doneTransition?.toLowerCase();
    const chosen = wanted
      ? transitions.find((t) => t.id === this.doneTransition || t.name.toLowerCase() === wanted)
      : transitions.find((t) => t.to?.statusCategory?.key === 'done');
    if (!chosen) {
      const available = transitions.map((t) => `"${plainText(t.name)}" (${t.id})`).join(', ') || 'none';
      const asked = this.doneTransition ? `done_transition "${this.doneTransition}"` : 'a transition into a Done status';
      // Checked before commenting, so a misconfigured transition does not leave a "done" comment on an open issue.
      throw this.api.error('not_found', `${key}: ${asked} is not available from its status; available: ${available}; set [provider:${this.name}] done_transition`);
    }
    if (summary.trim() !== '') await this.comment(ticketId, summary, signal);
    await this.api.json(
      { method: 'POST', path: `/rest/api/3/issue/${key}/transitions`, json: { transition: { id: chosen.id } }, idempotent: false, signal },
      unknown,
    );
  }

  /** Every issue a JQL query finds, through the enhanced search (`/search/jql`, token pagination). */
  private async search(jql: string, reason: Reason, signal?: AbortSignal): Promise<ProviderTicket[]> {
    const issues = await collectPages(this.api, 'search', async (token) => {
      const page = await this.api.json(
        {
          path: '/rest/api/3/search/jql',
          query: { jql, fields: 'summary,status,project,updated', maxResults: PAGE, nextPageToken: token ?? undefined },
          signal,
        },
        SearchPage,
      );
      // The last page says isLast; a page without a token is the last one too, whatever it says.
      return { items: page.issues, next: page.isLast ? null : page.nextPageToken };
    });
    return issues.map((issue) => this.ticket(issue, reason));
  }

  private ticket(issue: SearchIssue, reason: Reason): ProviderTicket {
    return trackerTicket({
      id: issue.key,
      title: plainText(issue.fields.summary),
      projectId: issue.fields.project?.key ?? issue.key.replace(/-\d+$/, ''),
      url: `${this.site}/browse/${issue.key}`,
      reason,
      updatedAt: issue.fields.updated,
    });
  }

  private key(ticketId: string): string {
    if (!KEY.test(ticketId)) throw this.api.error('not_found', `"${ticketId}" is not a Jira issue key (PROJ-12)`);
    return ticketId.toUpperCase();
  }
}
