/**
 * GitHub Issues (REST, `X-GitHub-Api-Version: 2022-11-28`), for github.com or, through
 * `api_url`, GitHub Enterprise Server (`https://HOST/api/v3`).
 *
 * Tickets are open issues (pull requests are left out) that are assigned to the user,
 * mention them, or that they are subscribed to; ids are `owner/repo#12`, the project is
 * `owner/repo`. Every GET is conditional (ETag / If-None-Match), so a poll that finds
 * nothing new is answered with 304s, which GitHub does not count against the rate limit.
 *
 *   [provider:github]
 *   token = ghp_…
 *   repos = acme/web, acme/api      ; empty: every repository the token can see
 */
import type { ProviderSection } from '../../config/types.js';
import { ApiClient, collectPages, nextLink, type ProviderDeps } from '../http.js';
import { SectionReader } from '../section.js';
import { array, id, nullable, number, object, optional, string, unknown, type Shape, type ShapeOf } from '../shape.js';
import { plainText } from '../text.js';
import { mergeTickets, trackerTicket, type Reason } from '../tickets.js';
import type { ProviderTicket, TicketDetails, TicketProvider } from '../types.js';

export const GITHUB_KEYS = ['token', 'username', 'repos'];

const Issue = object({
  number: number,
  title: string,
  body: nullable(string),
  html_url: string,
  repository_url: string,
  updated_at: string,
  state: string,
  pull_request: optional(unknown, null),
});
type Issue = ShapeOf<typeof Issue>;

const Comment = object({
  body: optional(string, ''),
  created_at: string,
  user: nullable(object({ login: string })),
});

const User = object({ login: string });
const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const TICKET = /^([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)#(\d+)$/;

export function createGithubProvider(section: ProviderSection, deps: ProviderDeps = {}): TicketProvider {
  const config = new SectionReader(section);
  const token = config.required('token');
  const repos = config.list('repos');
  for (const repo of repos) {
    if (!REPO.test(repo)) throw config.invalid('repos', `repos lists "${repo}", which is not owner/name`);
  }
  const api = new ApiClient(
    {
      provider: section.name,
      baseUrl: config.apiUrl('https://api.github.com'),
      authKey: 'token',
      conditional: true,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
      },
    },
    deps,
  );
  return new GithubProvider(section.name, api, config.optional('username'), repos);
}

class GithubProvider implements TicketProvider {
  readonly type = 'github';

  constructor(
    readonly name: string,
    private readonly api: ApiClient,
    private login: string | null,
    private readonly repos: string[],
  ) {}

  async poll(signal?: AbortSignal): Promise<ProviderTicket[]> {
    if (this.repos.length === 0) {
      return mergeTickets(
        await this.list('/issues', { filter: 'assigned' }, 'assigned', signal),
        await this.list('/issues', { filter: 'mentioned' }, 'mentioned', signal),
        await this.list('/issues', { filter: 'subscribed' }, 'watched', signal),
      );
    }
    const login = await this.username(signal);
    const lists: ProviderTicket[][] = [];
    for (const repo of this.repos) {
      lists.push(await this.list(`/repos/${repo}/issues`, { assignee: login }, 'assigned', signal));
      lists.push(await this.list(`/repos/${repo}/issues`, { mentioned: login }, 'mentioned', signal));
    }
    // No per-repository "subscribed" filter exists: take the user's subscriptions and keep those in `repos`.
    const wanted = new Set(this.repos.map((repo) => repo.toLowerCase()));
    const subscribed = await this.list('/issues', { filter: 'subscribed' }, 'watched', signal);
    lists.push(subscribed.filter((ticket) => wanted.has((ticket.projectId ?? '').toLowerCase())));
    return mergeTickets(...lists);
  }

  async details(ticketId: string, signal?: AbortSignal): Promise<TicketDetails> {
    const path = this.issuePath(ticketId);
    const issue = await this.api.json({ path, signal }, Issue);
    const comments = await this.pages(`${path}/comments`, {}, Comment, signal);
    return {
      description: plainText(issue.body ?? ''),
      comments: comments.map((c) => ({ author: c.user?.login ?? 'ghost', body: plainText(c.body), createdAt: c.created_at })),
    };
  }

  async comment(ticketId: string, body: string, signal?: AbortSignal): Promise<void> {
    await this.api.json({ method: 'POST', path: `${this.issuePath(ticketId)}/comments`, json: { body }, signal }, object({ id: id }));
  }

  /** Posts `summary` as the closing comment (when there is one), then closes the issue as completed. */
  async complete(ticketId: string, summary: string, signal?: AbortSignal): Promise<void> {
    if (summary.trim() !== '') await this.comment(ticketId, summary, signal);
    await this.api.json(
      { method: 'PATCH', path: this.issuePath(ticketId), json: { state: 'closed', state_reason: 'completed' }, signal },
      object({ number: number }),
    );
  }

  private async username(signal?: AbortSignal): Promise<string> {
    this.login ??= (await this.api.json({ path: '/user', signal }, User)).login;
    return this.login;
  }

  private async list(path: string, filter: Record<string, string>, reason: Reason, signal?: AbortSignal): Promise<ProviderTicket[]> {
    const issues = await this.pages(path, { ...filter, state: 'open' }, Issue, signal);
    return issues.filter((issue) => issue.pull_request === null).map((issue) => this.ticket(issue, reason));
  }

  /** Every page of a listing, following the `Link: rel="next"` header. */
  private pages<T>(path: string, query: Record<string, string>, item: Shape<T>, signal?: AbortSignal): Promise<T[]> {
    return collectPages(this.api, `GET ${path}`, async (cursor) => {
      const reply = await this.api.call(
        cursor === null ? { path, query: { ...query, per_page: 100 }, signal } : { path: cursor, signal },
        array(item),
      );
      return { items: reply.body, next: nextLink(reply.headers) };
    });
  }

  private ticket(issue: Issue, reason: Reason): ProviderTicket {
    const repo = repoOf(issue.repository_url);
    if (repo === null) throw this.api.error('bad_response', `unexpected repository_url ${JSON.stringify(issue.repository_url)}`);
    return trackerTicket({
      id: `${repo}#${issue.number}`,
      title: plainText(issue.title),
      description: plainText(issue.body ?? ''),
      projectId: repo,
      url: issue.html_url,
      reason,
      updatedAt: issue.updated_at,
    });
  }

  private issuePath(ticketId: string): string {
    const match = TICKET.exec(ticketId);
    if (!match) throw this.api.error('not_found', `"${ticketId}" is not a GitHub issue id (owner/repo#number)`);
    return `/repos/${match[1]}/issues/${match[2]}`;
  }
}

/** `owner/repo` from `https://api.github.com/repos/owner/repo` (or a GHES `/api/v3/repos/…`). */
function repoOf(repositoryUrl: string): string | null {
  const match = /\/repos\/([^/]+)\/([^/]+)\/?$/.exec(repositoryUrl);
  return match ? `${decodeURIComponent(match[1]!)}/${decodeURIComponent(match[2]!)}` : null;
}
