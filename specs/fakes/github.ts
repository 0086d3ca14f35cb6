/**
 * A fake GitHub REST API (the issue endpoints zoro uses), held to GitHub's published
 * OpenAPI description by `specs/adapters/providers/github-openapi.spec.ts`. Fixtures are
 * in `specs/fakes/fixtures/github/`; `state` is live, so a spec (or an end-to-end run of
 * `zoro --once`) can see the comments posted and the issues closed.
 *
 *   const github = await startFakeGithub({ token: 't0ken' });
 *   // [provider:github] api_url = github.url, token = t0ken
 *   github.state.issues.find((i) => i.number === 1)?.state  // 'closed' once zoro is done
 */
import { createHash } from 'node:crypto';
import { fixture, startFakeServer, type FakeServer, type Recorded, type Reply } from './server.js';

export interface GithubUser {
  login: string;
  id: number;
  [field: string]: unknown;
}

export interface GithubIssue {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: string | null;
  repository_url: string;
  html_url: string;
  assignees: GithubUser[];
  comments: number;
  closed_at: string | null;
  updated_at: string;
  pull_request?: unknown;
  [field: string]: unknown;
}

export interface GithubComment {
  id: number;
  body: string;
  user: GithubUser;
  created_at: string;
  [field: string]: unknown;
}

export interface GithubState {
  user: GithubUser;
  issues: GithubIssue[];
  /** Keyed `owner/repo#number`. */
  comments: Record<string, GithubComment[]>;
  /** Issues that mention the user / that the user is subscribed to, keyed `owner/repo#number`. */
  mentioned: string[];
  subscribed: string[];
  /** Requests that counted against the rate limit (a 304 does not). */
  rateLimitUsed: number;
}

export interface GithubFakeOptions {
  /** The token the fake accepts. @default 'github-test-token' */
  token?: string;
  /** Caps `per_page`, so a spec can see pagination without hundreds of fixtures. @default 100 */
  maxPerPage?: number;
}

export interface FakeGithub extends FakeServer {
  state: GithubState;
}

const DOCS = 'https://docs.github.com/rest';

export async function startFakeGithub(options: GithubFakeOptions = {}): Promise<FakeGithub> {
  const token = options.token ?? 'github-test-token';
  const state: GithubState = {
    user: fixture<GithubUser>('github', 'user'),
    issues: fixture<GithubIssue[]>('github', 'issues'),
    comments: fixture<Record<string, GithubComment[]>>('github', 'comments'),
    ...fixture<{ mentioned: string[]; subscribed: string[] }>('github', 'relations'),
    rateLimitUsed: 0,
  };
  let nextCommentId = 100_000;
  let base = '';

  const keyOf = (issue: GithubIssue): string => `${issue.repository_url.replace(/^.*\/repos\//, '')}#${issue.number}`;
  const repoOf = (issue: GithubIssue): string => issue.repository_url.replace(/^.*\/repos\//, '');
  const assigned = (issue: GithubIssue): boolean => issue.assignees.some((a) => a.login === state.user.login);
  const error = (status: number, message: string): Reply => ({ status, body: { message, documentation_url: DOCS, status: String(status) } });

  function rateHeaders(): Record<string, string> {
    return {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(5000 - state.rateLimitUsed),
      'x-ratelimit-used': String(state.rateLimitUsed),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core',
    };
  }

  /** A 200 with an ETag, or a 304 when the client already has this exact body. */
  function conditional(request: Recorded, body: unknown, extra: Record<string, string> = {}): Reply {
    const etag = `W/"${createHash('sha1').update(JSON.stringify(body)).digest('hex')}"`;
    if (request.headers['if-none-match'] === etag) return { status: 304, headers: { etag, ...rateHeaders() } };
    state.rateLimitUsed += 1;
    return { status: 200, headers: { etag, ...rateHeaders(), ...extra }, body };
  }

  /** One page of `items`, with a `Link` header as GitHub sends it. */
  function page<T>(request: Recorded, items: T[]): Reply {
    const perPage = Math.min(Number(request.query.per_page ?? 30), options.maxPerPage ?? 100);
    const number = Math.max(1, Number(request.query.page ?? 1));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number): string => {
      const url = new URL(base + request.path);
      for (const [k, v] of Object.entries(request.query)) url.searchParams.set(k, v);
      url.searchParams.set('page', String(n));
      return url.href;
    };
    const rels: string[] = [];
    if (number < last) rels.push(`<${link(number + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
    if (number > 1) rels.push(`<${link(1)}>; rel="first"`, `<${link(number - 1)}>; rel="prev"`);
    return conditional(request, items.slice((number - 1) * perPage, number * perPage), rels.length ? { link: rels.join(', ') } : {});
  }

  function findIssue(owner: string, repo: string, number: string): GithubIssue | undefined {
    return state.issues.find((i) => repoOf(i) === `${owner}/${repo}` && String(i.number) === number);
  }

  const server = await startFakeServer((request) => {
    const auth = request.headers.authorization;
    if (auth !== `Bearer ${token}` && auth !== `token ${token}`) return error(401, 'Bad credentials');
    const open = (i: GithubIssue): boolean => (request.query.state ?? 'open') === 'all' || i.state === (request.query.state ?? 'open');

    if (request.method === 'GET' && request.path === '/user') return conditional(request, state.user);

    if (request.method === 'GET' && request.path === '/issues') {
      const filter = request.query.filter ?? 'assigned';
      const match: Record<string, (i: GithubIssue) => boolean> = {
        assigned,
        mentioned: (i) => state.mentioned.includes(keyOf(i)),
        subscribed: (i) => state.subscribed.includes(keyOf(i)) || assigned(i) || state.mentioned.includes(keyOf(i)),
        all: () => true,
      };
      const test = match[filter];
      if (!test) return { status: 422, body: { message: 'Validation Failed', documentation_url: DOCS, status: '422' } };
      return page(request, state.issues.filter((i) => open(i) && test(i)));
    }

    let m = /^\/repos\/([^/]+)\/([^/]+)\/issues$/.exec(request.path);
    if (m && request.method === 'GET') {
      const repo = `${m[1]}/${m[2]}`;
      const { assignee, mentioned } = request.query;
      return page(
        request,
        state.issues.filter(
          (i) =>
            repoOf(i) === repo &&
            open(i) &&
            (assignee === undefined || i.assignees.some((a) => a.login === assignee)) &&
            (mentioned === undefined || (mentioned === state.user.login && state.mentioned.includes(keyOf(i)))),
        ),
      );
    }

    m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)(\/comments)?$/.exec(request.path);
    if (m) {
      const issue = findIssue(m[1]!, m[2]!, m[3]!);
      if (!issue) return error(404, 'Not Found');
      const key = keyOf(issue);
      if (m[4] && request.method === 'GET') return page(request, state.comments[key] ?? []);
      if (m[4] && request.method === 'POST') {
        const body = (request.body as { body?: unknown } | undefined)?.body;
        if (typeof body !== 'string' || body === '') return { status: 422, body: { message: 'Validation Failed', documentation_url: DOCS, status: '422' } };
        const id = nextCommentId++;
        const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        const url = `${base}/repos/${repoOf(issue)}/issues/comments/${id}`;
        const comment: GithubComment = {
          id,
          node_id: `IC_${id}`,
          url,
          html_url: `${issue.html_url}#issuecomment-${id}`,
          body,
          user: state.user,
          created_at: now,
          updated_at: now,
          issue_url: `${base}/repos/${repoOf(issue)}/issues/${issue.number}`,
          author_association: 'OWNER',
          performed_via_github_app: null,
          reactions: { url: `${url}/reactions`, total_count: 0, '+1': 0, '-1': 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 },
        };
        (state.comments[key] ??= []).push(comment);
        issue.comments += 1;
        state.rateLimitUsed += 1;
        return { status: 201, headers: { location: url, ...rateHeaders() }, body: comment };
      }
      if (!m[4] && request.method === 'GET') return conditional(request, issue);
      if (!m[4] && request.method === 'PATCH') {
        const patch = (request.body ?? {}) as { state?: unknown; state_reason?: unknown };
        if (patch.state === 'closed' || patch.state === 'open') {
          issue.state = patch.state;
          issue.state_reason = patch.state === 'closed' ? (typeof patch.state_reason === 'string' ? patch.state_reason : 'completed') : 'reopened';
          issue.closed_at = patch.state === 'closed' ? new Date().toISOString().replace(/\.\d+Z$/, 'Z') : null;
        }
        state.rateLimitUsed += 1;
        return { status: 200, headers: rateHeaders(), body: issue };
      }
    }
    return error(404, 'Not Found');
  });
  base = server.url;
  return { ...server, state };
}
