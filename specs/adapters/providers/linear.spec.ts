import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLinearProvider } from '../../../adapters/providers/linear/provider.js';
import { ConfigError } from '../../../lib/errors.js';
import { parseOperation } from '../../fakes/graphql.js';
import { startFakeLinear, type FakeLinear } from '../../fakes/linear.js';
import type { Recorded } from '../../fakes/server.js';
import { instantDeps, providerError, section } from './helpers.js';

const KEY = 'lin_api_0123456789abcdef';
const NOW = Date.parse('2026-11-22T12:00:00.000Z');
let linear: FakeLinear;

test.before.each(async () => {
  linear = await startFakeLinear({ apiKey: KEY });
});
test.after.each(async () => {
  await linear.close();
});

function provider(values: Record<string, string> = {}, deps = instantDeps({ now: () => NOW })) {
  return createLinearProvider(section('linear', { api_key: KEY, ...values }, linear.url), deps);
}

/** The operation name, root field and variables of a recorded GraphQL request. */
function operation(request: Recorded): { name: string | null; root: string; variables: Record<string, unknown> } {
  const body = request.body as { query: string; variables: Record<string, unknown> };
  const parsed = parseOperation(body.query, body.variables);
  return { name: parsed.name, root: parsed.selections[0]!.name, variables: body.variables };
}

test('poll sends three queries to POST /graphql with the key as it is (no Bearer)', async () => {
  await provider().poll();
  assert.ok(linear.requests.every((r) => r.method === 'POST' && r.path === '/graphql' && r.headers.authorization === KEY));
  assert.equal(
    linear.requests.map((r) => operation(r)),
    [
      {
        name: 'ZoroIssues',
        root: 'issues',
        variables: { filter: { state: { type: { nin: ['completed', 'canceled'] } }, assignee: { isMe: { eq: true } } }, after: null },
      },
      {
        name: 'ZoroIssues',
        root: 'issues',
        variables: { filter: { state: { type: { nin: ['completed', 'canceled'] } }, subscribers: { some: { isMe: { eq: true } } } }, after: null },
      },
      { name: 'ZoroNotifications', root: 'notifications', variables: { filter: { createdAt: { gt: '2026-10-23T12:00:00.000Z' } }, after: null } },
    ],
  );
});

test('assigned, subscribed, and unread notifications become tickets with the strongest reason', async () => {
  const tickets = await provider().poll();
  assert.equal(
    tickets.map((t) => `${t.id} ${t.reason} ${t.projectId}`),
    ['ENG-12 assigned ENG', 'ENG-13 assigned ENG', 'OPS-3 assigned OPS', 'ENG-16 watched ENG', 'ENG-18 waiting ENG', 'ENG-17 mentioned ENG'],
  );
  const first = tickets[0]!;
  assert.is(first.title, 'Crash on empty cart');
  assert.is(first.url, 'https://linear.app/acme/issue/ENG-12/crash-on-empty-cart');
  assert.is(first.updatedAt, '2026-11-21T10:00:00.000Z');
});

test('team_keys narrows every listing to those teams', async () => {
  const tickets = await provider({ team_keys: 'ops' }).poll();
  assert.equal(operation(linear.requests[0]!).variables.filter, {
    state: { type: { nin: ['completed', 'canceled'] } },
    team: { key: { in: ['OPS'] } },
    assignee: { isMe: { eq: true } },
  });
  assert.equal(tickets.map((t) => t.id), ['OPS-3']);
});

test('listings are read to the end through pageInfo.endCursor', async () => {
  await linear.close();
  linear = await startFakeLinear({ apiKey: KEY, maxFirst: 1 });
  const tickets = await provider().poll();
  const assigned = linear.requests.filter((r) => JSON.stringify(operation(r).variables.filter ?? {}).includes('assignee'));
  assert.is(assigned.length, 3);
  assert.equal(assigned.map((r) => operation(r).variables.after === null), [true, false, false]);
  assert.is(tickets.length, 6);
});

test('details reads the Markdown description and the comments, oldest first', async () => {
  const details = await provider().details('ENG-12');
  assert.is(details.description, 'Steps:\n1. empty the cart\n2. press **Pay**');
  assert.equal(details.comments, [
    { author: 'Ann Other', body: 'Stack trace attached.', createdAt: '2026-11-20T10:00:00.000Z' },
    { author: 'Linear', body: 'Synced from Sentry.', createdAt: '2026-11-20T10:05:00.000Z' },
  ]);
  assert.equal(operation(linear.requests[0]!).variables, { id: 'ENG-12', after: null });
});

test('comment creates a comment on the issue by its id', async () => {
  const issue = linear.state.issues.find((i) => i.identifier === 'ENG-13')!;
  await provider().comment('ENG-13', 'zoro: started');
  assert.equal(
    linear.requests.map((r) => operation(r)),
    [
      { name: 'ZoroIssueRef', root: 'issue', variables: { id: 'ENG-13' } },
      { name: 'ZoroComment', root: 'commentCreate', variables: { input: { issueId: issue.id, body: 'zoro: started' } } },
    ],
  );
  assert.is(issue.comments.at(-1)?.body, 'zoro: started');
});

test("complete posts the summary and moves the issue to its team's first completed state", async () => {
  const linearProvider = provider();
  await linearProvider.poll();
  const before = linear.requests.length;
  await linearProvider.complete('ENG-12', 'Guarded the empty cart.');
  const issue = linear.state.issues.find((i) => i.identifier === 'ENG-12')!;
  assert.equal(
    linear.requests.slice(before).map((r) => operation(r).root),
    ['workflowStates', 'commentCreate', 'issueUpdate'],
  );
  assert.is(issue.stateId, '00000000-0000-4000-8000-000000000104');
  assert.is(issue.comments.at(-1)?.body, 'Guarded the empty cart.');
});

test('an authentication error names the provider and api_key', async () => {
  const error = await providerError(() => createLinearProvider(section('linear', { api_key: 'lin_api_wrong' }, linear.url), instantDeps()).poll());
  assert.is(error.category, 'auth');
  assert.is(error.key, 'api_key');
  assert.match(error.message, /^linear: authentication failed \(Authentication required, not authenticated\): check \[provider:linear\] api_key$/);
  assert.not.match(error.message, 'lin_api_wrong');
});

test('a rate-limit error (429, type "ratelimited") waits for Retry-After and retries', async () => {
  linear.inject({
    status: 429,
    headers: { 'retry-after': '7' },
    body: { errors: [{ message: 'Rate limit exceeded', extensions: { type: 'ratelimited', code: 'RATELIMITED', userError: true } }] },
  });
  const deps = instantDeps({ now: () => NOW });
  const tickets = await provider({}, deps).poll();
  assert.equal(deps.waits, [7000]);
  assert.is(tickets.length, 6);
});

test('errors in a 200 response fail the call even when partial data came with them', async () => {
  linear.inject({ status: 200, body: { data: { issues: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } }, errors: [{ message: 'Something broke', extensions: { type: 'internal error' } }] } });
  const error = await providerError(() => provider({}, instantDeps({ now: () => NOW, retries: 0 })).poll());
  assert.is(error.category, 'server');
  assert.is(error.message, 'linear: issues failed: Something broke');
});

test('a malformed issue node is refused with the path of the bad field', async () => {
  linear.inject({ status: 200, body: { data: { issues: { nodes: [{ id: 'x', identifier: 7 }], pageInfo: { hasNextPage: false, endCursor: null } } } } });
  const error = await providerError(() => provider().poll());
  assert.is(error.category, 'bad_response');
  assert.is(error.message, 'linear: unexpected response to issues: data.issues.nodes[0].identifier: expected a string, got number');
});

test('an unknown issue is reported with Linear’s words', async () => {
  const error = await providerError(() => provider().details('ENG-999'));
  assert.is(error.category, 'not_found');
  assert.match(error.message, 'Entity not found: Issue');
});

test('api_url may name the host or the /graphql endpoint itself', async () => {
  const tickets = await createLinearProvider(section('linear', { api_key: KEY }, `${linear.url}/graphql/`), instantDeps({ now: () => NOW })).poll();
  assert.is(tickets.length, 6);
  assert.ok(linear.requests.every((r) => r.path === '/graphql'));
});

test('a missing api_key is a ConfigError', () => {
  assert.throws(
    () => createLinearProvider(section('linear', {}, null)),
    (e: unknown) => e instanceof ConfigError && e.key === 'api_key',
  );
});

test.run();
