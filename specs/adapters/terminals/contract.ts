/**
 * The Terminal contract: the same cases run against every runtime (tmux.spec.ts and
 * pty.spec.ts call this), with real programs in real terminals.
 */
import { mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Terminal, TerminalRuntime } from '../../../adapters/terminals/types.js';
import { Watch, echoAgent, exitWithin } from './watch.js';

export interface ContractSubject {
  name: string;
  createRuntime(): TerminalRuntime;
  /** tmux: a program outlives the runtime that started it and can be attached again. pty: it cannot. */
  survivesDispose: boolean;
  /** Runs after every case (kill a private tmux server, …). */
  cleanup(): Promise<void>;
}

export function terminalContract(subject: ContractSubject) {
  const test = suite<{ runtime: TerminalRuntime; dirs: string[]; terminals: Terminal[] }>(`${subject.name} terminal contract`, {
    runtime: undefined as unknown as TerminalRuntime,
    dirs: [],
    terminals: [],
  });

  test.before.each(async (context) => {
    context.runtime = subject.createRuntime();
    context.dirs = [];
    context.terminals = [];
  });

  test.after.each(async (context) => {
    for (const terminal of context.terminals) await terminal.close({ kill: true });
    await context.runtime.dispose();
    for (const dir of context.dirs) await rm(dir, { recursive: true, force: true });
  });

  test.after(async () => {
    await subject.cleanup();
  });

  async function workDir(context: { dirs: string[] }): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), `zoro-${subject.name}-`));
    context.dirs.push(dir);
    return dir;
  }

  async function startAgent(context: { runtime: TerminalRuntime; dirs: string[]; terminals: Terminal[] }, name: string) {
    const cwd = await workDir(context);
    const terminal = await context.runtime.start({ name, cwd, command: echoAgent(), env: { ZORO_SPEC: 'it is $me' } });
    context.terminals.push(terminal);
    const watch = new Watch(terminal);
    await watch.until('[ready]');
    return { terminal, watch, cwd };
  }

  test('a program starts in its working directory with its environment, and its output streams', async (context) => {
    const { terminal, watch, cwd } = await startAgent(context, 'starts');
    assert.ok(watch.text.includes(`[cwd:${await realpath(cwd)}]`), watch.text);
    assert.ok(watch.text.includes('[env:it is $me]'), 'the environment reaches the program literally');
    assert.is(terminal.runtime, subject.name);
    assert.ok(terminal.alive());
  });

  test('a multi-line paste arrives as one bracketed paste, and only Enter submits it', async (context) => {
    const { terminal, watch } = await startAgent(context, 'paste');
    await terminal.paste('first line\nsecond "line" with $HOME, #hash; and \\ backslash\nthird');
    await watch.until('third"]');
    assert.ok(
      watch.text.includes('[paste:"first line\\nsecond \\"line\\" with $HOME, #hash; and \\\\ backslash\\nthird"]'),
      watch.text,
    );
    assert.is(watch.count('[submit:'), 0, 'nothing was submitted by the paste itself');
    await terminal.press('Enter');
    await watch.until('[submit:');
    assert.is(watch.count('[submit:'), 1);
    assert.ok(watch.text.includes('[submit:"first line\\nsecond'), watch.text);
  });

  test('a paste cannot end the bracket early and type the rest', async (context) => {
    const { terminal, watch } = await startAgent(context, 'inject');
    await terminal.paste('harmless\x1b[201~exit 9\rrest');
    await watch.until('[paste:');
    await watch.until('rest"]');
    assert.is(watch.count('[submit:'), 0);
    assert.ok(terminal.alive());
  });

  test('type and press Enter submit literal text, unicode included', async (context) => {
    const { terminal, watch } = await startAgent(context, 'typing');
    await terminal.type('héllo 世界 🎉 "quoted" $HOME ; #x');
    await terminal.press('Enter');
    await watch.until('[submit:');
    await watch.until('"]');
    assert.ok(watch.text.includes('[submit:"héllo 世界 🎉 \\"quoted\\" $HOME ; #x"]'), watch.text);
    assert.not.ok(watch.text.includes('\uFFFD'));
  });

  test('a multi-byte character split across two writes arrives whole', async (context) => {
    const { terminal, watch } = await startAgent(context, 'unicode');
    await terminal.type('unicode');
    await terminal.press('Enter');
    await watch.until('[unicode:é世🎉]');
    assert.not.ok(watch.text.includes('\uFFFD'));
  });

  test('an exit status reaches onExit, and the terminal is no longer alive', async (context) => {
    const { terminal, watch } = await startAgent(context, 'exits');
    await terminal.type('exit 7');
    await terminal.press('Enter');
    const exit = await exitWithin(watch);
    assert.is(exit.code, 7);
    assert.not.ok(terminal.alive());
    let late: number | null = null;
    await new Promise<void>((resolve) => terminal.onExit((again) => { late = again.code; resolve(); }));
    assert.is(late, 7, 'a listener added after the exit still hears of it');
  });

  test('a program that exits at once still reports its status', async (context) => {
    const cwd = await workDir(context);
    const terminal = await context.runtime.start({ name: 'quick', cwd, command: [process.execPath, '-e', 'console.log("bye"); process.exit(3)'] });
    context.terminals.push(terminal);
    const watch = new Watch(terminal);
    const exit = await exitWithin(watch);
    assert.is(exit.code, 3);
    assert.ok(watch.text.includes('bye'), 'output from before the listener was added is kept');
  });

  test('capture returns the recent output as plain lines', async (context) => {
    const { terminal, watch } = await startAgent(context, 'capture');
    await terminal.type('look');
    await terminal.press('Enter');
    await watch.until('[submit:"look"]');
    const lines = await terminal.capture(50);
    assert.ok(lines.includes('[ready]'), JSON.stringify(lines));
    assert.ok(lines.includes('[submit:"look"]'), JSON.stringify(lines));
    assert.not.ok(lines.some((line) => line.includes('\x1b')), 'no escape sequences');
    assert.equal(await terminal.capture(1), ['[submit:"look"]']);
  });

  test('a 5 MB burst arrives complete and in order', async (context) => {
    const { terminal, watch } = await startAgent(context, 'burst');
    const count = 100_000; // ~5.1 MB of "line N xxxx…"
    await terminal.type(`burst ${count}`);
    await terminal.press('Enter');
    await watch.until('[burst-done]', 90_000);
    let expected = 0;
    for (const line of watch.text.split('\n')) {
      const match = /^line (\d+) x{40}\r?$/.exec(line);
      if (!match) continue;
      assert.is(Number(match[1]), expected, `line ${expected} is next`);
      expected += 1;
    }
    assert.is(expected, count);
  });

  test('close with kill ends the program', async (context) => {
    const { terminal } = await startAgent(context, 'killed');
    await terminal.close({ kill: true });
    assert.not.ok(terminal.alive());
    await terminal.close({ kill: true }); // closing twice is harmless
  });

  test('attach finds nothing where nothing runs', async (context) => {
    const cwd = await workDir(context);
    assert.is(await context.runtime.attach?.({ name: 'nobody-here', cwd }) ?? null, null);
  });

  if (subject.survivesDispose) {
    test('a program outlives dispose and is found again by window name, then by cwd', async (context) => {
      const { terminal, cwd } = await startAgent(context, 'keeper');
      await context.runtime.dispose();

      const second = subject.createRuntime();
      const byName = await second.attach!({ name: 'keeper', cwd: '/nonexistent' });
      assert.ok(byName, 'found by window name');
      assert.is(byName.id, terminal.id);
      assert.ok(byName.alive());
      const watch = new Watch(byName);
      await byName.type('still here');
      await byName.press('Enter');
      await watch.until('[submit:"still here"]');
      assert.ok((await byName.capture(20)).includes('[ready]'), 'capture seeds the buffer with what came before');
      await second.dispose();

      const third = subject.createRuntime();
      const link = `${cwd}-link`;
      await symlink(cwd, link);
      context.dirs.push(link);
      const byCwd = await third.attach!({ name: 'not-a-window', cwd: link });
      assert.ok(byCwd, 'found by working directory, through a symlink');
      assert.is(byCwd.id, terminal.id);
      const again = new Watch(byCwd);
      await byCwd.type('and here');
      await byCwd.press('Enter');
      await again.until('[submit:"and here"]');
      await byCwd.close({ kill: true });
      await third.dispose();
      context.terminals = [];
    });
  } else {
    test('dispose ends the programs, and attach never finds one', async (context) => {
      const { watch, cwd } = await startAgent(context, 'mortal');
      await context.runtime.dispose();
      await exitWithin(watch);
      const second = subject.createRuntime();
      assert.is((await second.attach?.({ name: 'mortal', cwd })) ?? null, null);
      await second.dispose();
      context.terminals = [];
    });
  }

  return test;
}
