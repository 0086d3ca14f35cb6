import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createAsanaProvider } from '../../../adapters/providers/asana/provider.js';
import { ConfigError } from '../../../lib/errors.js';
import { startFakeAsana, type FakeAsana } from '../../fakes/asana.js';
import { requestsTo } from '../../fakes/server.js';
import { instantDeps, providerError, section } from './helpers.js';

const TOKEN = '1/120000:asanasecret';
const WORKSPACE = '1200000000000001';
const FIELDS = 'name,completed,modified_at,created_at,permalink_url,projects.name,memberships.project.name';
let asana: FakeAsana;

test.before.each(async () => {
  asana = await startFakeAsana({ token: TOKEN });
});
test.after.each(async () => {
  await asana.close();
});

function provider(values: Record<string, string> = {}, deps = instantDeps()) {
  return createAsanaProvider(section('asana', { personal_access_token: TOKEN, workspace_gid: WORKSPACE, ...values }, asana.url), deps);
}

test('poll lists incomplete assigned tasks, then followed tasks through search, with the bearer token', async () => {
  await provider().poll();
  assert.equal(
    asana.requests.map((r) => [r.method, r.path, r.query]),
    [
      ['GET', '/tasks', { assignee: 'me', workspace: WORKSPACE, completed_since: 'now', limit: '100', opt_fields: FIELDS }],
      [
        'GET',
        `/workspaces/${WORKSPACE}/tasks/search`,
        { 'followers.any': 'me', completed: 'false', sort_by: 'created_at', sort_ascending: 'true', limit: '100', opt_fields: FIELDS },
      ],
    ],
  );
  assert.ok(asana.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`));
});

test('assigned tasks are "assigned", followed ones "watched"; ids are asana:<gid>', async () => {
  const tickets = await provider().poll();
  assert.equal(
    tickets.map((t) => `${t.id} ${t.reason} ${t.title}`),
    [
      'asana:1500000000000001 assigned Write the onboarding email',
      'asana:1500000000000002 assigned Fix invoice rounding',
      'asana:1500000000000006 assigned A task in no project',
      'asana:1500000000000004 watched Review the API design',
    ],
  );
});

test('a task in several projects names the first as projectId and all in projectIds', async () => {
  const tickets = await provider().poll();
  const email = tickets.find((t) => t.id === 'asana:1500000000000001');
  assert.is(email?.projectId, '1400000000000001');
  assert.equal(email?.projectIds, ['1400000000000001', '1400000000000003']);
  assert.is(email?.url, 'https://app.asana.com/0/1400000000000001/1500000000000001');
  assert.is(email?.updatedAt, '2026-11-21T10:00:00.000Z');
  const single = tickets.find((t) => t.id === 'asana:1500000000000002');
  assert.is(single?.projectId, '1400000000000002');
  assert.is(single?.projectIds, undefined);
  assert.is(tickets.find((t) => t.id === 'asana:1500000000000006')?.projectId, null);
});

test('my_user_gid replaces "me" in the queries', async () => {
  await provider({ my_user_gid: '1300000000000001' }).poll();
  assert.is(asana.requests[0]?.query.assignee, '1300000000000001');
  assert.is(asana.requests[1]?.query['followers.any'], '1300000000000001');
});

test('assigned tasks are read page by page through next_page.offset', async () => {
  await asana.close();
  asana = await startFakeAsana({ token: TOKEN, maxLimit: 1 });
  const tickets = await provider().poll();
  const pages = requestsTo(asana.requests, 'GET', '/tasks');
  assert.is(pages.length, 3);
  assert.is(pages[0]?.query.offset, undefined);
  assert.ok(pages[1]?.query.offset && pages[2]?.query.offset);
  assert.is(tickets.filter((t) => t.reason === 'assigned').length, 3);
});

test('search pages by creation time: a full page asks again for tasks created after its last one', async () => {
  const template = asana.state.tasks.find((t) => t.gid === '1500000000000004')!;
  for (let i = 0; i < 150; i += 1) {
    const gid = String(1_510_000_000_000_000 + i);
    const created = new Date(Date.UTC(2026, 9, 1, 0, i)).toISOString();
    asana.state.tasks.push({ ...template, gid, name: `Followed ${i}`, created_at: created });
  }
  const tickets = await provider().poll();
  const searches = requestsTo(asana.requests, 'GET', `/workspaces/${WORKSPACE}/tasks/search`);
  assert.equal(
    searches.map((r) => r.query['created_at.after']),
    [undefined, new Date(Date.UTC(2026, 9, 1, 1, 39)).toISOString()],
  );
  assert.is(tickets.filter((t) => t.reason === 'watched').length, 151);
});

test('without the search API (402) it says so once and keeps polling assigned tasks', async () => {
  await asana.close();
  asana = await startFakeAsana({ token: TOKEN, premium: false });
  const deps = instantDeps();
  const free = provider({}, deps);
  const first = await free.poll();
  const second = await free.poll();
  assert.equal(first.map((t) => t.reason), ['assigned', 'assigned', 'assigned']);
  assert.equal(second, first);
  assert.equal(deps.logs, [
    'asana: following tasks needs Asana search, which this workspace does not have (402 Payment Required); polling assigned tasks only',
  ]);
  assert.is(requestsTo(asana.requests, 'GET', `/workspaces/${WORKSPACE}/tasks/search`).length, 1, 'search is not asked again');
});

test('details reads the notes and keeps only comment stories', async () => {
  const details = await provider().details('asana:1500000000000001');
  assert.is(details.description, 'Three short paragraphs.\nLink to the docs.');
  assert.equal(details.comments, [
    { author: 'Ann Other', body: 'Please keep it under 200 words.', createdAt: '2026-11-12T08:00:00.000Z' },
    { author: 'Ada Lovelace', body: 'Will do.', createdAt: '2026-11-12T09:00:00.000Z' },
  ]);
  assert.equal(
    asana.requests.map((r) => `${r.method} ${r.path} ${r.query.opt_fields}`),
    ['GET /tasks/1500000000000001 name,notes', 'GET /tasks/1500000000000001/stories type,text,created_at,created_by.name'],
  );
});

test('comment posts a story; complete posts the summary and sets completed: true', async () => {
  const asanaProvider = provider();
  await asanaProvider.comment('asana:1500000000000002', 'zoro: stuck on a failing test');
  await asanaProvider.complete('asana:1500000000000002', 'Rounded with banker’s rounding.');
  assert.equal(
    asana.requests.map((r) => [r.method, r.path, r.body]),
    [
      ['POST', '/tasks/1500000000000002/stories', { data: { text: 'zoro: stuck on a failing test' } }],
      ['POST', '/tasks/1500000000000002/stories', { data: { text: 'Rounded with banker’s rounding.' } }],
      ['PUT', '/tasks/1500000000000002', { data: { completed: true } }],
    ],
  );
  assert.is(asana.state.tasks.find((t) => t.gid === '1500000000000002')?.completed, true);
});

test('a 401 names the provider and the personal_access_token key', async () => {
  const error = await providerError(() =>
    createAsanaProvider(section('asana', { personal_access_token: 'nope', workspace_gid: WORKSPACE }, asana.url), instantDeps()).poll(),
  );
  assert.is(error.message, 'asana: authentication failed (401): check [provider:asana] personal_access_token');
  assert.is(error.key, 'personal_access_token');
});

test('a 429 with Retry-After is waited out', async () => {
  asana.inject(
    { status: 429, headers: { 'retry-after': '30' }, body: { errors: [{ message: "You've made too many requests and hit a rate limit." }] } },
    { match: (r) => r.path === '/tasks' },
  );
  const deps = instantDeps();
  const tickets = await provider({}, deps).poll();
  assert.equal(deps.waits, [30_000]);
  assert.is(tickets.length, 4);
});

test('a comment is not sent twice after a server error (it may have been stored)', async () => {
  asana.inject({ status: 500, body: { errors: [{ message: 'Server Error', phrase: '6 sad squid snuggle softly' }] } });
  const error = await providerError(() => provider().comment('asana:1500000000000002', 'hello'));
  assert.is(error.category, 'server');
  assert.is(requestsTo(asana.requests, 'POST', '/tasks/1500000000000002/stories').length, 1);
});

test('a task without a name is refused with the path of the bad field', async () => {
  asana.inject({ status: 200, body: { data: [{ gid: '1', completed: false }], next_page: null } });
  const error = await providerError(() => provider().poll());
  assert.is(error.category, 'bad_response');
  assert.is(error.message, 'asana: unexpected response to GET /tasks: body.data[0].name: expected a string, got undefined');
});

test('a missing workspace_gid is a ConfigError', () => {
  assert.throws(
    () => createAsanaProvider(section('asana', { personal_access_token: TOKEN }, null)),
    (e: unknown) => e instanceof ConfigError && e.key === 'workspace_gid' && /\[provider:asana\] is missing workspace_gid/.test(e.message),
  );
});

test.run();
