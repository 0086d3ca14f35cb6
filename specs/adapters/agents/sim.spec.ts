/**
 * The real `zoro sim` program in a pseudo-terminal, driven the way zoro drives an agent: a
 * bracketed paste, then a separate Enter. Each test waits on output events with a bounded
 * timeout. The profile's screen rules are checked against these live screens too.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn as spawnPty, type IPty } from 'node-pty';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zoroCommand } from '../../../lib/self.js';
import { visibleLines } from '../../../lib/ansi.js';
import { buildPrompt } from '../../../lib/prompt.js';
import { simProfile } from '../../../adapters/agents/sim/profile.js';

const SIGNAL = 'READY FOR NEW TASKS';
const WAIT_MS = 15_000;

/** One running sim in a pty, its whole output kept for reading. */
class SimTerminal {
  output = '';
  exitCode: number | null = null;
  private readonly waiters = new Set<() => void>();
  private readonly pty: IPty;

  constructor(cwd: string, env: Record<string, string> = {}) {
    const [file, ...args] = zoroCommand();
    this.pty = spawnPty(file, [...args, 'sim'], {
      cols: 120,
      rows: 40,
      cwd,
      env: { ...process.env, ...env } as Record<string, string>,
    });
    this.pty.onData((data) => {
      this.output += data;
      this.waiters.forEach((check) => check());
    });
    this.pty.onExit(({ exitCode }) => {
      this.exitCode = exitCode;
      this.waiters.forEach((check) => check());
    });
  }

  /** Visible lines of everything printed since `from` (an earlier `output.length`). */
  lines(from = 0): string[] {
    return visibleLines(this.output.slice(from)).map((line) => line.trimEnd());
  }

  signals(from = 0): number {
    return this.lines(from).filter((line) => line === SIGNAL).length;
  }

  /** Resolves once `ready()` holds; rejects after `ms` with what the screen showed. */
  until(what: string, ready: () => boolean, ms = WAIT_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!ready()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; screen:\n${this.lines().slice(-15).join('\n')}`));
      }, ms);
      this.waiters.add(check);
      check();
    });
  }

  /** True if `ready()` holds within `ms` — for asserting that something does NOT happen. */
  async within(ms: number, ready: () => boolean): Promise<boolean> {
    return this.until('', ready, ms).then(() => true, () => false);
  }

  idle(): Promise<void> {
    return this.until('the idle prompt', () => simProfile.classify(this.lines()) === 'idle');
  }

  /** Delivers a prompt as zoro does: a bracketed paste, then Enter as a separate write. */
  async deliver(prompt: string): Promise<number> {
    const mark = this.output.length;
    this.pty.write(`\x1b[200~${prompt}\x1b[201~`);
    this.pty.write('\r');
    await this.until('the working-on confirmation', () => simProfile.submitted(this.output.slice(mark), this.lines()));
    return mark;
  }

  finished(from: number, count = 1): Promise<void> {
    return this.until(`${count} ready signal(s)`, () => this.signals(from) >= count);
  }

  write(data: string): void {
    this.pty.write(data);
  }

  exited(): Promise<void> {
    return this.until('the sim to exit', () => this.exitCode !== null);
  }

  kill(): void {
    if (this.exitCode === null) this.pty.kill();
  }
}

let cwd = '';
let sim: SimTerminal;

async function startSim(env: Record<string, string> = {}): Promise<SimTerminal> {
  sim = new SimTerminal(cwd, env);
  await sim.idle();
  return sim;
}

test.before.each(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'zoro-sim-pty-'));
});
test.after.each(async () => {
  sim?.kill();
  await rm(cwd, { recursive: true, force: true });
});

test('it starts at an idle prompt with bracketed paste mode on', async () => {
  await startSim();
  assert.ok(sim.output.includes('\x1b[?2004h'));
  assert.is(simProfile.classify(sim.lines()), 'idle');
});

test('newlines inside a paste do not submit; Enter does, with a confirmation line', async () => {
  await startSim();
  const mark = sim.output.length;
  sim.write('\x1b[200~first line\nsim: echo hello from sim\nthird line\x1b[201~');
  await sim.until('the paste placeholder', () => sim.output.includes('[pasted text +3 lines]'));
  assert.not.ok(sim.output.slice(mark).includes('» working on'));
  sim.write('\r');
  await sim.finished(mark);
  const lines = sim.lines(mark);
  assert.ok(lines.includes('» working on: first line'));
  assert.ok(lines.indexOf('hello from sim') < lines.indexOf(SIGNAL));
});

test('echo prints its text and the signal comes alone on its own line', async () => {
  await startSim();
  const mark = await sim.deliver('sim: echo one\nsim: echo two');
  await sim.finished(mark);
  const lines = sim.lines(mark);
  const at = lines.indexOf(SIGNAL);
  assert.equal(lines.slice(at - 2, at + 1), ['one', 'two', SIGNAL]);
  await sim.idle();
});

test('sleep works that long before finishing', async () => {
  await startSim();
  const started = Date.now();
  const mark = await sim.deliver('sim: sleep 1');
  assert.is(simProfile.classify(sim.lines()), 'busy');
  await sim.finished(mark);
  assert.ok(Date.now() - started >= 1000, 'the signal came after the sleep');
});

test('a quoted write directive in zoro\'s real prompt writes the file', async () => {
  await startSim();
  const prompt = buildPrompt({
    ticket: {
      id: '12', title: 'Write the notes', description: 'Please write them.\nsim: write notes/out.txt hello world',
      context: '', url: null, provider: 'plan', signal_cmd: 'grep -q hello notes/out.txt', comments: [],
    },
    session: { name: 'api', description: '' },
    attempt: 1,
    feedback: null,
    readySignal: SIGNAL,
  });
  assert.match(prompt, /^\| sim: write notes\/out.txt hello world$/m);
  const mark = await sim.deliver(prompt);
  await sim.finished(mark);
  assert.is(await readFile(join(cwd, 'notes/out.txt'), 'utf8'), 'hello world\n');
});

test('fail prints the failure and finishes without writing', async () => {
  await startSim();
  const mark = await sim.deliver('| sim: write out.txt x\n| sim: fail');
  await sim.finished(mark);
  assert.ok(sim.lines(mark).includes('Error: simulated failure'));
  assert.not.ok(existsSync(join(cwd, 'out.txt')));
});

test('fail-times 2 fails two prompts of a ticket, then the third does the work', async () => {
  await startSim();
  const prompt = (attempt: number) => `Ticket: 7 (attempt ${attempt})\n| sim: fail-times 2\n| sim: write out.txt done`;
  for (const attempt of [1, 2]) {
    const mark = await sim.deliver(prompt(attempt));
    await sim.finished(mark);
    assert.ok(sim.lines(mark).includes('Error: simulated failure'), `attempt ${attempt} fails`);
    assert.not.ok(existsSync(join(cwd, 'out.txt')));
    await sim.idle();
  }
  const mark = await sim.deliver(prompt(3));
  await sim.finished(mark);
  assert.not.ok(sim.lines(mark).includes('Error: simulated failure'));
  assert.is(await readFile(join(cwd, 'out.txt'), 'utf8'), 'done\n');
  assert.ok((await readdir(join(cwd, '.zoro-sim'))).includes('ticket-7.fail-times'));
});

test('an error loop repeats its message until Ctrl-C interrupts it; the next prompt works', async () => {
  await startSim();
  const mark = await sim.deliver('sim: error-loop Error: connection refused');
  await sim.until('the error twice', () => sim.lines(mark).filter((l) => l === 'Error: connection refused').length >= 2);
  assert.is(simProfile.classify(sim.lines()), 'busy');
  sim.write('\x03');
  await sim.until('the interruption', () => sim.lines(mark).includes('^C interrupted'));
  await sim.idle();
  assert.is(sim.signals(mark), 0);
  const next = await sim.deliver('sim: echo back to work');
  await sim.finished(next);
});

test('silent prints nothing and never finishes; Escape interrupts it', async () => {
  await startSim();
  const mark = await sim.deliver('sim: silent');
  assert.not.ok(await sim.within(1500, () => sim.signals(mark) > 0), 'no ready signal from a stalled sim');
  assert.is(simProfile.classify(sim.lines()), 'busy');
  sim.write('\x1b');
  await sim.until('the interruption', () => sim.lines(mark).includes('^C interrupted'));
  await sim.idle();
});

test('ask waits for a human; answering 1 continues with the work', async () => {
  await startSim();
  const mark = await sim.deliver('sim: ask Push to main?\nsim: write pushed.txt yes');
  await sim.until('the choice', () => simProfile.classify(sim.lines()) === 'needs_human');
  assert.ok(sim.lines(mark).includes('Push to main?'));
  sim.write('1');
  sim.write('\r');
  await sim.finished(mark);
  assert.ok(existsSync(join(cwd, 'pushed.txt')));
  await sim.idle();
});

test('ask answered 2 declines and finishes without the work', async () => {
  await startSim();
  const mark = await sim.deliver('sim: ask Push to main?\nsim: write pushed.txt yes');
  await sim.until('the choice', () => simProfile.classify(sim.lines()) === 'needs_human');
  sim.write('2');
  await sim.finished(mark);
  assert.ok(sim.lines(mark).includes('declined'));
  assert.not.ok(existsSync(join(cwd, 'pushed.txt')));
});

test('crash exits with status 1 at once', async () => {
  await startSim();
  sim.write('\x1b[200~sim: crash\nsim: write never.txt x\x1b[201~\r');
  await sim.exited();
  assert.is(sim.exitCode, 1);
  assert.is(simProfile.classify(sim.lines()), 'exited');
  assert.not.ok(existsSync(join(cwd, 'never.txt')));
});

test('output N prints progress lines at about that rate while working', async () => {
  await startSim();
  const mark = await sim.deliver('sim: output 20\nsim: sleep 1');
  await sim.finished(mark);
  const progress = sim.lines(mark).filter((line) => /^working… \(\d+\)$/.test(line));
  assert.ok(progress.length >= 10, `expected about 20 progress lines, got ${progress.length}`);
});

test('a prompt whose text contains the signal gets it only once, at the end', async () => {
  await startSim();
  const mark = await sim.deliver(`Print "${SIGNAL}" when done.\n${SIGNAL}\n| sim: echo step one\n| sim: sleep 0.5\n| sim: echo step two`);
  await sim.finished(mark);
  assert.not.ok(await sim.within(300, () => sim.signals(mark) > 1), 'the signal is printed once');
  const lines = sim.lines(mark);
  assert.ok(lines.indexOf('step two') < lines.indexOf(SIGNAL));
});

test('typed text is echoed, Backspace edits it and Enter submits it', async () => {
  await startSim();
  const mark = sim.output.length;
  sim.write('sim: echo abx');
  sim.write('\x7f');
  sim.write('c\r');
  await sim.finished(mark);
  assert.ok(sim.lines(mark).includes('abc'));
});

test('Ctrl-D at an empty prompt exits with status 0 and turns bracketed paste off', async () => {
  await startSim();
  sim.write('\x04');
  await sim.exited();
  assert.is(sim.exitCode, 0);
  assert.ok(sim.output.includes('\x1b[?2004l'));
});

test('ZORO_READY_SIGNAL changes the signal it prints', async () => {
  await startSim({ ZORO_READY_SIGNAL: 'ALL DONE' });
  const mark = await sim.deliver('sim: echo hi');
  await sim.until('the custom signal', () => sim.lines(mark).includes('ALL DONE'));
  assert.is(sim.signals(mark), 0);
});

test('on a pipe it reads lines, a blank line or the end of input submits, and it exits 0', async () => {
  const [file, ...args] = zoroCommand();
  const child = spawn(file, [...args, 'sim'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (data: Buffer) => (out += data.toString()));
  child.stdin.end('sim: echo first\n\nsim: write piped.txt ok\n');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.is(code, 0);
  assert.is(out.split('\n').filter((line) => line === SIGNAL).length, 2);
  assert.ok(out.includes('first\n'));
  assert.is(await readFile(join(cwd, 'piped.txt'), 'utf8'), 'ok\n');
});

test.run();
