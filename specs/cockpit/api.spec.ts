import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import type { ApiState } from '../../actors/handle.js';
import { startCockpit } from '../../cockpit/server.js';
import { PortInUseError } from '../../cockpit/errors.js';
import type { ActorGraph, CockpitInfo } from '../../cockpit/protocol.js';
import { FAKE_SECRET } from '../fakes/handle.js';
import { api, raw, startHarness, type Harness } from './helpers.js';

let h: Harness;
test.before(async () => {
  h = await startHarness({ sessions: ['api', 'web'] });
  h.fake.createTicket('Add a health endpoint', 'api');
  h.fake.createTicket('Fix the login page', 'web');
});
test.after(() => h.close());

test('GET /api/state has the shape DESIGN.md gives', async () => {
  const res = await api(h, 'GET', '/api/state');
  assert.is(res.status, 200);
  const state = res.json<ApiState>();
  assert.is(typeof state.version, 'string');
  assert.ok(!Number.isNaN(Date.parse(state.started_at)));
  assert.equal(state.sessions.map((s) => s.name), ['api', 'web']);
  for (const s of state.sessions) {
    for (const key of ['name', 'state', 'runtime', 'agent', 'repo_path', 'ticket', 'queue']) assert.ok(key in s, `session has ${key}`);
    assert.ok(Array.isArray(s.queue));
  }
  assert.equal(state.sessions[0]!.queue, ['1']);
  for (const t of state.tickets) for (const key of ['id', 'title', 'status', 'session', 'attempts', 'provider']) assert.ok(key in t, `ticket has ${key}`);
  assert.is(state.tickets[0]!.status, 'queued');
  for (const p of state.providers) for (const key of ['name', 'state', 'last_poll_at', 'last_error']) assert.ok(key in p, `provider has ${key}`);
  assert.ok(Array.isArray(state.events) && state.events.length <= 50);
  assert.is(res.headers['cache-control'], 'no-store');
});

test('a request without a token gets 401', async () => {
  const res = await raw(h.cockpit.port, 'GET', '/api/state');
  assert.is(res.status, 401);
  assert.match(res.json<{ error: string }>().error, /token/);
  assert.is(res.headers['www-authenticate'], 'Bearer realm="zoro cockpit"');
});

test('a wrong token gets 401, even one of the right length', async () => {
  const wrong = h.cockpit.token.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
  for (const token of [wrong, 'x', '']) {
    const res = await raw(h.cockpit.port, 'GET', '/api/state', { Authorization: `Bearer ${token}` });
    assert.is(res.status, 401, `token ${JSON.stringify(token)}`);
  }
  const cookie = await raw(h.cockpit.port, 'GET', '/api/state', { Cookie: `zoro_token_${h.cockpit.port}=${wrong}` });
  assert.is(cookie.status, 401);
});

test('the token also works as the cookie the page gets from /api/login', async () => {
  const login = await api(h, 'POST', '/api/login');
  assert.is(login.status, 204);
  const setCookie = String(login.headers['set-cookie']);
  assert.match(setCookie, `zoro_token_${h.cockpit.port}=${h.cockpit.token}`);
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  const res = await raw(h.cockpit.port, 'GET', '/api/state', { Cookie: `other=1; zoro_token_${h.cockpit.port}=${h.cockpit.token}` });
  assert.is(res.status, 200);
});

test('a request from a foreign Origin gets 403, even with the token', async () => {
  for (const origin of ['http://evil.example', 'null', `https://127.0.0.1:${h.cockpit.port}`, `http://127.0.0.1:${h.cockpit.port + 1}`]) {
    const res = await api(h, 'POST', `/api/sessions/api/pause`, undefined, { Origin: origin });
    assert.is(res.status, 403, origin);
  }
  assert.equal(h.fake.calls, []);
  const same = await api(h, 'GET', '/api/state', undefined, { Origin: h.origin });
  assert.is(same.status, 200);
});

test('a request whose Host is not the cockpit gets 403 (DNS rebinding)', async () => {
  for (const host of ['evil.example', `evil.example:${h.cockpit.port}`, '127.0.0.1', `127.0.0.1.evil.example:${h.cockpit.port}`]) {
    const res = await api(h, 'GET', '/api/state', undefined, { Host: host });
    assert.is(res.status, 403, host);
  }
  const page = await raw(h.cockpit.port, 'GET', '/', { Host: 'evil.example' });
  assert.is(page.status, 403);
  for (const host of [`localhost:${h.cockpit.port}`, `[::1]:${h.cockpit.port}`, `LOCALHOST:${h.cockpit.port}`]) {
    assert.is((await api(h, 'GET', '/api/state', undefined, { Host: host })).status, 200, host);
  }
});

test('the page needs no token and carries the security headers', async () => {
  const res = await raw(h.cockpit.port, 'GET', '/');
  assert.is(res.status, 200);
  assert.match(String(res.headers['content-type']), /text\/html/);
  const csp = String(res.headers['content-security-policy']);
  assert.match(csp, "default-src 'self'");
  assert.match(csp, "frame-ancestors 'none'");
  assert.match(csp, "script-src 'self';", 'scripts only from the cockpit itself, never inline');
  assert.is(res.headers['x-content-type-options'], 'nosniff');
  assert.is(res.headers['referrer-policy'], 'no-referrer');
  assert.not.match(res.text, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  const apiRes = await raw(h.cockpit.port, 'GET', '/api/state');
  assert.is(apiRes.headers['x-content-type-options'], 'nosniff');
});

test('files outside the static folder are not served', async () => {
  for (const path of ['/../package.json', '/%2e%2e/package.json', '/gen/../../server.ts', '/.token', '/index.html/x.js']) {
    const res = await raw(h.cockpit.port, 'GET', path);
    assert.is(res.status, 404, path);
  }
});

test('bad ticket bodies get 400 with a message that says what is wrong', async () => {
  const cases: [unknown, RegExp][] = [
    [{}, /title must be a string/],
    [{ title: '' }, /title must be a string of 1 to 500/],
    [{ title: '   ' }, /title/],
    [{ title: 'x'.repeat(501) }, /title must be a string of 1 to 500/],
    [{ title: 42 }, /title must be a string/],
    [{ title: 'ok', owner: 'me' }, /unknown field "owner"/],
    [{ title: 'ok', depends_on: '1,2' }, /depends_on must be a list/],
    [{ title: 'ok', depends_on: [{}] }, /depends_on/],
    [{ title: 'ok', description: 7 }, /description must be a string/],
    [{ title: 'ok', signal_cmd: '' }, /signal_cmd/],
    [['title'], /JSON object/],
  ];
  for (const [body, message] of cases) {
    const res = await api(h, 'POST', '/api/tickets', body);
    assert.is(res.status, 400, JSON.stringify(body));
    assert.match(res.json<{ error: string }>().error, message);
  }
  const notJson = await raw(h.cockpit.port, 'POST', '/api/tickets', { Authorization: `Bearer ${h.cockpit.token}`, 'Content-Type': 'application/json' }, '{"title":');
  assert.is(notJson.status, 400);
  assert.match(notJson.json<{ error: string }>().error, /not valid JSON/);
  const form = await raw(h.cockpit.port, 'POST', '/api/tickets', { Authorization: `Bearer ${h.cockpit.token}`, 'Content-Type': 'application/x-www-form-urlencoded' }, 'title=x');
  assert.is(form.status, 415);
  assert.is((await api(h, 'POST', '/api/team/start', { executors: 0 })).status, 400);
  assert.is((await api(h, 'POST', '/api/chat', { message: '' })).status, 400);
  assert.is((await api(h, 'POST', '/api/tickets', { title: 'x', session: 'nope' })).status, 404);
  assert.not.ok(h.fake.calls.some((c) => c.method === 'addTicket'));
});

test('a good ticket body reaches the handle and the ticket appears in the state', async () => {
  const res = await api(h, 'POST', '/api/tickets', { title: '  Write the docs  ', session: 'web', signal_cmd: 'npm test', depends_on: [1, '2'] });
  assert.is(res.status, 201);
  const { id } = res.json<{ id: string }>();
  assert.equal(h.fake.calls.at(-1), { method: 'addTicket', args: [{ title: 'Write the docs', session: 'web', signal_cmd: 'npm test', depends_on: ['1', '2'] }] });
  const state = (await api(h, 'GET', '/api/state')).json<ApiState>();
  assert.is(state.tickets.find((t) => t.id === id)?.title, 'Write the docs');
});

test('pause, resume, retry and cancel reach the handle', async () => {
  assert.is((await api(h, 'POST', '/api/sessions/web/pause')).status, 200);
  assert.is((await api(h, 'POST', '/api/sessions/web/resume')).status, 200);
  assert.is((await api(h, 'POST', '/api/tickets/2/cancel')).status, 200);
  assert.is((await api(h, 'POST', '/api/tickets/2/retry')).status, 200);
  const calls = h.fake.calls.slice(-4).map((c) => `${c.method} ${String(c.args[0])}`);
  assert.equal(calls, ['pause web', 'resume web', 'cancel 2', 'retry 2']);
  const state = (await api(h, 'GET', '/api/state')).json<ApiState>();
  assert.is(state.sessions.find((s) => s.name === 'web')?.state, 'IDLE');
  assert.is(state.tickets.find((t) => t.id === '2')?.status, 'queued');
});

test('an action on something unknown is 404, one the state refuses is 409', async () => {
  assert.is((await api(h, 'POST', '/api/sessions/nope/pause')).status, 404);
  assert.is((await api(h, 'POST', '/api/tickets/999/retry')).status, 404);
  const refused = await api(h, 'POST', '/api/tickets/1/retry'); // queued: nothing to retry
  assert.is(refused.status, 409);
  assert.match(refused.json<{ error: string }>().error, /does not accept RETRY/);
  assert.is((await api(h, 'GET', '/api/nothing-here')).status, 404);
  assert.is((await api(h, 'GET', '/api/sessions/api/screen')).json<{ lines: string[] }>().lines[0], 'api $ zoro sim');
  assert.is((await api(h, 'GET', '/api/sessions/nope/screen')).status, 404);
});

test('team, chat and answer reach the handle when it offers them', async () => {
  assert.is((await api(h, 'POST', '/api/team/start', { executors: 3 })).status, 200);
  assert.is((await api(h, 'POST', '/api/team/add-executor')).status, 200);
  assert.is((await api(h, 'POST', '/api/team/stop')).status, 200);
  const chat = await api(h, 'POST', '/api/chat', { message: 'how is it going?' });
  assert.equal(chat.json(), { reply: 'You said: how is it going?' });
  h.fake.dispatch('1');
  h.fake.needsHuman('api');
  assert.is((await api(h, 'POST', '/api/sessions/api/answer', { text: '1' })).status, 200);
  assert.equal(h.fake.calls.at(-1), { method: 'answer', args: ['api', '1'] });
  assert.is(h.fake.state().sessions[0]!.detail, 'working');
  const info = (await api(h, 'GET', '/api/info')).json<CockpitInfo>();
  assert.equal(info.capabilities, { answer: true, team: true, chat: true });
});

test('a handle without team mode or chat answers 501 with a clear message', async () => {
  const bare = await startHarness({ capabilities: { answer: false, team: false, chat: false } });
  try {
    const start = await api(bare, 'POST', '/api/team/start', { executors: 2 });
    assert.is(start.status, 501);
    assert.match(start.json<{ error: string }>().error, /does not offer team mode/);
    assert.is((await api(bare, 'POST', '/api/team/stop')).status, 501);
    assert.match((await api(bare, 'POST', '/api/chat', { message: 'hi' })).json<{ error: string }>().error, /does not offer chat/);
    assert.is((await api(bare, 'POST', '/api/sessions/api/answer', { text: '1' })).status, 501);
    assert.equal((await api(bare, 'GET', '/api/info')).json<CockpitInfo>().capabilities, { answer: false, team: false, chat: false });
  } finally {
    await bare.close();
  }
});

test('the inspector endpoints list actors and draw a machine with its nested states', async () => {
  const actors = (await api(h, 'GET', '/api/actors')).json<{ id: string; machine: string }[]>();
  assert.ok(actors.some((a) => a.id === 'session:api' && a.machine === 'session'));
  const res = await api(h, 'GET', '/api/actors/session:web/graph');
  assert.is(res.status, 200);
  const { actor, chart } = res.json<ActorGraph>();
  assert.is(actor.value, 'IDLE');
  assert.ok(chart.nodes.some((n) => n.type === 'initial'), 'the initial state is marked');
  const working = chart.nodes.find((n) => n.path.join('.') === 'BUSY.working')!;
  const busy = chart.nodes.find((n) => n.path.join('.') === 'BUSY')!;
  assert.is(working.parent, busy.id);
  assert.ok(working.x >= busy.x && working.x + working.width <= busy.x + busy.width, 'a child state is drawn inside its parent');
  assert.ok(chart.edges.some((e) => e.label === 'PAUSE' && e.points.length >= 2));
  assert.ok(chart.edges.some((e) => e.label === 'RESUME [hasTicket]'));
  assert.is((await api(h, 'GET', '/api/actors/nope/graph')).status, 404);
});

test('no secret appears in the state, the actors, a chart, the page or an error', async () => {
  h.fake.log('config.reloaded', 'access.txt reloaded');
  const bodies = await Promise.all([
    api(h, 'GET', '/api/state'),
    api(h, 'GET', '/api/actors'),
    api(h, 'GET', '/api/actors/session:api/graph'),
    api(h, 'GET', '/api/info'),
    api(h, 'POST', '/api/tickets', { nope: FAKE_SECRET }),
    raw(h.cockpit.port, 'GET', '/'),
    raw(h.cockpit.port, 'GET', '/app.css'),
  ]);
  for (const res of bodies) assert.not.ok(res.text.includes(FAKE_SECRET.slice(0, 20)), res.text.slice(0, 80));
});

test('the token is made once, kept with mode 0600 and reused; the URL carries it', async () => {
  const { stat } = await import('node:fs/promises');
  const info = await stat(`${h.dataDir}/cockpit.token`);
  assert.is(info.mode & 0o777, 0o600);
  assert.match(h.cockpit.token, /^[0-9a-f]{64}$/);
  assert.is(h.cockpit.url, `http://127.0.0.1:${h.cockpit.port}/?token=${h.cockpit.token}`);
  const again = await startCockpit({ handle: h.fake, port: 0, dataDir: h.dataDir, version: 'x', log: () => {} });
  try {
    assert.is(again.token, h.cockpit.token);
  } finally {
    await again.close();
  }
});

test('a taken port is a clear error that names the port', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    await startCockpit({ handle: h.fake, port, dataDir: h.dataDir, version: 'x', log: () => {} });
    assert.unreachable('should have failed');
  } catch (error) {
    assert.instance(error, PortInUseError);
    assert.match((error as Error).message, `port ${port}`);
    assert.is((error as PortInUseError).port, port);
  } finally {
    blocker.close();
  }
});

test.run();
