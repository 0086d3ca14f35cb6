/**
 * The control socket end to end: HTTP over `data_dir/zoro.sock` (what `zoro done / add /
 * pause / resume` and Claude Code's hooks use), against startZoro with sim agents in a
 * private tmux server.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'node:http';
import { execFile } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startControlServer } from '../../actors/control.js';
import type { ApiState } from '../../actors/handle.js';
import { configText, planText, scratch, type RunningZoro, type Scratch } from './helpers.js';

let world: Scratch;
let closeControl: (() => Promise<void>) | null = null;
test.before.each(async () => {
  world = await scratch('control');
});
test.after.each(async () => {
  await closeControl?.();
  closeControl = null;
  await world.cleanup();
});

/** startZoro plus its control socket, as `zoro` runs them. */
async function startWithControl(config: string): Promise<RunningZoro> {
  const running = await world.start(config);
  const control = await startControlServer({
    dataDir: world.dataDir,
    handle: running.zoro.handle,
    config: () => running.config,
    send: (event) => running.zoro.send(event),
    log: () => undefined,
  });
  closeControl = control.close;
  return running;
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/** One request over the Unix socket; `body` is sent as is when it is a string. */
function call(method: string, path: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const req = request({ socketPath: join(world.dataDir, 'zoro.sock'), method, path, headers: { 'content-type': 'application/json' } }, (res) => {
      let data = '';
      res.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

const idle = (e: { type: string; session?: string; data?: Record<string, unknown> }, name: string) =>
  e.type === 'session.state' && e.session === name && e.data?.to === 'IDLE';

test('zoro done (by working directory) and a Stop hook each end a turn that never printed the signal', async () => {
  const other = join(world.dir, 'other-repo');
  await mkdir(join(world.repo, 'src'), { recursive: true });
  await mkdir(other);
  await promisify(execFile)('git', ['-C', other, 'init', '-q']);
  await writeFile(
    world.planFile,
    planText([
      { title: 'Silent by hand', lines: ['project: hand', 'sim: silent'] },
      { title: 'Silent with a hook', lines: ['project: hook', 'sim: silent'] },
    ]),
  );
  const { zoro, events } = await startWithControl(
    configText({
      dataDir: world.dataDir,
      planFile: world.planFile,
      sessions: [
        { name: 'hand', repo: world.repo, project_ids: 'hand' },
        { name: 'hook', repo: other, project_ids: 'hook' },
      ],
    }),
  );
  assert.is((await stat(join(world.dataDir, 'zoro.sock'))).mode & 0o777, 0o600);
  await events.first((e) => e.type === 'ticket.delivered' && e.ticket === '1', 30_000, 'ticket 1 delivered');
  await events.first((e) => e.type === 'ticket.delivered' && e.ticket === '2', 30_000, 'ticket 2 delivered');

  // `zoro done` from a subdirectory of hand's repo: the session is found by its repo.
  const done = await call('POST', '/done', { cwd: join(world.repo, 'src'), summary: 'finished by hand' });
  assert.equal(done, { status: 200, body: { ok: true, session: 'hand' } });
  await events.first((e) => e.type === 'ticket.done' && e.ticket === '1', 10_000, 'ticket 1 done');
  assert.match(events.of('session.turn_ended', '1')[0]!.message, 'zoro done');
  assert.is(zoro.context().tickets['1']!.record.summary, 'finished by hand');

  const hook = await call('POST', '/hook', { event: 'Stop', session: 'hook', payload: { last_assistant_message: 'All fixed.' } });
  assert.equal(hook, { status: 200, body: { ok: true } });
  await events.first((e) => e.type === 'ticket.done' && e.ticket === '2', 10_000, 'ticket 2 done');
  assert.match(events.of('session.turn_ended', '2')[0]!.message, 'Stop hook');
  assert.is(zoro.context().tickets['2']!.record.summary, 'All fixed.');

  // A second `done` for a session whose turn already ended changes nothing.
  assert.is((await call('POST', '/done', { session: 'hand' })).status, 200);
  assert.is(events.of('session.turn_ended', '1').length, 1);
});

test('pause holds a session, a ticket added over the socket waits for it, resume lets it work', async () => {
  await writeFile(world.planFile, '# tasks are added over the control socket\n');
  const { zoro, events } = await startWithControl(
    configText({ dataDir: world.dataDir, planFile: world.planFile, sessions: [{ name: 'solo', repo: world.repo, project_ids: 'main' }] }),
  );
  await events.first((e) => idle(e, 'solo'), 30_000, 'solo idle');

  assert.equal(await call('POST', '/sessions/solo/pause'), { status: 200, body: { ok: true } });
  await events.first((e) => e.type === 'session.state' && e.session === 'solo' && e.data?.to === 'PAUSED', 10_000, 'solo paused');

  const added = await call('POST', '/tickets', { title: 'Added by hand', session: 'solo', description: 'sim: write added.txt yes', signal_cmd: 'test -f added.txt' });
  assert.is(added.status, 200, JSON.stringify(added.body));
  const id = String(added.body.id);
  await events.first((e) => (e.type === 'ticket.added' && e.ticket === id) || (e.type === 'provider.tickets' && JSON.stringify(e.data?.ids ?? []).includes(`"${id}"`)), 10_000, `ticket ${id} ingested`);
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.is(zoro.context().tickets[id]!.record.status, 'queued', 'a paused session takes no ticket');
  assert.is(events.of('ticket.dispatched', id).length, 0);

  assert.equal(await call('POST', '/sessions/solo/resume'), { status: 200, body: { ok: true } });
  const done = await events.first((e) => e.type === 'ticket.done' && e.ticket === id, 30_000, `ticket ${id} done`);
  assert.is(done.session, 'solo');
  assert.is(await readFile(join(world.repo, 'added.txt'), 'utf8'), 'yes\n');

  const state = await call('GET', '/state');
  assert.is(state.status, 200);
  const api = state.body as unknown as ApiState;
  assert.equal(
    api.tickets.map((t) => [t.id, t.status, t.session]),
    [[id, 'done', 'solo']],
  );
  assert.equal(
    api.sessions.map((s) => [s.name, s.state]),
    [['solo', 'IDLE']],
  );
});

test('bad requests are refused with 400 / 404 and change nothing', async () => {
  await writeFile(world.planFile, '# nothing\n');
  const { zoro } = await startWithControl(configText({ dataDir: world.dataDir, planFile: world.planFile, sessions: [{ name: 'solo', repo: world.repo }] }));

  const refused: [string, string, unknown, number, string][] = [
    ['POST', '/tickets', '{not json', 400, 'JSON object'],
    ['POST', '/tickets', '[1, 2]', 400, 'JSON object'],
    ['POST', '/tickets', { description: 'no title' }, 400, 'title'],
    ['POST', '/tickets', { title: 42 }, 400, 'title must be a string'],
    ['POST', '/tickets', { title: 'x', depends_on: 'one' }, 400, 'depends_on'],
    ['POST', '/tickets', { title: 'x', session: 'nobody' }, 404, 'nobody'],
    ['POST', '/hook', { session: 'solo', payload: {} }, 400, 'event name'],
    ['POST', '/done', { session: 7 }, 400, 'session must be a string'],
    ['POST', '/done', { cwd: '/' }, 404, 'no session'],
    ['POST', '/sessions/nobody/pause', {}, 404, 'nobody'],
    ['POST', '/sessions/solo/explode', {}, 404, 'no such endpoint'],
    ['GET', '/tickets', undefined, 404, 'no such endpoint'],
  ];
  for (const [method, path, body, status, message] of refused) {
    const reply = await call(method, path, body);
    assert.is(reply.status, status, `${method} ${path} ${JSON.stringify(body)} → ${JSON.stringify(reply.body)}`);
    assert.match(String(reply.body.error), message);
  }
  assert.equal(Object.keys(zoro.context().tickets), []);
  assert.is(await readFile(world.planFile, 'utf8'), '# nothing\n');
});

test.run();
