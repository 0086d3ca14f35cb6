import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Iterm2Error } from '../../../../adapters/terminals/iterm2/errors.js';
import { createIterm2Runtime } from '../../../../adapters/terminals/iterm2/runtime.js';
import { startFakeIterm2 } from '../../../fakes/iterm2/index.js';
import { attachedTab, countReady, scratchDir } from './helpers.js';

const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

const agentTab = () => attachedTab({ agent: true });

test('a multi-line unicode prompt arrives intact: one bracketed paste, then Enter', async () => {
  const world = await agentTab();
  try {
    const prompt = 'Fix the login bug\n\nSteps:\n\t1. café ✓ 日本語 🚀\n2. print READY FOR NEW TASKS when done';
    await world.terminal.paste(prompt);
    await world.terminal.press('Enter');
    await world.output.until((text) => countReady(text) === 1, 'the agent to finish');
    assert.equal(world.tab.received, [`${PASTE_START}${prompt}${PASTE_END}`, '\r']);
    assert.equal(world.prompts(), [`${PASTE_START}${prompt}${PASTE_END}\r`], 'the program read exactly these bytes');
    assert.ok(world.output.lines().some((line) => /^\|\s+1\. café ✓ 日本語 🚀$/.test(line)), 'the screen shows the unicode line');
  } finally {
    await world.done();
  }
});

test('escape sequences and control bytes in the text are neutralised; only the runtime adds paste markers', async () => {
  const world = await agentTab();
  try {
    const hostile = 'title\x1b]0;pwned\x07 plain \x1b[31mred\x1b[0m\x1b[201~\rrm -rf ~\x00\x07\x9b2J end';
    await world.terminal.paste(hostile);
    await world.terminal.press('Enter');
    await world.output.until((text) => countReady(text) === 1, 'the agent to finish');
    const [received] = world.prompts();
    assert.is(received, `${PASTE_START}title plain red\nrm -rf ~ end${PASTE_END}\r`);
    assert.is(world.prompts().length, 1, 'the text could not end the paste and submit early');
  } finally {
    await world.done();
  }
});

test('type sends sanitised literal text; press sends the key itself', async () => {
  const repo = scratchDir();
  const fake = await startFakeIterm2({ sessions: [{ cwd: repo.path }] });
  const runtime = createIterm2Runtime({ socketPath: fake.socketPath, credentials: fake.credentials });
  try {
    const terminal = await runtime.attach({ name: 'api', cwd: repo.path });
    assert.ok(terminal);
    await terminal.type('yes\x1b[A\x03');
    await terminal.press('Up');
    await terminal.press('C-c');
    await terminal.press('Enter');
    assert.equal(fake.sessions[0]!.received, ['yes', '\x1b[A', '\x03', '\r']);
  } finally {
    await runtime.dispose();
    await fake.close();
    repo.remove();
  }
});

test('text sent to a tab that was closed fails clearly and ends the terminal', async () => {
  const world = await agentTab();
  try {
    world.fake.closeTab(world.terminal.id);
    await world.terminal.paste('anyone there?').then(
      () => assert.unreachable('a closed tab cannot take text'),
      (error: unknown) => {
        assert.instance(error, Iterm2Error);
        assert.match((error as Error).message, /is gone/);
      },
    );
    assert.is(world.terminal.alive(), false);
  } finally {
    await world.done();
  }
});

test.run();
