import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createGithubProvider } from '../../../adapters/providers/github/provider.js';
import { ConfigError } from '../../../lib/errors.js';
import { startFakeGithub, type FakeGithub } from '../../fakes/github.js';
import { requestsTo } from '../../fakes/server.js';
import { instantDeps, providerError, section } from './helpers.js';

const TOKEN = 'ghp_secretsecretsecret';
let github: FakeGithub;

test.before.each(async () => {
  github = await startFakeGithub({ token: TOKEN });
});
test.after.each(async () => {
  await github.close();
});

function provider(values: Record<string, string> = {}, deps = instantDeps()) {
  return createGithubProvider(section('github', { token: TOKEN, ...values }, github.url), deps);
}

test('with no repos it polls the three /issues filters, each with the token and API headers', async () => {
  const tickets = await provider().poll();
  const calls = requestsTo(github.requests, 'GET', '/issues');
  assert.equal(
    calls.map((r) => r.query),
    [
      { filter: 'assigned', state: 'open', per_page: '100' },
      { filter: 'mentioned', state: 'open', per_page: '100' },
      { filter: 'subscribed', state: 'open', per_page: '100' },
    ],
  );
  for (const call of calls) {
    assert.is(call.headers.authorization, `Bearer ${TOKEN}`);
    assert.is(call.headers.accept, 'application/vnd.github+json');
    assert.is(call.headers['x-github-api-version'], '2022-11-28');
  }
  const summary = tickets.map((t) => `${t.id} ${t.reason} ${t.projectId}`).sort();
  assert.equal(summary, [
    'acme/api#7 watched acme/api',
    'acme/api#8 assigned acme/api',
    'acme/web#1 assigned acme/web',
    'acme/web#2 assigned acme/web',
    'acme/web#3 mentioned acme/web',
    'other/lib#12 assigned other/lib',
  ]);
});

test('a ticket carries its title, plain-text body, url and updated stamp; pull requests and closed issues are left out', async () => {
  const tickets = await provider().poll();
  const first = tickets.find((t) => t.id === 'acme/web#1');
  assert.ok(first);
  assert.is(first.title, 'Fix the login redirect');
  assert.is(first.description, 'After login the user lands on /undefined.\n\nSteps:\n1. log in\n2. see the URL');
  assert.is(first.url, 'https://github.com/acme/web/issues/1');
  assert.is(first.updatedAt, '2026-11-20T10:00:00Z');
  assert.equal([first.signalCmd, first.dependsOn, first.context], [null, [], '']);
  assert.not.ok(tickets.some((t) => t.id === 'acme/web#4'), 'a pull request is not a ticket');
  assert.not.ok(tickets.some((t) => t.id === 'acme/web#5'), 'a closed issue is not a ticket');
});

test('escape sequences and control characters in ticket text do not come through', async () => {
  const tickets = await provider().poll();
  const docs = tickets.find((t) => t.id === 'acme/api#8');
  assert.ok(docs);
  assert.is(docs.title, 'Document the webhooks');
  assert.is(docs.description, 'Body with a bell  and escapes  inside.');
});

test('with repos it asks each repository for assigned and mentioning issues, and keeps subscriptions in those repos', async () => {
  const tickets = await provider({ repos: 'acme/web, acme/api', username: 'octocat' }).poll();
  assert.equal(
    github.requests.map((r) => `${r.path}?${new URLSearchParams(r.query)}`),
    [
      '/repos/acme/web/issues?assignee=octocat&state=open&per_page=100',
      '/repos/acme/web/issues?mentioned=octocat&state=open&per_page=100',
      '/repos/acme/api/issues?assignee=octocat&state=open&per_page=100',
      '/repos/acme/api/issues?mentioned=octocat&state=open&per_page=100',
      '/issues?filter=subscribed&state=open&per_page=100',
    ],
  );
  assert.equal(tickets.map((t) => t.id).sort(), ['acme/api#7', 'acme/api#8', 'acme/web#1', 'acme/web#2', 'acme/web#3']);
});

test('without a username it asks GET /user once and reuses the login', async () => {
  const github2 = provider({ repos: 'acme/web' });
  await github2.poll();
  await github2.poll();
  assert.is(requestsTo(github.requests, 'GET', '/user').length, 1);
  assert.is(requestsTo(github.requests, 'GET', '/repos/acme/web/issues')[0]?.query.assignee, 'octocat');
});

test('it follows Link rel="next" to the last page', async () => {
  await github.close();
  github = await startFakeGithub({ token: TOKEN, maxPerPage: 2 });
  const tickets = await provider().poll();
  const assigned = requestsTo(github.requests, 'GET', '/issues').filter((r) => r.query.filter === 'assigned');
  assert.equal(assigned.map((r) => r.query.page ?? '1'), ['1', '2', '3']);
  assert.is(tickets.filter((t) => t.reason === 'assigned').length, 4);
});

test('an unchanged second poll is answered with 304s and costs no rate limit', async () => {
  const github2 = provider();
  const first = await github2.poll();
  const used = github.state.rateLimitUsed;
  const second = await github2.poll();
  assert.equal(second, first);
  assert.is(github.state.rateLimitUsed, used);
  const revalidations = requestsTo(github.requests, 'GET', '/issues').slice(3);
  assert.ok(revalidations.every((r) => r.headers['if-none-match']?.startsWith('W/"') && r.response?.status === 304));
});

test('details reads the issue body and every comment', async () => {
  const details = await provider().details('acme/web#1');
  assert.is(details.description, 'After login the user lands on /undefined.\n\nSteps:\n1. log in\n2. see the URL');
  assert.equal(details.comments, [
    { author: 'ann', body: 'It happens only on Safari.', createdAt: '2026-11-20T09:30:00Z' },
    { author: 'bob', body: 'The redirect comes from `next` in the query string.', createdAt: '2026-11-20T10:00:00Z' },
  ]);
  assert.equal(
    github.requests.map((r) => `${r.method} ${r.path}`),
    ['GET /repos/acme/web/issues/1', 'GET /repos/acme/web/issues/1/comments'],
  );
});

test('comment posts the body to the issue', async () => {
  await provider().comment('acme/web#2', 'zoro: work started in session web');
  const post = requestsTo(github.requests, 'POST', '/repos/acme/web/issues/2/comments');
  assert.equal(post[0]?.body, { body: 'zoro: work started in session web' });
  assert.is(github.state.comments['acme/web#2']?.at(-1)?.body, 'zoro: work started in session web');
});

test('complete posts the summary as a closing comment and closes the issue as completed', async () => {
  await provider().complete('acme/web#2', 'Added the dark theme behind a toggle.');
  assert.equal(
    github.requests.map((r) => `${r.method} ${r.path}`),
    ['POST /repos/acme/web/issues/2/comments', 'PATCH /repos/acme/web/issues/2'],
  );
  assert.equal(github.requests[1]?.body, { state: 'closed', state_reason: 'completed' });
  const issue = github.state.issues.find((i) => i.number === 2 && i.repository_url.endsWith('acme/web'));
  assert.is(issue?.state, 'closed');
  assert.is(github.state.comments['acme/web#2']?.at(-1)?.body, 'Added the dark theme behind a toggle.');
});

test('a 401 is an auth error that names the provider and the key, and not the token', async () => {
  const error = await providerError(() => createGithubProvider(section('github', { token: 'wrong' }, github.url)).poll());
  assert.is(error.message, 'github: authentication failed (401): check [provider:github] token');
  assert.is(error.category, 'auth');
  assert.is(error.status, 401);
  assert.is(error.key, 'token');
  assert.not.match(error.message + String(error.stack), 'wrong');
});

test('a 429 with Retry-After is waited out and the poll succeeds', async () => {
  github.inject({ status: 429, headers: { 'retry-after': '3' }, body: { message: 'API rate limit exceeded', documentation_url: 'x' } });
  const deps = instantDeps();
  const tickets = await provider({}, deps).poll();
  assert.equal(deps.waits, [3000]);
  assert.is(tickets.length, 6);
});

test('a 403 with the primary rate limit spent waits until x-ratelimit-reset', async () => {
  const now = Date.parse('2026-11-22T12:00:00Z');
  github.inject({
    status: 403,
    headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 42) },
    body: { message: 'API rate limit exceeded for user ID 1.', documentation_url: 'x' },
  });
  const deps = instantDeps({ now: () => now });
  await provider({}, deps).poll();
  assert.equal(deps.waits, [42_000]);
});

test('a malformed issue list is refused with a clear error and nothing is returned', async () => {
  github.inject({ status: 200, body: [{ number: 'one', title: 5 }] });
  const error = await providerError(() => provider().poll());
  assert.is(error.category, 'bad_response');
  assert.is(error.message, 'github: unexpected response to GET /issues: body[0].number: expected a number, got string');
});

test('a body that is not JSON is refused too', async () => {
  github.inject({ status: 200, raw: '<html>proxy login</html>' });
  const error = await providerError(() => provider().details('acme/web#1'));
  assert.is(error.message, 'github: unexpected response to GET /repos/acme/web/issues/1: the body is not JSON');
});

test('an unknown issue is not_found', async () => {
  const error = await providerError(() => provider().details('acme/web#999'));
  assert.is(error.category, 'not_found');
  assert.match(error.message, 'GET /repos/acme/web/issues/999');
});

test('a missing token or a bad repos entry is a ConfigError naming the key', () => {
  assert.throws(
    () => createGithubProvider(section('github', {}, null)),
    (e: unknown) => e instanceof ConfigError && e.key === 'token' && e.message === '/home/me/.zoro/access.txt:10 (token): [provider:github] is missing token',
  );
  assert.throws(
    () => createGithubProvider(section('github', { token: 't', repos: 'acme' }, null)),
    (e: unknown) => e instanceof ConfigError && e.key === 'repos' && e.line === 12,
  );
});

test.run();
