/**
 * A fake Jira Cloud REST v3 (the endpoints zoro uses): Basic auth, the enhanced JQL search
 * (`/rest/api/3/search/jql`, `nextPageToken` pagination, only the `fields` asked for; the
 * removed `/rest/api/3/search` answers 410), issues with ADF descriptions, paginated
 * comments, and one simple workflow (To Do → In Progress → Done) for transitions. It
 * understands the JQL zoro sends: `field = value`, `!=`, `in (…)` clauses joined by AND,
 * with `currentUser()`, and an ORDER BY; anything else is a 400 as Jira would give.
 *
 *   const jira = await startFakeJira();
 *   jira.state.issues.find((i) => i.key === 'PROJ-12')?.fields.status.name  // 'Done' once zoro is done
 */
import { fixture, startFakeServer, type FakeServer, type Recorded, type Reply } from './server.js';

export interface JiraUser {
  accountId: string;
  displayName: string;
  [field: string]: unknown;
}
export interface JiraStatus {
  id: string;
  name: string;
  statusCategory: { id: number; key: string; colorName: string; name: string };
}
export interface JiraComment {
  id: string;
  author: JiraUser;
  body: unknown;
  created: string;
  updated: string;
  [field: string]: unknown;
}
export interface JiraIssue {
  id: string;
  key: string;
  fields: {
    summary: string;
    description: unknown;
    status: JiraStatus;
    project: { id: string; key: string; name: string };
    assignee: JiraUser | null;
    created: string;
    updated: string;
    [field: string]: unknown;
  };
  /** Account ids. */
  watchers: string[];
  comments: JiraComment[];
}
export interface JiraWorkflow {
  statuses: Record<string, JiraStatus>;
  transitions: { id: string; name: string; to: string }[];
}
export interface JiraState {
  myself: JiraUser;
  issues: JiraIssue[];
  workflow: JiraWorkflow;
}

export interface JiraFakeOptions {
  /** @default 'grace@example.com' */
  email?: string;
  /** @default 'jira-test-token' */
  token?: string;
  /** Caps `maxResults`, so a spec sees pagination with few fixtures. @default 100 */
  maxResults?: number;
}

export interface FakeJira extends FakeServer {
  state: JiraState;
}

const fail = (status: number, errorMessages: string[], errors: Record<string, string> = {}): Reply => ({ status, body: { errorMessages, errors } });

export async function startFakeJira(options: JiraFakeOptions = {}): Promise<FakeJira> {
  const expected = `Basic ${Buffer.from(`${options.email ?? 'grace@example.com'}:${options.token ?? 'jira-test-token'}`).toString('base64')}`;
  const state: JiraState = { myself: fixture('jira', 'myself'), issues: fixture('jira', 'issues'), workflow: fixture('jira', 'workflow') };
  let base = '';
  let nextComment = 30_000;

  const wire = (issue: JiraIssue, fields: string | undefined) => ({
    id: issue.id,
    key: issue.key,
    self: `${base}/rest/api/3/issue/${issue.id}`,
    fields: fields === undefined || fields === '*all' ? issue.fields : pick(issue.fields, fields.split(',')),
  });
  const find = (key: string): JiraIssue | undefined => state.issues.find((i) => i.key === key || i.id === key);
  const available = (issue: JiraIssue) => state.workflow.transitions.filter((t) => t.to !== issue.fields.status.name);

  const server = await startFakeServer((request) => {
    if (request.headers.authorization !== expected) {
      return fail(401, ['You are not authenticated. Authentication required to perform this operation.']);
    }
    if (request.path === '/rest/api/3/search') {
      return fail(410, ['The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046']);
    }
    if (request.path === '/rest/api/3/myself' && request.method === 'GET') return { status: 200, body: state.myself };
    if (request.path === '/rest/api/3/search/jql' && request.method === 'GET') return search(request);

    const m = /^\/rest\/api\/3\/issue\/([^/]+)(\/comment|\/transitions)?$/.exec(request.path);
    const issue = m ? find(decodeURIComponent(m[1]!)) : undefined;
    if (m && !issue) return fail(404, ['Issue does not exist or you do not have permission to see it.']);
    if (m && issue) {
      if (!m[2] && request.method === 'GET') return { status: 200, body: wire(issue, request.query.fields) };
      if (m[2] === '/comment' && request.method === 'GET') {
        const startAt = Number(request.query.startAt ?? 0);
        const maxResults = Math.min(Number(request.query.maxResults ?? 50), options.maxResults ?? 100);
        const comments = issue.comments.slice(startAt, startAt + maxResults);
        return { status: 200, body: { startAt, maxResults, total: issue.comments.length, comments } };
      }
      if (m[2] === '/comment' && request.method === 'POST') {
        const body = (request.body as { body?: { type?: unknown; version?: unknown; content?: unknown } } | undefined)?.body;
        if (!body || body.type !== 'doc' || body.version !== 1 || !Array.isArray(body.content)) {
          return fail(400, [], { comment: 'Comment body is not valid!' });
        }
        const now = new Date().toISOString().replace('Z', '+0000');
        const comment: JiraComment = { id: String(nextComment++), author: state.myself, body, created: now, updated: now, jsdPublic: true };
        issue.comments.push(comment);
        return { status: 201, body: { ...comment, self: `${base}/rest/api/3/issue/${issue.id}/comment/${comment.id}` } };
      }
      if (m[2] === '/transitions' && request.method === 'GET') {
        return {
          status: 200,
          body: {
            expand: 'transitions',
            transitions: available(issue).map((t) => ({
              id: t.id,
              name: t.name,
              to: { ...state.workflow.statuses[t.to], self: `${base}/rest/api/3/status/${state.workflow.statuses[t.to]?.id}` },
              hasScreen: false,
              isGlobal: true,
              isInitial: false,
              isAvailable: true,
              isConditional: false,
              isLooped: false,
            })),
          },
        };
      }
      if (m[2] === '/transitions' && request.method === 'POST') {
        const wanted = (request.body as { transition?: { id?: unknown } } | undefined)?.transition?.id;
        const transition = available(issue).find((t) => t.id === wanted);
        if (!transition) return fail(400, [`Transition id '${String(wanted)}' is not valid for this issue.`]);
        issue.fields.status = state.workflow.statuses[transition.to]!;
        issue.fields.updated = new Date().toISOString().replace('Z', '+0000');
        return { status: 204 };
      }
    }
    return fail(404, ['Not found']);
  });
  base = server.url;

  function search(request: Recorded): Reply {
    const matches = jqlFilter(request.query.jql ?? '', state.myself.accountId);
    if (typeof matches === 'string') return fail(400, [matches]);
    const found = state.issues.filter(matches);
    const size = Math.min(Number(request.query.maxResults ?? 50), options.maxResults ?? 100, 5000);
    const start = request.query.nextPageToken ? Number(Buffer.from(request.query.nextPageToken, 'base64url').toString()) : 0;
    const end = start + size;
    const last = end >= found.length;
    return {
      status: 200,
      body: {
        issues: found.slice(start, end).map((i) => wire(i, request.query.fields ?? 'id')),
        ...(last ? {} : { nextPageToken: Buffer.from(String(end)).toString('base64url') }),
        isLast: last,
      },
    };
  }

  return { ...server, state };
}

/** The fields listed (Jira's `fields=a,b`); `id` alone gives an empty fields object. */
function pick(fields: Record<string, unknown>, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.filter((n) => n in fields).map((n) => [n, fields[n]]));
}

/** A predicate for the small JQL subset zoro uses, or the error message Jira would give. */
function jqlFilter(jql: string, me: string): ((issue: JiraIssue) => boolean) | string {
  const where = jql.replace(/\s+ORDER\s+BY\s+.*$/i, '').trim();
  if (where === '') return 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.';
  const tests: ((issue: JiraIssue) => boolean)[] = [];
  for (const clause of where.split(/\s+AND\s+/i)) {
    const m = /^(\w+)\s*(=|!=|in|not in)\s*(.+)$/i.exec(clause.trim());
    if (!m) return `Error in the JQL Query: Expecting operator but got '${clause}'.`;
    const [, field, op, raw] = m;
    const values = (/^\((.*)\)$/.exec(raw!.trim())?.[1] ?? raw!)
      .split(',')
      .map((v) => v.trim().replace(/^["']|["']$/g, ''))
      .map((v) => (v === 'currentUser()' ? me : v.toLowerCase()));
    const value = (issue: JiraIssue): string[] => {
      switch (field!.toLowerCase()) {
        case 'assignee':
          return [issue.fields.assignee?.accountId ?? 'empty'];
        case 'watcher':
          return issue.watchers;
        case 'statuscategory':
          return [issue.fields.status.statusCategory.name.toLowerCase(), issue.fields.status.statusCategory.key];
        case 'project':
          return [issue.fields.project.key.toLowerCase()];
        case 'status':
          return [issue.fields.status.name.toLowerCase()];
        default:
          return [];
      }
    };
    if (!['assignee', 'watcher', 'statuscategory', 'project', 'status'].includes(field!.toLowerCase())) {
      return `Field '${field}' does not exist or you do not have permission to view it.`;
    }
    const positive = op === '=' || op!.toLowerCase() === 'in';
    tests.push((issue) => value(issue).some((v) => values.includes(v)) === positive);
  }
  return (issue) => tests.every((t) => t(issue));
}
