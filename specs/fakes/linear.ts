/**
 * A fake Linear GraphQL API (`POST /graphql`): the `issues`, `notifications`, `issue`,
 * `workflowStates` queries and the `commentCreate`, `issueUpdate` mutations, answering only
 * the selected fields, with Relay pagination and Linear-style errors (`extensions.type`).
 * Filters are evaluated for the comparators zoro uses (`eq`, `neq`, `in`, `nin`, `gt`,
 * `lt`, `isMe`, `some`). Fixtures: `specs/fakes/fixtures/linear/`.
 *
 *   const linear = await startFakeLinear({ apiKey: 'lin_api_test' });
 *   linear.state.issues.find((i) => i.identifier === 'ENG-12')?.stateId
 */
import { answer, connection, GraphqlFieldError, type Args } from './graphql.js';
import { fixture, startFakeServer, type FakeServer, type Reply } from './server.js';

export interface LinearUser {
  id: string;
  name: string;
  displayName: string;
  email: string;
}
export interface LinearState {
  id: string;
  name: string;
  type: string;
  position: number;
}
export interface LinearTeam {
  id: string;
  key: string;
  name: string;
  states: LinearState[];
}
export interface LinearComment {
  id: string;
  body: string;
  createdAt: string;
  userId: string | null;
}
export interface LinearIssue {
  id: string;
  identifier: string;
  title: string;
  description: string | null;
  url: string;
  createdAt: string;
  updatedAt: string;
  teamId: string;
  stateId: string;
  assigneeId: string | null;
  subscriberIds: string[];
  comments: LinearComment[];
}
export interface LinearNotification {
  id: string;
  type: string;
  category: string;
  readAt: string | null;
  createdAt: string;
  issueId: string | null;
}
export interface LinearFakeState {
  /** `users[0]` is the viewer. */
  users: LinearUser[];
  teams: LinearTeam[];
  issues: LinearIssue[];
  notifications: LinearNotification[];
}

export interface LinearFakeOptions {
  /** @default 'lin_api_test' */
  apiKey?: string;
  /** Caps `first`, so a spec sees pagination with few fixtures. */
  maxFirst?: number;
}

export interface FakeLinear extends FakeServer {
  state: LinearFakeState;
}

const AUTH_ERROR = {
  errors: [
    {
      message: 'Authentication required, not authenticated',
      extensions: { type: 'authentication error', code: 'AUTHENTICATION_ERROR', userError: true, userPresentableMessage: 'You need to authenticate to access this operation.' },
    },
  ],
};

export async function startFakeLinear(options: LinearFakeOptions = {}): Promise<FakeLinear> {
  const state: LinearFakeState = {
    users: fixture('linear', 'users'),
    teams: fixture('linear', 'teams'),
    issues: fixture('linear', 'issues'),
    notifications: fixture('linear', 'notifications'),
  };
  let nextId = 900;
  const me = () => state.users[0]!;
  const user = (id: string | null) => state.users.find((u) => u.id === id) ?? null;
  const team = (id: string) => state.teams.find((t) => t.id === id)!;
  const stateOf = (issue: LinearIssue) => team(issue.teamId).states.find((s) => s.id === issue.stateId)!;
  const page = <T>(items: T[], args: Args) =>
    connection(items, { ...args, first: Math.min(Number(args.first ?? 50), options.maxFirst ?? 250) });

  const wireUser = (u: LinearUser | null) => (u ? { __typename: 'User', ...u, isMe: u.id === me().id } : null);
  const wireIssue = (issue: LinearIssue) => ({
    __typename: 'Issue',
    id: issue.id,
    identifier: issue.identifier,
    title: issue.title,
    description: issue.description,
    url: issue.url,
    createdAt: issue.createdAt,
    updatedAt: issue.updatedAt,
    state: { __typename: 'WorkflowState', ...stateOf(issue) },
    team: { __typename: 'Team', id: team(issue.teamId).id, key: team(issue.teamId).key, name: team(issue.teamId).name },
    assignee: wireUser(user(issue.assigneeId)),
    comments: (args: Args) =>
      page(
        issue.comments.map((c) => ({ __typename: 'Comment', id: c.id, body: c.body, createdAt: c.createdAt, user: wireUser(user(c.userId)) })),
        args,
      ),
  });
  const findIssue = (id: unknown) => {
    const issue = state.issues.find((i) => i.id === id || i.identifier === id);
    if (!issue) throw new GraphqlFieldError('Entity not found: Issue', { type: 'invalid input', code: 'INPUT_ERROR', userError: true, userPresentableMessage: 'Could not find referenced Issue.' });
    return issue;
  };

  const issueFilter = (issue: LinearIssue, filter: Args): boolean =>
    Object.entries(filter).every(([key, value]) => {
      const f = value as Args;
      switch (key) {
        case 'and':
          return (value as Args[]).every((sub) => issueFilter(issue, sub));
        case 'or':
          return (value as Args[]).some((sub) => issueFilter(issue, sub));
        case 'assignee':
          return userFilter(user(issue.assigneeId), f);
        case 'subscribers':
          return collection(issue.subscriberIds.map(user), f, userFilter);
        case 'state':
          return fields(stateOf(issue), f);
        case 'team':
          return fields(team(issue.teamId), f);
        case 'id':
        case 'title':
        case 'updatedAt':
          return compare(issue[key], f);
        default:
          throw new GraphqlFieldError(`Field "${key}" is not defined by type "IssueFilter".`, { type: 'graphql error', code: 'GRAPHQL_VALIDATION_FAILED' }, 400);
      }
    });
  const userFilter = (u: LinearUser | null, filter: Args): boolean =>
    Object.entries(filter).every(([key, cmp]) => {
      if (key === 'null') return (u === null) === cmp;
      if (!u) return false;
      if (key === 'isMe') return compare(u.id === me().id, cmp as Args);
      return compare((u as unknown as Record<string, unknown>)[key], cmp as Args);
    });

  const server = await startFakeServer((request): Reply => {
    if (request.method !== 'POST' || request.path !== '/graphql') return { status: 404, body: { errors: [{ message: 'Not found' }] } };
    if (request.headers.authorization !== (options.apiKey ?? 'lin_api_test')) return { status: 400, body: AUTH_ERROR };
    return answer(request.body, (operation) =>
      operation.kind === 'query'
        ? {
            viewer: wireUser(me()),
            issue: (args: Args) => wireIssue(findIssue(args.id)),
            issues: (args: Args) => page(state.issues.filter((i) => issueFilter(i, (args.filter ?? {}) as Args)).map(wireIssue), args),
            notifications: (args: Args) =>
              page(
                state.notifications
                  .filter((n) => fields(n, (args.filter ?? {}) as Args))
                  .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
                  .map((n) => ({
                    __typename: n.issueId ? 'IssueNotification' : 'ProjectNotification',
                    ...n,
                    ...(n.issueId ? { issue: wireIssue(findIssue(n.issueId)) } : {}),
                  })),
                args,
              ),
            workflowStates: (args: Args) => {
              const filter = (args.filter ?? {}) as Args;
              const states = state.teams.flatMap((t) =>
                t.states.filter((s) => fields(s, { ...filter, team: undefined }) && (!filter.team || fields(t, filter.team as Args))),
              );
              return page(states.map((s) => ({ __typename: 'WorkflowState', ...s })), args);
            },
          }
        : {
            commentCreate: (args: Args) => {
              const input = (args.input ?? {}) as { issueId?: unknown; body?: unknown };
              const issue = findIssue(input.issueId);
              if (typeof input.body !== 'string' || input.body === '') {
                throw new GraphqlFieldError('Argument Validation Error', { type: 'invalid input', code: 'INVALID_INPUT', userError: true });
              }
              const comment = { id: `00000000-0000-4000-8000-${String(nextId++).padStart(12, '0')}`, body: input.body, createdAt: new Date().toISOString(), userId: me().id };
              issue.comments.push(comment);
              return { success: true, lastSyncId: nextId, comment: { id: comment.id, body: comment.body } };
            },
            issueUpdate: (args: Args) => {
              const issue = findIssue(args.id);
              const input = (args.input ?? {}) as { stateId?: unknown };
              if (input.stateId !== undefined) {
                if (!team(issue.teamId).states.some((s) => s.id === input.stateId)) {
                  throw new GraphqlFieldError('Invalid state for this team', { type: 'invalid input', code: 'INVALID_INPUT', userError: true });
                }
                issue.stateId = String(input.stateId);
              }
              issue.updatedAt = new Date().toISOString();
              return { success: true, lastSyncId: nextId, issue: wireIssue(issue) };
            },
          },
    );
  });
  return { ...server, state };
}

/** Every `field: comparator` of `filter` holds for `record` (undefined entries are ignored). */
function fields(record: object, filter: Args): boolean {
  const source = record as Record<string, unknown>;
  return Object.entries(filter).every(([key, cmp]) => cmp === undefined || compare(source[key], cmp as Args));
}

function collection<T>(items: T[], filter: Args, test: (item: T, filter: Args) => boolean): boolean {
  if (filter.some) return items.some((i) => test(i, filter.some as Args));
  if (filter.every) return items.every((i) => test(i, filter.every as Args));
  return true;
}

function compare(value: unknown, cmp: Args): boolean {
  return Object.entries(cmp).every(([op, expected]) => {
    switch (op) {
      case 'eq':
        return value === expected;
      case 'neq':
        return value !== expected;
      case 'in':
        return (expected as unknown[]).includes(value);
      case 'nin':
        return !(expected as unknown[]).includes(value);
      case 'gt':
        return String(value) > String(expected);
      case 'lt':
        return String(value) < String(expected);
      case 'null':
        return (value === null || value === undefined) === expected;
      default:
        throw new GraphqlFieldError(`Comparator "${op}" is not supported by this fake.`, { type: 'graphql error' }, 400);
    }
  });
}
