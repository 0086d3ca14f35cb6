/**
 * The real Claude Code CLI (the pinned devDependency), started the way the `claude` profile
 * starts it, in a private tmux server, with a private HOME, against the fake Messages API,
 * its per-run hooks calling `zoro hook` into a test control socket. Nothing reaches the
 * internet. Every wait is bounded; the file takes well under two minutes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { claudeProfile, hookSignal } from '../../../../adapters/agents/claude/index.js';
import { classifyScreen, inputBoxEmpty, promptTaken } from '../../../../adapters/agents/claude/screen.js';
import type { FakeReply } from '../../../fakes/anthropic.js';
import type { ReceivedHook } from '../../../fakes/control-server.js';
import { startClaudeWorld, type ClaudePane } from './harness.js';

const world = await startClaudeWorld({
  script: (prompt): FakeReply[] => {
    if (prompt.includes('STALL')) return [{ stall: true }];
    const file = /file (\S+\.txt)/.exec(prompt)?.[1];
    if (file) {
      return [
        { text: `Writing ${file}.`, toolUse: { name: 'Write', input: { file_path: join(world.repo, file), content: `made for ${file}\n` } } },
        { text: `Wrote ${file}.\nREADY FOR NEW TASKS` },
      ];
    }
    return [{ text: 'Nothing to do.\nREADY FOR NEW TASKS' }];
  },
});
const sessionId = randomUUID();
const panes: Record<string, ClaudePane> = {};
const is = (state: string) => (lines: string[]) => classifyScreen(lines.slice(-40)) === state;
const hookAfter = (from: number, match: (hook: ReceivedHook) => boolean, timeoutMs = 20_000) =>
  world.control.waitForHook((hook) => world.control.hooks.indexOf(hook) >= from && match(hook), timeoutMs);
const payloadOf = (hook: ReceivedHook) => hook.payload as Record<string, unknown>;

test.after(() => world.close());

test('Claude Code starts on its idle prompt, with the session id zoro gave it, and says so in a hook', async () => {
  const started = Date.now();
  panes.edits = await world.start({ claude_session_id: sessionId });
  await panes.edits.waitForScreen(is('idle'), 'the idle prompt');
  const hook = await world.control.waitForHook((h) => h.event === 'SessionStart');
  console.log(`  start → idle prompt + SessionStart hook: ${Date.now() - started} ms`);
  assert.is(hook.session, 'spec', 'ZORO_SESSION reaches the hook');
  assert.is(payloadOf(hook).session_id, sessionId);
  assert.is(payloadOf(hook).source, 'startup');
  assert.is(hookSignal(hook.event, hook.payload), 'alive');
});

test('a pasted prompt makes the model write a file, the ready signal shows on its own line, and the Stop hook arrives', async () => {
  const pane = panes.edits;
  const from = world.control.hooks.length;
  await pane.paste('Ticket 7: make the file hello.txt\nThen print the ready signal on its own line.');
  assert.not.ok(promptTaken('', await pane.capture()), 'not taken before Enter');
  const entered = Date.now();
  await pane.press('Enter');
  await pane.waitForScreen((lines) => promptTaken('', lines), 'the prompt taken', 5_000);

  const submitted = await hookAfter(from, (h) => h.event === 'UserPromptSubmit');
  assert.match(String(payloadOf(submitted).prompt), 'make the file hello.txt');
  assert.is(hookSignal(submitted.event, submitted.payload), 'turn_started');

  const stop = await hookAfter(from, (h) => h.event === 'Stop');
  console.log(`  Enter → Stop hook: ${Date.now() - entered} ms`);
  assert.is(hookSignal(stop.event, stop.payload), 'turn_ended');
  assert.match(String(payloadOf(stop).last_assistant_message), 'READY FOR NEW TASKS');
  assert.is(await readFile(join(world.repo, 'hello.txt'), 'utf8'), 'made for hello.txt\n');

  const lines = await pane.waitForScreen(is('idle'), 'the idle prompt after the turn');
  assert.ok(lines.some((line) => line.trimEnd() === '  READY FOR NEW TASKS'), 'the signal on a line of its own, two spaces in');
  // The model was asked twice: the prompt, then the tool result; plus Claude Code's title request.
  const messages = world.api.requests.filter((r) => r.path.startsWith('/v1/messages') && !r.isTitle);
  assert.ok(messages.some((r) => r.prompt.includes('hello.txt')));
  assert.ok(messages.some((r) => r.isToolResult));
  assert.ok(world.api.requests.some((r) => r.isTitle));
});

test('in default permission mode a Write asks first: a permission_prompt hook, a needs_human screen, and 1 lets it go on', async () => {
  const from = world.control.hooks.length;
  const pane = (panes.asks = await world.start({ permission_mode: 'default' }));
  await pane.waitForScreen(is('idle'), 'the idle prompt');
  await pane.paste('Please make the file asked.txt');
  const entered = Date.now();
  await pane.press('Enter');
  await pane.waitForScreen(is('needs_human'), 'the permission prompt');
  const onScreen = Date.now() - entered;
  const notification = await hookAfter(from, (h) => h.event === 'Notification');
  console.log(`  Enter → permission prompt on screen: ${onScreen} ms; → Notification hook: ${Date.now() - entered} ms`);
  assert.is(payloadOf(notification).notification_type, 'permission_prompt');
  assert.is(hookSignal(notification.event, notification.payload), 'needs_human');
  assert.not.ok(world.control.hooks.slice(from).some((h) => h.event === 'Stop'), 'no Stop while it waits');

  await pane.press('1');
  await hookAfter(from, (h) => h.event === 'Stop');
  assert.is(await readFile(join(world.repo, 'asked.txt'), 'utf8'), 'made for asked.txt\n');
  await pane.waitForScreen(is('idle'), 'the idle prompt after the answer');
});

test('a stalled API leaves the screen busy and sends no Stop; Esc interrupts (no hook) and puts the prompt back', async () => {
  const pane = panes.edits;
  const from = world.control.hooks.length;
  await pane.paste('STALL please');
  await pane.press('Enter');
  await hookAfter(from, (h) => h.event === 'UserPromptSubmit');
  await world.api.waitForRequest((r) => r.prompt.includes('STALL') && !r.isTitle);
  await pane.waitForScreen(is('busy'), 'the busy screen');
  // What a liveness timer sees: time passes, the screen stays busy, no hook says the turn ended.
  const quietUntil = Date.now() + 3_000;
  while (Date.now() < quietUntil) {
    assert.ok(is('busy')(await pane.capture()), 'still busy');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  assert.equal(world.control.hooks.slice(from).map((h) => h.event), ['UserPromptSubmit']);

  for (const key of claudeProfile.interruptKeys) await pane.press(key);
  const lines = await pane.waitForScreen(is('idle'), 'the interrupted turn');
  assert.not.ok(inputBoxEmpty(lines), 'the interrupted prompt is back in the box');
  for (const key of claudeProfile.clearInputKeys ?? []) await pane.press(key);
  await pane.waitForScreen(inputBoxEmpty, 'the emptied input box', 5_000);
  assert.equal(world.control.hooks.slice(from).map((h) => h.event), ['UserPromptSubmit'], 'an interrupt fires no hook');
});

test('/exit ends the session (SessionEnd, an exited screen), and --resume continues the same conversation', async () => {
  const from = world.control.hooks.length;
  await panes.edits.type('/exit');
  await panes.edits.press('Enter');
  const end = await hookAfter(from, (h) => h.event === 'SessionEnd');
  assert.is(hookSignal(end.event, end.payload), 'ended');
  const lines = await panes.edits.waitForScreen(is('exited'), 'the exit message');
  assert.ok(lines.some((line) => line.includes(`claude --resume ${sessionId}`)));

  const resumed = await world.start({ claude_session_id: sessionId, claude_resume: 'true' });
  await resumed.waitForScreen(is('idle'), 'the resumed idle prompt');
  const start = await hookAfter(from, (h) => h.event === 'SessionStart');
  assert.is(payloadOf(start).source, 'resume');
  assert.is(payloadOf(start).session_id, sessionId);
  assert.ok((await resumed.capture()).some((line) => line.includes('make the file hello.txt')), 'the old conversation is on screen');
});

test.run();
