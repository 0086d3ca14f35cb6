import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createJiraProvider, DEFAULT_JQL, WATCHED_JQL } from '../../../adapters/providers/jira/provider.js';
import { ConfigError } from '../../../lib/errors.js';
import { startFakeJira, type FakeJira } from '../../fakes/jira.js';
import { requestsTo } from '../../fakes/server.js';
import { instantDeps, providerError, section } from './helpers.js';

const EMAIL = 'grace@example.com';
const TOKEN = 'ATATT3xFfGF0jira';
const BASIC = `Basic ${Buffer.from(`${EMAIL}:${TOKEN}`).toString('base64')}`;
let jira: FakeJira;

test.before.each(async () => {
  jira = await startFakeJira({ email: EMAIL, token: TOKEN });
});
test.after.each(async () => {
  await jira.close();
});

function provider(values: Record<string, string> = {}, deps = instantDeps()) {
  return createJiraProvider(section('jira', { site_url: 'https://acme.atlassian.net', email: EMAIL, api_token: TOKEN, ...values }, jira.url), deps);
}

test('poll runs the assigned JQL and the watched JQL through /search/jql with Basic auth', async () => {
  await provider().poll();
  assert.equal(
    jira.requests.map((r) => [r.method, r.path, r.query]),
    [
      ['GET', '/rest/api/3/search/jql', { jql: DEFAULT_JQL, fields: 'summary,status,project,updated', maxResults: '100' }],
      ['GET', '/rest/api/3/search/jql', { jql: WATCHED_JQL, fields: 'summary,status,project,updated', maxResults: '100' }],
    ],
  );
  assert.ok(jira.requests.every((r) => r.headers.authorization === BASIC && r.headers.accept === 'application/json'));
});

test('assigned issues that are not done, then watched ones; ids are keys, projects are project keys', async () => {
  const tickets = await provider().poll();
  assert.equal(
    tickets.map((t) => `${t.id} ${t.reason} ${t.projectId}`),
    ['PROJ-12 assigned PROJ', 'PROJ-13 assigned PROJ', 'OPS-7 watched OPS'],
  );
  const first = tickets[0]!;
  assert.is(first.title, 'Fix the flaky login test');
  assert.is(first.url, 'https://acme.atlassian.net/browse/PROJ-12');
  assert.is(first.updatedAt, '2026-11-21T10:00:00.000+0000');
});

test('a custom jql replaces the assigned query', async () => {
  const tickets = await provider({ jql: 'project = OPS AND statusCategory != Done' }).poll();
  assert.is(jira.requests[0]?.query.jql, 'project = OPS AND statusCategory != Done');
  assert.equal(tickets.map((t) => `${t.id} ${t.reason}`), ['OPS-7 assigned', 'OPS-8 assigned', 'PROJ-12 watched', 'PROJ-13 watched']);
});

test('search follows nextPageToken until isLast', async () => {
  await jira.close();
  jira = await startFakeJira({ email: EMAIL, token: TOKEN, maxResults: 1 });
  const tickets = await provider().poll();
  const assigned = jira.requests.filter((r) => r.query.jql === DEFAULT_JQL);
  assert.is(assigned.length, 2);
  assert.is(assigned[0]?.query.nextPageToken, undefined);
  assert.ok(assigned[1]?.query.nextPageToken);
  assert.is(tickets.length, 3);
});

test('details turns the ADF description and comments into plain text', async () => {
  const details = await provider().details('PROJ-12');
  assert.is(details.description, 'The test login.spec fails one run in ten.\n\n- seen on CI\n- never locally\n\n```sh\nnpm test -- login\n```');
  assert.equal(details.comments, [
    { author: 'Ann Other', body: 'Hi @Grace Hopper, can you take this?', createdAt: '2026-11-20T10:00:00.000+0000' },
    { author: 'Grace Hopper', body: 'On it.', createdAt: '2026-11-20T11:00:00.000+0000' },
  ]);
  assert.equal(
    jira.requests.map((r) => `${r.method} ${r.path}`),
    ['GET /rest/api/3/issue/PROJ-12', 'GET /rest/api/3/issue/PROJ-12/comment'],
  );
});

test('a description without ADF, or with escape sequences, still comes out as clean text', async () => {
  assert.is((await provider().details('PROJ-13')).description, '');
  assert.is((await provider().details('OPS-7')).description, 'Expires Friday.  Clear screen attempt.');
});

test('comments are read page by page', async () => {
  await jira.close();
  jira = await startFakeJira({ email: EMAIL, token: TOKEN, maxResults: 1 });
  const details = await provider().details('PROJ-12');
  assert.is(details.comments.length, 2);
  assert.equal(requestsTo(jira.requests, 'GET', '/rest/api/3/issue/PROJ-12/comment').map((r) => r.query.startAt), ['0', '1']);
});

test('comment posts the text as an ADF document', async () => {
  await provider().comment('PROJ-13', 'zoro: started\nin session docs\n\nsecond paragraph');
  const post = requestsTo(jira.requests, 'POST', '/rest/api/3/issue/PROJ-13/comment')[0];
  assert.equal(post?.body, {
    body: {
      type: 'doc',
      version: 1,
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'zoro: started' }, { type: 'hardBreak' }, { type: 'text', text: 'in session docs' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'second paragraph' }] },
      ],
    },
  });
});

test('complete posts the summary and takes the transition into a Done status', async () => {
  await provider().complete('PROJ-12', 'Made the test wait for the redirect.');
  assert.equal(
    jira.requests.map((r) => `${r.method} ${r.path}`),
    ['GET /rest/api/3/issue/PROJ-12/transitions', 'POST /rest/api/3/issue/PROJ-12/comment', 'POST /rest/api/3/issue/PROJ-12/transitions'],
  );
  assert.equal(jira.requests[2]?.body, { transition: { id: '31' } });
  const issue = jira.state.issues.find((i) => i.key === 'PROJ-12');
  assert.is(issue?.fields.status.name, 'Done');
  assert.is(issue?.comments.length, 3);
});

test('done_transition picks a transition by name or id', async () => {
  await provider({ done_transition: 'start progress' }).complete('PROJ-13', '');
  assert.equal(jira.requests.at(-1)?.body, { transition: { id: '21' } });
  await provider({ done_transition: '31' }).complete('PROJ-13', '');
  assert.is(jira.state.issues.find((i) => i.key === 'PROJ-13')?.fields.status.name, 'Done');
});

test('an unavailable done_transition fails before commenting and lists what is available', async () => {
  const error = await providerError(() => provider({ done_transition: 'Ship it' }).complete('PROJ-13', 'summary'));
  assert.is(error.category, 'not_found');
  assert.match(error.message, 'done_transition "Ship it" is not available');
  assert.match(error.message, '"Done" (31)');
  assert.is(requestsTo(jira.requests, 'POST', '/rest/api/3/issue/PROJ-13/comment').length, 0);
});

test('a 401 names the provider, the email and the api_token', async () => {
  const error = await providerError(() =>
    createJiraProvider(section('jira', { site_url: 'https://acme.atlassian.net', email: EMAIL, api_token: 'wrong' }, jira.url), instantDeps()).poll(),
  );
  assert.is(error.message, 'jira: authentication failed (401): check [provider:jira] email and api_token');
  assert.is(error.key, 'api_token');
});

test('a 429 with Retry-After is waited out', async () => {
  jira.inject({ status: 429, headers: { 'retry-after': '5', 'x-ratelimit-reset': '2026-11-22T12:00:00Z' }, body: { errorMessages: ['Rate limit exceeded.'], errors: {} } });
  const deps = instantDeps();
  await provider({}, deps).poll();
  assert.equal(deps.waits, [5000]);
});

test('an unknown issue is not_found with Jira’s own words', async () => {
  const error = await providerError(() => provider().details('PROJ-999'));
  assert.is(error.category, 'not_found');
  assert.match(error.message, 'Issue does not exist or you do not have permission to see it.');
});

test('a search page without issues is refused', async () => {
  jira.inject({ status: 200, body: { isLast: true } });
  const error = await providerError(() => provider().poll());
  assert.is(error.message, 'jira: unexpected response to GET /rest/api/3/search/jql: body.issues: expected an array, got undefined');
});

test('site_url, email and api_token are required', () => {
  assert.throws(
    () => createJiraProvider(section('jira', { email: EMAIL, api_token: TOKEN }, null)),
    (e: unknown) => e instanceof ConfigError && e.key === 'site_url',
  );
  assert.throws(
    () => createJiraProvider(section('jira', { site_url: 'acme', email: EMAIL, api_token: TOKEN }, null)),
    (e: unknown) => e instanceof ConfigError && e.key === 'site_url' && /https:\/\/acme.atlassian.net/.test(e.message),
  );
});

test.run();
