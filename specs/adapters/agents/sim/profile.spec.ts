import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simProfile } from '../../../../adapters/agents/sim/profile.js';
import { launchContext } from '../launch-context.js';

const context = launchContext;

test('sim launches `zoro sim` with no env for the default signal', () => {
  assert.equal(simProfile.launch(context()), { command: ['node', '/opt/zoro/dist/bin/zoro.js', 'sim'], env: {} });
  assert.equal(simProfile.launch(context({ ready_signal: 'READY FOR NEW TASKS' })).env, {});
});

test('a customised ready signal reaches the sim as ZORO_READY_SIGNAL', () => {
  assert.equal(simProfile.launch(context({ ready_signal: 'ALL DONE' })).env, { ZORO_READY_SIGNAL: 'ALL DONE' });
});

// The screens below are what `zoro sim` prints; sim.spec.ts checks the same rules on the
// live program in a pty.
test('a blank or banner-only screen is starting', () => {
  assert.is(simProfile.classify([]), 'starting');
  assert.is(simProfile.classify(['zoro sim — a simulated agent. Paste or type a prompt; Enter submits.', '']), 'starting');
});

test('the sim> prompt, empty or with typed text, is idle', () => {
  assert.is(simProfile.classify(['READY FOR NEW TASKS', 'sim>', '', '']), 'idle');
  assert.is(simProfile.classify(['sim> [pasted text +12 lines]']), 'idle');
  assert.is(simProfile.classify(['^C interrupted', 'sim> ']), 'idle');
});

test('working lines, whatever the work prints after them, are busy', () => {
  assert.is(simProfile.classify(['sim> [pasted text +3 lines]', '» working on: Ticket: 4 (attempt 1)']), 'busy');
  assert.is(simProfile.classify(['» working on: Ticket: 4', 'working… (1)', 'working… (2)']), 'busy');
  assert.is(simProfile.classify(['» working on: fix', 'Error: ECONNREFUSED', 'Error: ECONNREFUSED']), 'busy');
});

test('an unanswered Yes/No choice needs a human; once answered it is busy again', () => {
  const asking = ['» working on: deploy', 'Push to main?', '  1. Yes', '  2. No'];
  assert.is(simProfile.classify(asking), 'needs_human');
  assert.is(simProfile.classify([...asking, '1', '» answered yes']), 'busy');
});

test('the sim\'s own exit lines and a dead pane read as exited', () => {
  assert.is(simProfile.classify(['» working on: x', 'sim: crash — exiting with status 1']), 'exited');
  assert.is(simProfile.classify(['sim> ', 'sim: bye']), 'exited');
  assert.is(simProfile.classify(['sim> ', 'Pane is dead (status 1, Mon Jan 1 10:00:00 2024)']), 'exited');
});

test('a prompt counts as taken once the working-on confirmation appears', () => {
  assert.not.ok(simProfile.submitted('\r\n', ['sim> [pasted text +3 lines]']));
  assert.ok(simProfile.submitted('\r\n» working on: Ticket: 4\r\n', []));
});

test('sim is interrupted with Ctrl-C and takes prompts as a bracketed paste', () => {
  assert.equal(simProfile.interruptKeys, ['C-c']);
  assert.ok(simProfile.bracketedPaste);
});

test.run();
