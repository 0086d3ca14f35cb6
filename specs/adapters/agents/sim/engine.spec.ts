import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  runPrompt, COUNTS_DIR, DEFAULT_READY_SIGNAL, FAILURE_LINE, type SimWorld,
} from '../../../../adapters/agents/sim/engine.js';

/**
 * A world on a virtual clock: `sleep` advances it at once (after yielding to the event
 * loop, so an abort can land), and every printed line is kept with the time it was printed.
 */
function virtualWorld(cwd: string, answers: boolean[] = []) {
  let clock = 0;
  const printed: { at: number; line: string }[] = [];
  const asked: AbortSignal[] = [];
  const world: SimWorld = {
    cwd,
    readySignal: DEFAULT_READY_SIGNAL,
    print: (line) => printed.push({ at: clock, line }),
    now: () => clock,
    sleep: async (ms, signal) => {
      await new Promise((next) => setImmediate(next));
      if (!signal.aborted) clock += ms;
    },
    choose: async (signal) => {
      asked.push(signal);
      return answers.shift() ?? false;
    },
  };
  return { world, printed, lines: () => printed.map((p) => p.line), asked, time: () => clock };
}

let cwd = '';
test.before.each(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'zoro-sim-engine-'));
});
test.after.each(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const run = (prompt: string, sim: ReturnType<typeof virtualWorld>, signal = new AbortController().signal) =>
  runPrompt(prompt, sim.world, signal);

test('a prompt without directives works the default 0.3 s and prints the ready signal', async () => {
  const sim = virtualWorld(cwd);
  assert.is(await run('Just do your best.', sim), 'finished');
  assert.equal(sim.lines(), [DEFAULT_READY_SIGNAL]);
  assert.is(sim.time(), 300);
});

test('directives run in order and the ready signal comes last', async () => {
  const sim = virtualWorld(cwd);
  await run('| sim: echo first\n| sim: sleep 2\n| sim: write out.txt done\n| sim: echo second', sim);
  assert.equal(sim.printed, [
    { at: 0, line: 'first' },
    { at: 2000, line: 'second' },
    { at: 2000, line: DEFAULT_READY_SIGNAL },
  ]);
  assert.is(await readFile(join(cwd, 'out.txt'), 'utf8'), 'done\n');
});

test('a write creates missing directories', async () => {
  const sim = virtualWorld(cwd);
  await run('sim: write a/b/c.txt deep', sim);
  assert.is(await readFile(join(cwd, 'a/b/c.txt'), 'utf8'), 'deep\n');
});

test('a write outside the working directory is refused and the prompt still finishes', async () => {
  const sim = virtualWorld(cwd);
  await run('sim: write ../escaped.txt x\nsim: write /tmp/zoro-sim-abs.txt x', sim);
  assert.ok(sim.lines().filter((line) => line.includes('outside the working directory')).length === 2);
  assert.not.ok(existsSync(join(cwd, '..', 'escaped.txt')));
  assert.is(sim.lines().at(-1), DEFAULT_READY_SIGNAL);
});

test('fail prints the failure, skips every write, and still finishes', async () => {
  const sim = virtualWorld(cwd);
  await run('sim: write before.txt x\nsim: fail\nsim: write after.txt y', sim);
  assert.equal(sim.lines(), [FAILURE_LINE, DEFAULT_READY_SIGNAL]);
  assert.equal(await readdir(cwd), []);
});

test('fail-times N fails the first N prompts of a ticket, then does the work', async () => {
  const prompt = (attempt: number) => `Ticket: 7 (attempt ${attempt})\n| sim: fail-times 2\n| sim: write out.txt ok`;
  for (const attempt of [1, 2]) {
    const sim = virtualWorld(cwd);
    await run(prompt(attempt), sim);
    assert.equal(sim.lines(), [FAILURE_LINE, DEFAULT_READY_SIGNAL], `attempt ${attempt} fails`);
    assert.not.ok(existsSync(join(cwd, 'out.txt')));
  }
  const sim = virtualWorld(cwd);
  await run(prompt(3), sim);
  assert.equal(sim.lines(), [DEFAULT_READY_SIGNAL]);
  assert.is(await readFile(join(cwd, 'out.txt'), 'utf8'), 'ok\n');
  assert.is(await readFile(join(cwd, COUNTS_DIR, 'ticket-7.fail-times'), 'utf8'), '3\n');
  assert.is(await readFile(join(cwd, COUNTS_DIR, '.gitignore'), 'utf8'), '*\n');
});

test('fail-times counts each ticket separately', async () => {
  await run('Ticket: A\nsim: fail-times 1', virtualWorld(cwd));
  const other = virtualWorld(cwd);
  await run('Ticket: B\nsim: fail-times 1', other);
  assert.equal(other.lines(), [FAILURE_LINE, DEFAULT_READY_SIGNAL]);
  const again = virtualWorld(cwd);
  await run('Ticket: A\nsim: fail-times 1', again);
  assert.equal(again.lines(), [DEFAULT_READY_SIGNAL]);
});

test('output N prints progress lines at that rate while working', async () => {
  const sim = virtualWorld(cwd);
  await run('sim: output 10\nsim: sleep 1\nsim: sleep 0.5', sim);
  const progress = sim.printed.filter((p) => p.line.startsWith('working…'));
  assert.is(progress.length, 15);
  assert.equal(progress.slice(0, 3), [
    { at: 100, line: 'working… (1)' },
    { at: 200, line: 'working… (2)' },
    { at: 300, line: 'working… (3)' },
  ]);
  assert.is(progress.at(-1)?.line, 'working… (15)');
});

test('unknown directives are reported and the rest of the prompt still runs', async () => {
  const sim = virtualWorld(cwd);
  await run('sim: teleport now\nsim: echo still here', sim);
  assert.equal(sim.lines(), ['sim: unknown directive teleport', 'still here', DEFAULT_READY_SIGNAL]);
});

test('crash ends the prompt at once, before any default work', async () => {
  const sim = virtualWorld(cwd);
  assert.is(await run('sim: crash\nsim: echo never', sim), 'crashed');
  assert.equal(sim.lines(), []);
  assert.is(sim.time(), 0);
});

test('an error loop repeats its message every second until interrupted, without the signal', async () => {
  const sim = virtualWorld(cwd);
  const controller = new AbortController();
  const outcome = run('sim: error-loop Error: disk full', sim, controller.signal);
  while (sim.lines().length < 4) await new Promise((next) => setImmediate(next));
  controller.abort();
  assert.is(await outcome, 'interrupted');
  assert.ok(sim.lines().every((line) => line === 'Error: disk full'));
  const times = sim.printed.map((p) => p.at);
  assert.equal(times.slice(0, 4), [300, 1300, 2300, 3300]);
});

test('silent prints nothing and never finishes until interrupted', async () => {
  const sim = virtualWorld(cwd);
  const controller = new AbortController();
  const outcome = run('sim: silent\nsim: echo never', sim, controller.signal);
  while (sim.time() < 600_000) await new Promise((next) => setImmediate(next));
  controller.abort();
  assert.is(await outcome, 'interrupted');
  assert.equal(sim.lines(), []);
});

test('an interrupted sleep prints no ready signal and does no later work', async () => {
  const sim = virtualWorld(cwd);
  const controller = new AbortController();
  controller.abort();
  assert.is(await run('sim: sleep 5\nsim: write late.txt x', sim, controller.signal), 'interrupted');
  assert.equal(sim.lines(), []);
  assert.not.ok(existsSync(join(cwd, 'late.txt')));
});

test('ask shows a Yes/No choice; Yes continues with the work', async () => {
  const sim = virtualWorld(cwd, [true]);
  await run('sim: ask Push to main?\nsim: write pushed.txt yes', sim);
  assert.equal(sim.lines(), ['Push to main?', '  1. Yes', '  2. No', '» answered yes', DEFAULT_READY_SIGNAL]);
  assert.ok(existsSync(join(cwd, 'pushed.txt')));
});

test('ask answered No declines and finishes without the work', async () => {
  const sim = virtualWorld(cwd, [false]);
  await run('sim: ask Push to main?\nsim: write pushed.txt yes', sim);
  assert.equal(sim.lines().slice(-2), ['declined', DEFAULT_READY_SIGNAL]);
  assert.not.ok(existsSync(join(cwd, 'pushed.txt')));
});

test('the ready signal is the world\'s, and a prompt that names the signal does not print it early', async () => {
  const sim = virtualWorld(cwd);
  sim.world.readySignal = 'ALL DONE';
  await run('When finished print "ALL DONE".\nALL DONE\nsim: echo working\nsim: sleep 1', sim);
  assert.equal(sim.printed, [{ at: 0, line: 'working' }, { at: 1000, line: 'ALL DONE' }]);
});

test('printed ticket text cannot carry escape sequences or control bytes to the terminal', async () => {
  const sim = virtualWorld(cwd);
  await run('sim: echo a\x1b[2Jb\x07c', sim);
  assert.is(sim.lines()[0], 'abc');
});

test.run();
