import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TicketRecord } from '../../lib/ticket.js';
import { blockingParent, candidates, dependenciesDone, nextDispatches, queueOf, type RouteSession, type RouteTicket } from '../../machines/routing.js';
import { ticketRecord } from './helpers.js';

function session(name: string, overrides: Partial<RouteSession> = {}): RouteSession {
  return { name, project_ids: [], providers: [], role: 'executor', ...overrides };
}

function world(...records: TicketRecord[]): Map<string, RouteTicket> {
  return new Map(records.map((record) => [record.id, { record, dispatchable: true }]));
}

const names = (sessions: RouteSession[]) => sessions.map((s) => s.name);

const web = session('web', { project_ids: ['web'] });
const api = session('api', { project_ids: ['api', 'worker'] });
const anyGithub = session('gh', { providers: ['github'] });
const anything = session('any');
const planner = session('planner', { role: 'planner' });

test('a ticket goes to the sessions whose project_ids contain its project', () => {
  const sessions = [web, api, anything];
  assert.equal(names(candidates(ticketRecord({ id: '1', project_id: 'worker' }), sessions)), ['api']);
  assert.equal(names(candidates(ticketRecord({ id: '2', project_id: 'web' }), sessions)), ['web']);
});

test('a ticket in several projects goes to every session that claims one of them', () => {
  const docs = session('docs', { project_ids: ['docs'] });
  const ticket = ticketRecord({ id: '1', project_id: 'web', project_ids: ['web', 'worker'] });
  assert.equal(names(candidates(ticket, [web, api, docs, anything])), ['web', 'api']);
});

test('a project no session claims goes to the sessions bound to no project', () => {
  assert.equal(names(candidates(ticketRecord({ id: '1', project_id: 'docs' }), [web, api, anything])), ['any']);
  assert.equal(names(candidates(ticketRecord({ id: '2', project_id: 'docs' }), [web, api])), []);
});

test('a ticket without a project goes to the sessions that take its provider', () => {
  const sessions = [web, anyGithub, anything];
  assert.equal(names(candidates(ticketRecord({ id: '1', provider: 'github' }), sessions)), ['web', 'gh', 'any']);
  assert.equal(names(candidates(ticketRecord({ id: '2', provider: 'plan' }), sessions)), ['web', 'any']);
});

test('sessions named on the ticket win over its project, and only executors take tickets', () => {
  const ticket = ticketRecord({ id: '1', project_id: 'web', sessions: ['api', 'planner'] });
  assert.equal(names(candidates(ticket, [web, api, planner])), ['api']);
  assert.equal(names(candidates(ticketRecord({ id: '2' }), [planner])), []);
});

test('a session\'s queue is its tickets in arrival order', () => {
  const tickets = world(
    ticketRecord({ id: 'c', seq: 3, project_id: 'web' }),
    ticketRecord({ id: 'a', seq: 1, project_id: 'web' }),
    ticketRecord({ id: 'x', seq: 2, project_id: 'api' }),
    ticketRecord({ id: 'b', seq: 2, project_id: 'web', status: 'dispatched' }),
  );
  assert.equal(queueOf(web, [web, api], tickets).map((t) => t.id), ['a', 'c']);
});

test('the oldest ready ticket is dispatched first', () => {
  const tickets = world(ticketRecord({ id: '2', seq: 2 }), ticketRecord({ id: '1', seq: 1 }), ticketRecord({ id: '3', seq: 3 }));
  assert.equal(nextDispatches([anything], [anything], tickets), [{ session: 'any', ticket: '1' }]);
});

test('a ticket several sessions can take goes to the one idle first, and to one session only', () => {
  const a = session('a');
  const b = session('b');
  const tickets = world(ticketRecord({ id: '1', seq: 1 }));
  assert.equal(nextDispatches([b, a], [a, b], tickets), [{ session: 'b', ticket: '1' }]);
  assert.equal(nextDispatches([a, b], [a, b], tickets), [{ session: 'a', ticket: '1' }]);
});

test('each idle session takes the oldest ticket left for it', () => {
  const tickets = world(
    ticketRecord({ id: '1', seq: 1, project_id: 'api' }),
    ticketRecord({ id: '2', seq: 2 }),
    ticketRecord({ id: '3', seq: 3, project_id: 'web' }),
  );
  const idle = [anything, web, api];
  assert.equal(nextDispatches(idle, idle, tickets), [
    { session: 'any', ticket: '2' },
    { session: 'web', ticket: '3' },
    { session: 'api', ticket: '1' },
  ]);
});

test('a ticket still fetching its details is passed over', () => {
  const tickets = world(ticketRecord({ id: '1', seq: 1 }), ticketRecord({ id: '2', seq: 2 }));
  tickets.get('1')!.dispatchable = false;
  assert.equal(nextDispatches([anything], [anything], tickets), [{ session: 'any', ticket: '2' }]);
});

test('a ticket waits until all its parents are done', () => {
  const parent = ticketRecord({ id: 'p', seq: 1, status: 'verifying' });
  const other = ticketRecord({ id: 'o', seq: 2, status: 'done' });
  const child = ticketRecord({ id: 'c', seq: 3, depends_on: ['p', 'o'] });
  let tickets = world(parent, other, child);
  assert.not.ok(dependenciesDone(child, tickets));
  assert.equal(nextDispatches([anything], [anything], tickets), []);
  tickets = world({ ...parent, status: 'done' }, other, child);
  assert.ok(dependenciesDone(child, tickets));
  assert.equal(nextDispatches([anything], [anything], tickets), [{ session: 'any', ticket: 'c' }]);
});

test('a parent the orchestrator does not know holds its child', () => {
  const child = ticketRecord({ id: 'c', depends_on: ['missing'] });
  const tickets = world(child);
  assert.not.ok(dependenciesDone(child, tickets));
  assert.is(blockingParent(child, tickets), null);
});

test('a failed, escalated, cancelled or blocked parent blocks its child; others do not', () => {
  for (const status of ['failed', 'escalated', 'cancelled', 'blocked'] as const) {
    const parent = ticketRecord({ id: 'p', status });
    const child = ticketRecord({ id: 'c', depends_on: ['ok', 'p'] });
    assert.is(blockingParent(child, world(ticketRecord({ id: 'ok', status: 'done' }), parent, child))?.id, 'p', status);
  }
  for (const status of ['queued', 'dispatched', 'verifying', 'reviewing', 'closing', 'done'] as const) {
    const child = ticketRecord({ id: 'c', depends_on: ['p'] });
    assert.is(blockingParent(child, world(ticketRecord({ id: 'p', status }), child)), null, status);
  }
});

test('only queued tickets are dispatched', () => {
  const tickets = world(ticketRecord({ id: '1', seq: 1, status: 'blocked' }), ticketRecord({ id: '2', seq: 2, status: 'done' }));
  assert.equal(nextDispatches([anything], [anything], tickets), []);
});

test.run();
