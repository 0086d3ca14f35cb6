import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMondayProvider, MONDAY_API_VERSION } from '../../../adapters/providers/monday/provider.js';
import { ConfigError } from '../../../lib/errors.js';
import { parseOperation } from '../../fakes/graphql.js';
import { startFakeMonday, type FakeMonday } from '../../fakes/monday.js';
import type { Recorded } from '../../fakes/server.js';
import { instantDeps, providerError, section } from './helpers.js';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.monday';
let monday: FakeMonday;

test.before.each(async () => {
  monday = await startFakeMonday({ token: TOKEN });
});
test.after.each(async () => {
  await monday.close();
});

function provider(values: Record<string, string> = {}, deps = instantDeps()) {
  return createMondayProvider(section('monday', { api_token: TOKEN, board_ids: '1800000001, 1800000002', ...values }, monday.url), deps);
}

function operation(request: Recorded): { name: string | null; root: string; variables: Record<string, unknown> } {
  const body = request.body as { query: string; variables: Record<string, unknown> };
  const parsed = parseOperation(body.query, body.variables);
  return { name: parsed.name, root: parsed.selections[0]!.name, variables: body.variables };
}

test('poll asks who I am, finds the people columns, then pages items whose people columns hold me', async () => {
  await provider().poll();
  assert.ok(monday.requests.every((r) => r.method === 'POST' && r.path === '/v2' && r.headers.authorization === TOKEN));
  assert.ok(monday.requests.every((r) => r.headers['api-version'] === MONDAY_API_VERSION));
  assert.equal(
    monday.requests.map((r) => operation(r)),
    [
      { name: 'ZoroMe', root: 'me', variables: {} },
      { name: 'ZoroBoards', root: 'boards', variables: { boards: ['1800000001', '1800000002'] } },
      {
        name: 'ZoroItems',
        root: 'boards',
        variables: {
          board: ['1800000001'],
          params: { operator: 'or', rules: [{ column_id: 'person', compare_value: ['person-40000001'], operator: 'any_of' }] },
          columns: ['status'],
        },
      },
      {
        name: 'ZoroItems',
        root: 'boards',
        variables: {
          board: ['1800000002'],
          params: {
            operator: 'or',
            rules: [
              { column_id: 'person', compare_value: ['person-40000001'], operator: 'any_of' },
              { column_id: 'reviewer', compare_value: ['person-40000001'], operator: 'any_of' },
            ],
          },
          columns: ['status'],
        },
      },
    ],
  );
});

test('my items not yet done become assigned tickets named monday:<id>, in the board as project', async () => {
  const tickets = await provider().poll();
  assert.equal(
    tickets.map((t) => `${t.id} ${t.reason} ${t.projectId} ${t.title}`),
    [
      'monday:6000000001 assigned 1800000001 Ship the pricing page',
      'monday:6000000004 assigned 1800000001 Shared item',
      'monday:6000000005 assigned 1800000002 Rotate keys',
      'monday:6000000006 assigned 1800000002 Review the runbook',
    ],
  );
  assert.is(tickets[0]?.url, 'https://acme.monday.com/boards/1800000001/pulses/6000000001');
  assert.is(tickets[0]?.updatedAt, '2026-11-21T10:00:00Z');
});

test('my_user_id saves the "me" query', async () => {
  await provider({ my_user_id: '40000001' }).poll();
  assert.not.ok(monday.requests.some((r) => operation(r).root === 'me'));
});

test('a board without a people column is reported once and skipped', async () => {
  const deps = instantDeps();
  const mondayProvider = provider({ board_ids: '1800000003' }, deps);
  assert.equal(await mondayProvider.poll(), []);
  await mondayProvider.poll();
  assert.equal(deps.logs, ['monday: board 1800000003 has no people column, so none of its items can be assigned to you']);
});

test('items are read to the end through next_items_page cursors', async () => {
  await monday.close();
  monday = await startFakeMonday({ token: TOKEN, maxLimit: 1 });
  const tickets = await provider({ board_ids: '1800000001' }).poll();
  const roots = monday.requests.map((r) => operation(r).root);
  assert.equal(roots, ['me', 'boards', 'boards', 'next_items_page', 'next_items_page']);
  assert.ok(typeof operation(monday.requests[3]!).variables.cursor === 'string');
  assert.is(tickets.length, 2);
});

test('details uses the long-text column as the description and the updates, oldest first, as comments', async () => {
  const details = await provider().details('monday:6000000001');
  assert.is(details.description, 'Copy is in the doc.\nDesign is final.');
  assert.equal(details.comments, [
    { author: 'Ann Other', body: 'Older: please start Monday.', createdAt: '2026-11-19T12:00:00Z' },
    { author: 'Ann Other', body: 'Newest: the CFO approved.', createdAt: '2026-11-20T12:00:00Z' },
  ]);
});

test('comment creates an update whose HTML shows the text as written', async () => {
  await provider().comment('monday:6000000005', 'zoro: stuck on <keys>\nsecond line');
  assert.equal(operation(monday.requests[0]!).variables, { item: '6000000005', body: 'zoro: stuck on &lt;keys&gt;<br>second line' });
  assert.is(monday.item('6000000005')?.updates[0]?.text_body, 'zoro: stuck on <keys>\nsecond line');
});

test('complete posts the summary and sets the status column to the done label', async () => {
  await provider().complete('monday:6000000005', 'Keys rotated.');
  assert.equal(
    monday.requests.map((r) => operation(r).root),
    ['items', 'create_update', 'change_simple_column_value'],
  );
  assert.equal(operation(monday.requests[2]!).variables, { board: '1800000002', item: '6000000005', column: 'status', value: 'Done' });
  assert.is(monday.item('6000000005')?.column_values.find((c) => c.id === 'status')?.text, 'Done');
});

test('an unknown done label is reported with the labels the board has', async () => {
  const error = await providerError(() => provider({ done_label: 'Finished' }).complete('monday:6000000005', ''));
  assert.is(error.category, 'bad_response');
  assert.match(error.message, "change_simple_column_value failed: This status label doesn't exist, possible statuses are: 0: Working on it, 1: Done, 2: Stuck");
});

test('a 401 names the provider and api_token', async () => {
  const error = await providerError(() => createMondayProvider(section('monday', { api_token: 'bad', board_ids: '1' }, monday.url), instantDeps()).poll());
  assert.is(error.category, 'auth');
  assert.is(error.message, 'monday: authentication failed (Not Authenticated): check [provider:monday] api_token');
});

test('an exhausted complexity budget (an error in a 200) waits retry_in_seconds and retries', async () => {
  monday.inject({ status: 200, body: { errors: [{ message: 'Complexity budget exhausted', extensions: { code: 'COMPLEXITY_BUDGET_EXHAUSTED', retry_in_seconds: 12 } }], account_id: 1 } });
  const deps = instantDeps();
  const tickets = await provider({}, deps).poll();
  assert.equal(deps.waits, [12_000]);
  assert.is(tickets.length, 4);
});

test('a 429 with Retry-After is waited out, even for a mutation', async () => {
  monday.inject({ status: 429, headers: { 'retry-after': '4' }, body: { errors: [{ message: 'Rate Limit Exceeded', extensions: { code: 'RATE_LIMIT_EXCEEDED' } }] } });
  const deps = instantDeps();
  await provider({}, deps).comment('monday:6000000005', 'hello');
  assert.equal(deps.waits, [4000]);
  assert.is(monday.item('6000000005')?.updates[0]?.text_body, 'hello');
});

test('the older error format (error_code beside a list of strings) is understood too', async () => {
  monday.inject({
    status: 429,
    body: { error_code: 'ComplexityException', status_code: 429, error_message: 'Complexity budget exhausted', errors: ['Complexity budget exhausted, reset in 3 seconds'] },
  });
  const deps = instantDeps();
  await provider({}, deps).poll();
  assert.is(deps.waits.length, 1);
});

test('an item page without items is refused with the path of the problem', async () => {
  monday.inject({ status: 200, body: { data: { me: { id: '40000001' } } } });
  monday.inject({ status: 200, body: { data: { boards: [{ id: '1800000001', name: 'Web', columns: [{ id: 'person' }] }] } } });
  monday.inject({ status: 200, body: { data: { boards: [{ items_page: { cursor: null } }] } } });
  const error = await providerError(() => provider().poll());
  assert.is(error.message, 'monday: unexpected response to items_page: data.boards[0].items_page.items: expected an array, got undefined');
});

test('board_ids are required and numeric', () => {
  assert.throws(
    () => createMondayProvider(section('monday', { api_token: TOKEN }, null)),
    (e: unknown) => e instanceof ConfigError && e.key === 'board_ids',
  );
  assert.throws(
    () => createMondayProvider(section('monday', { api_token: TOKEN, board_ids: 'web' }, null)),
    (e: unknown) => e instanceof ConfigError && e.key === 'board_ids' && /not a numeric board id/.test(e.message),
  );
});

test.run();
