/**
 * `zoro demo` end to end: the real CLI as a child process, three sim agents in a private
 * tmux server, the sample plan worked to the end.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killTmuxServer, readEventLog, runCli, tmuxHasZoro } from './helpers.js';

let dir = '';
let socket = '';
test.before.each(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoro-e2e-demo-'));
  // demo derives its private tmux server from the directory it works in
  socket = `zoro-demo-${createHash('sha256').update(join(dir, 'repo')).digest('hex').slice(0, 8)}`;
});
test.after.each(async () => {
  await killTmuxServer(socket);
  await rm(dir, { recursive: true, force: true });
});

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

test('zoro demo --exit-when-done --json works the sample plan to the end and prints one JSON summary', async () => {
  const repo = join(dir, 'repo');
  const result = await runCli(['demo', '--exit-when-done', '--json', '--no-cockpit', '--dir', repo], { cwd: dir, timeoutMs: 60_000 });
  assert.is(result.code, 0, result.stderr);

  // stdout is exactly one JSON document, nothing else
  const summary = JSON.parse(result.stdout) as {
    tickets: Record<string, unknown>[];
    sessions: Record<string, unknown>[];
    duration_ms: number;
  };
  assert.is(result.stdout.trim().split('\n').length, 1);
  assert.equal(Object.keys(summary).sort(), ['duration_ms', 'sessions', 'tickets']);
  assert.ok(Number.isInteger(summary.duration_ms) && summary.duration_ms > 0);

  assert.is(summary.tickets.length, 9);
  for (const ticket of summary.tickets) {
    assert.equal(Object.keys(ticket).sort(), ['attempts', 'dispatched_at', 'finished_at', 'id', 'session', 'status', 'title']);
    assert.is(ticket.status, 'done', `ticket ${ticket.id}`);
    assert.match(String(ticket.session), /^sim-\d$/);
    assert.match(String(ticket.dispatched_at), ISO);
    assert.match(String(ticket.finished_at), ISO);
    assert.ok(String(ticket.finished_at) >= String(ticket.dispatched_at));
  }
  assert.equal(
    summary.tickets.map((t) => t.id),
    ['1', '2', '3', '4', '5', '6', '7', '8', '9'],
  );
  const attempts = Object.fromEntries(summary.tickets.map((t) => [t.id, t.attempts]));
  assert.is(attempts['4'], 2, 'ticket 4 fails its first signal_cmd and is sent back once');
  for (const id of ['1', '2', '3', '5', '6', '7', '8', '9']) assert.is(attempts[id], 1, `ticket ${id}`);

  assert.equal(
    summary.sessions.map((s) => s.name),
    ['sim-1', 'sim-2', 'sim-3'],
  );
  for (const session of summary.sessions) assert.equal(Object.keys(session).sort(), ['name', 'state']);

  // The work is really in the repo, and the run's own files are in DIR/.zoro.
  assert.match(await readFile(join(repo, 'tests/tokenizer.txt'), 'utf8'), '12 passed');
  assert.match(await readFile(join(repo, 'src/cli.txt'), 'utf8'), 'demo-lib FILE');
  const events = await readEventLog(join(repo, '.zoro'));
  assert.ok(events.some((e) => e.type === 'ticket.done' && e.ticket === '9'));
  // A dependency is never started before its parents are done.
  const doneAt = (id: string) => events.find((e) => e.type === 'ticket.done' && e.ticket === id)!.seq;
  const dispatchedAt = (id: string) => events.find((e) => e.type === 'ticket.dispatched' && e.ticket === id)!.seq;
  for (const parent of ['4', '5', '6', '7', '8']) assert.ok(doneAt(parent) < dispatchedAt('9'), `9 waited for ${parent}`);

  // The demo ends its agents when it exits.
  assert.not.ok(await tmuxHasZoro(socket), `the demo's tmux server ${socket} still runs its agents`);
});

test('zoro demo --help prints its usage and exits 0', async () => {
  const result = await runCli(['demo', '--help'], { cwd: dir, timeoutMs: 20_000 });
  assert.is(result.code, 0);
  assert.match(result.stdout, 'usage: zoro demo');
  assert.match(result.stdout, '--exit-when-done');
});

test('zoro demo with an unknown flag is a usage error: exit 2, and nothing is started', async () => {
  const repo = join(dir, 'repo');
  const result = await runCli(['demo', '--frobnicate', '--dir', repo], { cwd: dir, timeoutMs: 20_000 });
  assert.is(result.code, 2);
  assert.match(result.stderr, 'frobnicate');
  assert.is(result.stdout, '');
  assert.not.ok(existsSync(repo));
});

test('zoro demo with a bad --sessions value is a usage error naming the flag', async () => {
  const result = await runCli(['demo', '--sessions', 'many', '--no-cockpit', '--dir', join(dir, 'repo')], { cwd: dir, timeoutMs: 20_000 });
  assert.is(result.code, 2);
  assert.match(result.stderr, '--sessions');
});

test.run();
