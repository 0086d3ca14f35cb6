/**
 * The cockpit's API against REAL zoro processes: `zoro demo` (three sim agents in a private
 * tmux server) for the state's shape and the guards, and `zoro --config FILE` with an
 * access.txt written here that holds an Anthropic key and a GitHub token (its API pointed at
 * a dead local port) to show that no secret leaves zoro through the API, the WebSocket, the
 * page, its output or its event log.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiState, ActorView } from '../../actors/handle.js';
import type { ServerMessage } from '../../cockpit/protocol.js';
import { TICKET_STATUSES } from '../../lib/ticket.js';
import { eventually, planText } from '../e2e/helpers.js';
import { launchBrowser, openCockpit, gotoView, screenshot, type BrowserSession } from './browser-helpers.js';
import { startDemo, startWithConfig, type RealZoro } from './demo-helpers.js';
import { raw, WsClient } from './helpers.js';

const ANTHROPIC_KEY = 'sk-ant-SECRET-api03-0f9e8d7c6b5a49382716aabbccddeeff';
const GITHUB_TOKEN = 'ghp_SECRET0123456789abcdefABCDEF012345';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const SHOTS = join(tmpdir(), 'zoro-cockpit-demo-api-screenshots');

let dir = '';
let demo: RealZoro;
let secret: RealZoro;
let pushed: WsClient;

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoro-cockpit-demo-api-'));
  await writeFile(
    join(dir, 'plan.md'),
    planText([
      { title: 'Write the tokenizer', lines: ['sim: sleep 2'] },
      { title: 'Write the formatter', lines: ['sim: sleep 3'] },
      { title: 'Test the tokenizer', lines: ['depends_on: [1]', 'sim: sleep 2'] },
    ]),
  );
  const configFile = await writeSecretConfig(join(dir, 'secret'));
  [demo, secret] = await Promise.all([startDemo({ dir: join(dir, 'repo'), plan: join(dir, 'plan.md') }), startWithConfig(configFile)]);
  // Everything the secret-holding zoro pushes, from its start to the last test.
  pushed = await WsClient.connect(`ws://127.0.0.1:${secret.port}/ws?token=${secret.token}`, { Origin: secret.origin });
});
test.after(async () => {
  pushed?.close();
  await Promise.allSettled([demo?.stop(), secret?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

/** An access.txt with real-looking secrets, a plan with no tasks, one sim session in a pty. */
async function writeSecretConfig(root: string): Promise<string> {
  const dead = await deadPort();
  await mkdir(join(root, 'repo'), { recursive: true });
  await writeFile(join(root, 'plan.md'), '# nothing planned yet\n');
  const file = join(root, 'access.txt');
  const text = [
    '[zoro]',
    `data_dir = ${join(root, 'data')}`,
    'runtime = pty',
    `anthropic_api_key = ${ANTHROPIC_KEY}`,
    `anthropic_base_url = http://127.0.0.1:${dead}`,
    '',
    '[provider:plan]',
    `path = ${join(root, 'plan.md')}`,
    '',
    '[provider:github]',
    `token = ${GITHUB_TOKEN}`,
    `api_url = http://127.0.0.1:${dead}`,
    'username = octo',
    'repos = octo/widgets',
    '',
    '[session:solo]',
    `repo_path = ${join(root, 'repo')}`,
    'agent = sim',
    'provider = plan',
    '',
  ].join('\n');
  await writeFile(file, text, { mode: 0o600 });
  return file;
}

/** A local port nothing listens on (taken, then released). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test("GET /api/state has DESIGN.md's shape, filled with the demo's real sessions, tickets, provider and events", async () => {
  const state = await eventually(
    async () => {
      const s = await demo.state();
      return s.tickets.some((t) => t.status === 'done') && s.sessions.some((x) => x.ticket !== null) ? s : null;
    },
    20_000,
    'a done ticket while another is worked on',
  );
  assert.equal(Object.keys(state).sort(), ['events', 'providers', 'sessions', 'started_at', 'tickets', 'version']);
  assert.match(state.version, /^\d+\.\d+\.\d+/);
  assert.match(state.started_at, ISO);

  assert.equal(state.sessions.map((s) => s.name), ['sim-1', 'sim-2', 'sim-3']);
  for (const s of state.sessions) {
    for (const key of ['name', 'state', 'runtime', 'agent', 'repo_path', 'ticket', 'queue']) assert.ok(key in s, `session has ${key}`);
    assert.ok(['UNKNOWN', 'IDLE', 'BUSY', 'PAUSED', 'ERROR_LOOP', 'UNREACHABLE'].includes(s.state), s.state);
    assert.is(s.runtime, 'tmux');
    assert.is(s.agent, 'sim');
    assert.is(s.repo_path, join(dir, 'repo'));
    assert.ok(s.queue.every((id) => typeof id === 'string'));
    if (s.ticket) assert.equal(Object.keys(s.ticket).sort(), ['id', 'title']);
  }
  const working = state.sessions.find((s) => s.ticket)!;
  assert.is(working.state, 'BUSY');
  assert.ok(working.detail, 'BUSY carries its sub-state');

  assert.equal(state.tickets.map((t) => [t.id, t.title, t.provider]), [
    ['1', 'Write the tokenizer', 'plan'],
    ['2', 'Write the formatter', 'plan'],
    ['3', 'Test the tokenizer', 'plan'],
  ]);
  for (const t of state.tickets) {
    for (const key of ['id', 'title', 'status', 'session', 'attempts', 'provider']) assert.ok(key in t, `ticket has ${key}`);
    assert.ok((TICKET_STATUSES as readonly string[]).includes(t.status), t.status);
    assert.is(typeof t.attempts, 'number');
  }
  const done = state.tickets.find((t) => t.status === 'done')!;
  assert.match(String(done.session), /^sim-\d$/);
  assert.is(done.attempts, 1);

  assert.is(state.providers.length, 1);
  const [plan] = state.providers;
  assert.equal([plan!.name, plan!.last_error], ['plan', null]);
  assert.is(typeof plan!.state, 'string');
  assert.match(String(plan!.last_poll_at), ISO);

  assert.ok(state.events.length > 0 && state.events.length <= 50);
  for (const e of state.events) {
    assert.is(typeof e.seq, 'number');
    assert.match(e.at, ISO);
    assert.is(typeof e.type, 'string');
    assert.is(typeof e.message, 'string');
  }
  assert.ok(state.events.every((e, i) => i === 0 || e.seq > state.events[i - 1]!.seq), 'events in order');
  const types = new Set(state.events.map((e) => e.type));
  for (const type of ['zoro.started', 'provider.tickets', 'ticket.dispatched', 'ticket.done', 'session.state']) assert.ok(types.has(type), `events include ${type}`);
});

test('no token, or a wrong one, gets 401', async () => {
  const none = await raw(demo.port, 'GET', '/api/state');
  assert.is(none.status, 401);
  assert.match(none.json<{ error: string }>().error, /token/);
  const wrong = await raw(demo.port, 'GET', '/api/state', { Authorization: `Bearer ${'0'.repeat(64)}` });
  assert.is(wrong.status, 401);
  const wrongCookie = await raw(demo.port, 'GET', '/api/state', { Cookie: `zoro_token_${demo.port}=${'0'.repeat(64)}` });
  assert.is(wrongCookie.status, 401);
  assert.not.ok(none.text.includes('sim-1') || wrong.text.includes('sim-1'), 'a refusal says nothing about the run');
});

test('a foreign Origin or a Host like evil.example gets 403, even with the token', async () => {
  const origin = await demo.api('GET', '/api/state', undefined, { Origin: 'http://evil.example' });
  assert.is(origin.status, 403);
  const host = await demo.api('GET', '/api/state', undefined, { Host: 'evil.example' });
  assert.is(host.status, 403);
  const pause = await demo.api('POST', '/api/sessions/sim-1/pause', undefined, { Origin: 'http://evil.example' });
  assert.is(pause.status, 403);
  assert.not.equal((await demo.state()).sessions.find((s) => s.name === 'sim-1')?.state, 'PAUSED', 'the refused pause did nothing');
});

test('the WebSocket is refused without the token and opens with it', async () => {
  const refused = await WsClient.connect(`ws://127.0.0.1:${demo.port}/ws`, { Origin: demo.origin }).then(
    (client) => (client.close(), 'accepted'),
    (error: Error) => error.message,
  );
  assert.is(refused, 'refused with 401');
  const client = await WsClient.connect(`ws://127.0.0.1:${demo.port}/ws?token=${demo.token}`, { Origin: demo.origin });
  try {
    const first = await client.next((m) => m.type === 'snapshot');
    assert.ok(first.type === 'snapshot' && first.full === true && first.state.sessions.length === 3);
  } finally {
    client.close();
  }
});

test("every actor's machine can be laid out for the inspector, the orchestrator's included", async () => {
  const actors = (await demo.api('GET', '/api/actors')).json<ActorView[]>();
  const byMachine = new Map(actors.map((a) => [a.machine, a.id]));
  assert.equal([...byMachine.keys()].sort(), ['orchestrator', 'poller', 'session', 'ticket']);
  assert.is(byMachine.get('orchestrator'), 'orchestrator');
  for (const id of byMachine.values()) {
    const res = await demo.api('GET', `/api/actors/${encodeURIComponent(id)}/graph`);
    assert.is(res.status, 200, `${id}: ${res.text}`);
  }
});

test('no secret from access.txt reaches /api/state, the WebSocket, a page, zoro’s output or its event log', async () => {
  // The GitHub poll fails against the dead port: its error travels through every channel.
  const failed = await eventually(
    async () => (await secret.state()).providers.find((p) => p.name === 'github' && p.last_error !== null),
    40_000,
    'the GitHub poller to report its error',
  );
  assert.match(String(failed.last_error), /github/i);
  const seen: [string, string][] = [];
  for (const path of ['/api/state', '/api/info', '/api/actors', '/api/sessions/solo/screen', '/api/actors/poller:github/graph']) {
    const res = await secret.api('GET', path);
    assert.is(res.status, 200, path);
    seen.push([path, res.text]);
  }
  assert.ok(pushed.messages.some((m: ServerMessage) => m.type === 'event' && m.event.type === 'provider.error'), 'the error was pushed');
  seen.push(['the WebSocket', JSON.stringify(pushed.messages)]);

  const browser: BrowserSession = await launchBrowser();
  try {
    const page = await openCockpit(browser, secret.url);
    for (const view of ['overview', 'tickets', 'providers', 'events', 'charts'] as const) {
      await gotoView(page, view);
      await page.waitForTimeout(200);
      seen.push([`the ${view} page`, await page.content()]);
      if (view === 'providers') assert.match(await page.locator('#view').innerText(), /github/);
      await screenshot(page, SHOTS, view);
    }
  } finally {
    await browser.close();
  }
  seen.push(["zoro's output", secret.cli.stdout + secret.cli.stderr]);
  seen.push(['events.jsonl', await readFile(join(dir, 'secret/data/events.jsonl'), 'utf8')]);

  for (const [where, text] of seen) {
    assert.ok(text.length > 0, `${where} was read`);
    for (const secretValue of [ANTHROPIC_KEY, GITHUB_TOKEN, 'SECRET']) assert.not.ok(text.includes(secretValue), `${where} shows ${secretValue.slice(0, 10)}…`);
  }
});

test.run();
