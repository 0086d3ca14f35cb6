/**
 * A crash and a restart, end to end: the real CLI is killed with SIGKILL mid-run while its
 * agents (in tmux) work on; a second zoro on the same data_dir finishes every ticket, and
 * no ticket is given to an agent twice across the two runs.
 *
 * `zoro` (not `zoro demo`) uses the default tmux server; TMUX_TMPDIR gives the two runs
 * one private default server of their own.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createFileStore } from '../../adapters/store/index.js';
import { newRecord } from '../../machines/ingest.js';
import { CliRun, configText, eventually, planText, readEventLog, scratch, type Scratch, type ZoroEvent } from './helpers.js';

const exec = promisify(execFile);

let world: Scratch;
let env: Record<string, string>;
test.before.each(async () => {
  world = await scratch('restart');
  const tmuxDir = join(world.dir, 'tmux');
  await mkdir(tmuxDir, { mode: 0o700 });
  env = { TMUX_TMPDIR: tmuxDir, HOME: world.dir, ZORO_CONFIG: '' };
});
test.after.each(async () => {
  await exec('tmux', ['kill-server'], { env: { ...process.env, ...env } }).catch(() => undefined /* already gone */);
  await world.cleanup();
});

const TASKS = 8;

/** Starts the real CLI on a plan of TASKS tasks of `seconds` each and two sessions. */
async function firstRun(seconds: number): Promise<CliRun> {
  await writeFile(
    world.planFile,
    planText(
      Array.from({ length: TASKS }, (_, i) => ({
        title: `Task ${i + 1}`,
        // fail-times 0 never fails: it only counts, in .zoro-sim/, each prompt the sim works on.
        lines: [`sim: sleep ${seconds}`, 'sim: fail-times 0', `sim: write out/${i + 1}.txt task ${i + 1}`, `signal_cmd: grep -q 'task ${i + 1}' out/${i + 1}.txt`],
      })),
    ),
  );
  await writeFile(
    world.configFile,
    configText({
      dataDir: world.dataDir,
      planFile: world.planFile,
      sessions: [
        { name: 'a', repo: world.repo },
        { name: 'b', repo: world.repo },
      ],
    }),
    { mode: 0o600 },
  );
  return new CliRun(['--config', world.configFile, '--no-cockpit'], { cwd: world.dir, env });
}

/** SIGKILL once `ready(events)` holds for events.jsonl; returns the log as it was. */
async function killWhen(run: CliRun, ready: (events: ZoroEvent[]) => boolean): Promise<ZoroEvent[]> {
  const events = await eventually(
    async () => {
      if (run.child.exitCode !== null) throw new Error(`the first zoro exited early:\n${run.stdout}\n${run.stderr}`);
      const events = await readEventLog(world.dataDir);
      return ready(events) ? events : null;
    },
    60_000,
    'the moment to kill zoro',
    10,
  );
  run.kill('SIGKILL');
  const killed = await run.result(10_000);
  assert.is(killed.signal, 'SIGKILL');
  return events;
}

/** The event log never tells of a dispatch that state.json does not hold. */
async function assertLogNotAheadOfState(): Promise<void> {
  const events = await readEventLog(world.dataDir);
  const store = createFileStore({ dir: world.dataDir, log: () => undefined });
  const state = await store.load();
  await store.close();
  for (const record of state.tickets) {
    const logged = events.filter((e) => e.type === 'ticket.dispatched' && e.ticket === record.id).length;
    assert.ok(logged <= record.attempts, `ticket ${record.id}: ${logged} dispatches logged, ${record.attempts} in state.json`);
  }
  for (const id of new Set(events.filter((e) => e.type === 'ticket.dispatched').map((e) => e.ticket))) {
    assert.ok(state.tickets.some((t) => t.id === id), `ticket ${id} dispatched in the log, unknown to state.json`);
  }
}

/** The restart with --once: every ticket done, each prompt worked on by an agent once. */
async function restartFinishes(): Promise<ZoroEvent[]> {
  const second = await new CliRun(['--config', world.configFile, '--no-cockpit', '--once', '--json'], { cwd: world.dir, env }).result(90_000);
  assert.is(second.code, 0, second.stderr);
  const summary = JSON.parse(second.stdout) as { tickets: { id: string; status: string }[] };
  assert.equal(
    summary.tickets.map((t) => `${t.id}:${t.status}`),
    Array.from({ length: TASKS }, (_, i) => `${i + 1}:done`),
  );
  for (let id = 1; id <= TASKS; id++) {
    assert.is(await readFile(join(world.repo, 'out', `${id}.txt`), 'utf8'), `task ${id}\n`);
    const worked = Number(await readFile(join(world.repo, '.zoro-sim', `ticket-${id}.fail-times`), 'utf8'));
    assert.is(worked, 1, `the agents worked on ticket ${id}'s prompt ${worked} times`);
  }
  const events = await readEventLog(world.dataDir);
  assert.is(events.filter((e) => e.type === 'zoro.started').length, 2);
  // Sequence numbers carry on across the restart: none doubled, none out of order.
  const seqs = events.map((e) => e.seq);
  assert.equal(seqs, [...seqs].sort((x, y) => x - y));
  assert.is(new Set(seqs).size, seqs.length);
  return events;
}

async function agentsAlive(): Promise<string[]> {
  const { stdout } = await exec('tmux', ['list-windows', '-t', 'zoro', '-F', '#{window_name}'], { env: { ...process.env, ...env } });
  return stdout.trim().split('\n').sort();
}

test('after kill -9 while agents work, a restart finishes every ticket and dispatches each exactly once', async () => {
  const run = await firstRun(2);
  // Three done, and every ticket handed out since was taken by its agent within the last
  // second: both agents are at work, with a second or more of it left (no dispatch is due).
  const before = await killWhen(run, (events) => {
    const done = new Set(events.filter((e) => e.type === 'ticket.done').map((e) => e.ticket));
    const open = events.filter((e) => e.type === 'ticket.dispatched' && !done.has(e.ticket));
    const delivered = new Map(events.filter((e) => e.type === 'ticket.delivered').map((e) => [e.ticket, Date.parse(e.at)]));
    return done.size >= 3 && open.length > 0 && open.every((e) => Date.now() - (delivered.get(e.ticket) ?? 0) < 1_000);
  });
  assert.ok(before.filter((e) => e.type === 'ticket.done').length < TASKS, 'killed mid-run');
  assert.equal(await agentsAlive(), ['a', 'b'], 'the agents outlived zoro');
  await assertLogNotAheadOfState();

  const events = await restartFinishes();
  for (let id = 1; id <= TASKS; id++) {
    const dispatches = events.filter((e) => e.type === 'ticket.dispatched' && e.ticket === String(id));
    assert.is(dispatches.length, 1, `ticket ${id} dispatched ${dispatches.length} times: ${dispatches.map((e) => e.message).join(' | ')}`);
  }
});

test('after kill -9 right at a dispatch, the log holds no dispatch state.json lacks, and no prompt is worked twice', async () => {
  const run = await firstRun(1);
  // The first two finished and their sessions were handed the next tickets: kill at once,
  // somewhere between the dispatch decision and the prompt reaching the agent.
  await killWhen(run, (events) => events.filter((e) => e.type === 'ticket.dispatched').length >= 4);
  await assertLogNotAheadOfState();

  const events = await restartFinishes();
  for (let id = 1; id <= TASKS; id++) {
    // A prompt cut off before the agent took it is given again (once); never more.
    const dispatches = events.filter((e) => e.type === 'ticket.dispatched' && e.ticket === String(id)).length;
    assert.ok(dispatches >= 1 && dispatches <= 2, `ticket ${id} dispatched ${dispatches} times`);
  }
});

test('a prompt a crash left unsent in the agent\'s input box is cleared, not sent with the next one', async () => {
  // A first run starts the sim in window `a` of the private server and leaves it running.
  await writeFile(world.planFile, '# nothing yet\n');
  const config = configText({ dataDir: world.dataDir, planFile: world.planFile, sessions: [{ name: 'a', repo: world.repo }] });
  const first = await world.start(config);
  await first.events.first((e) => e.type === 'session.state' && e.session === 'a' && e.data?.to === 'IDLE', 30_000, 'session a idle');
  await first.zoro.stop();

  // What a crash between paste and Enter leaves: ticket 1 dispatched to `a`, its prompt
  // journal entry open, and the paste sitting in the sim's input box.
  const store = createFileStore({ dir: world.dataDir, log: () => undefined });
  await store.load();
  store.putTicket({
    ...newRecord(
      { id: '1', provider: 'plan', external_id: '1', title: 'Cut short', description: '', context: '', project_id: null, signal_cmd: 'test -f work.txt', depends_on: [], url: null, updated_at: null },
      1,
      new Date().toISOString(),
    ),
    status: 'dispatched',
    session: 'a',
    attempts: 1,
  });
  await store.journalBegin({ id: 'prompt:1:1:1', kind: 'prompt', ticket: '1', session: 'a', attempt: 1 });
  await store.close();
  const tmux = (...args: string[]) => exec('tmux', ['-L', world.socket, ...args]);
  const stale = join(world.dir, 'stale-prompt.txt');
  await writeFile(stale, 'Ticket: 1 (attempt 1)\n| sim: fail-times 0\n| sim: write stale.txt from the cut prompt\n');
  await tmux('load-buffer', '-b', 'stale', stale);
  await tmux('paste-buffer', '-p', '-d', '-b', 'stale', '-t', '=zoro:a');
  await eventually(async () => (await tmux('capture-pane', '-p', '-t', '=zoro:a')).stdout.includes('[pasted text'), 5_000, 'the stale paste on screen');

  await writeFile(world.planFile, planText([{ title: 'Cut short', lines: ['sim: fail-times 0', 'sim: write work.txt done', 'signal_cmd: test -f work.txt'] }]));
  const second = await world.start(config);
  const summary = await second.settled(30_000);
  assert.equal(
    summary.tickets.map((t) => [t.id, t.status, t.attempts]),
    [['1', 'done', 2]],
  );
  assert.is(await readFile(join(world.repo, 'work.txt'), 'utf8'), 'done\n');
  assert.not.ok(existsSync(join(world.repo, 'stale.txt')), 'the cut prompt was sent along with the new one');
  assert.is(Number(await readFile(join(world.repo, '.zoro-sim', 'ticket-1.fail-times'), 'utf8')), 1);
  await second.zoro.stop();
  const after = createFileStore({ dir: world.dataDir, log: () => undefined });
  assert.equal((await after.load()).journal, [], 'the cut delivery\'s journal entry is closed');
  await after.close();
});

test.run();
