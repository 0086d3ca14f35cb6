import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createGenericProfile, parseCommandLine, splitWords } from '../../../adapters/agents/generic.js';
import { UsageError } from '../../../lib/errors.js';
import { launchContext } from './launch-context.js';

const context = launchContext;

test('a command line splits on white space', () => {
  assert.equal(parseCommandLine('  aider   --yes\t--model gpt '), ['aider', '--yes', '--model', 'gpt']);
});

test('single quotes are literal, double quotes allow \\" \\\\ \\$ and \\` escapes', () => {
  assert.equal(parseCommandLine(`run 'a "b" \\n' "c \\"d\\" \\$HOME \\x"`), ['run', 'a "b" \\n', 'c "d" $HOME \\x']);
});

test('quotes join with the text around them and an empty quoted word is kept', () => {
  assert.equal(parseCommandLine(`--name="my agent" '' x''y`), ['--name=my agent', '', 'xy']);
});

test('a backslash outside quotes escapes the next character', () => {
  assert.equal(parseCommandLine('my\\ agent \\"q\\"'), ['my agent', '"q"']);
});

test('no shell runs it: variables, globs, pipes and ~ stay literal', () => {
  assert.equal(parseCommandLine('echo $HOME *.ts | rm ~ ; x'), ['echo', '$HOME', '*.ts', '|', 'rm', '~', ';', 'x']);
});

test('an unterminated quote or an empty command is a usage error that says so', () => {
  assert.throws(() => parseCommandLine(`aider 'oops`), (error: unknown) => error instanceof UsageError && /unterminated ' quote/.test(error.message));
  assert.throws(() => parseCommandLine('   '), (error: unknown) => error instanceof UsageError && /empty/.test(error.message));
});

test('a generic profile launches its command plus the session\'s agent_args, with no extra env', () => {
  const profile = createGenericProfile('aider --yes');
  assert.equal(profile.launch(context()), { command: ['aider', '--yes'], env: {} });
  assert.equal(profile.launch(context({ agent_args: `--model "gpt 5"` })).command, ['aider', '--yes', '--model', 'gpt 5']);
});

test('argument lists may be empty; a command line may not', () => {
  assert.equal(splitWords('  '), []);
  assert.equal(createGenericProfile('aider').launch(context({ agent_args: ' ' })).command, ['aider']);
});

test('a bad command line fails when the profile is made, not when it launches', () => {
  assert.throws(() => createGenericProfile(`"half`), (error: unknown) => error instanceof UsageError);
});

test('a generic agent reads as busy whatever it prints, until its terminal shows it exited', () => {
  const profile = createGenericProfile('aider');
  assert.is(profile.classify([]), 'busy');
  assert.is(profile.classify(['> ', 'READY FOR NEW TASKS', '$ ']), 'busy');
  assert.is(profile.classify(['bye', 'Pane is dead (status 0, Mon Jan 1 10:00:00 2024)', '']), 'exited');
  assert.is(profile.classify(['bye', '[Process completed]']), 'exited');
  assert.is(profile.classify(['\x1b[1m[exited]\x1b[0m']), 'exited');
});

test('any output after Enter means the prompt was taken', () => {
  const profile = createGenericProfile('aider');
  assert.not.ok(profile.submitted('', []));
  assert.ok(profile.submitted('\r\n', []));
});

test('a generic agent is interrupted with Ctrl-C and takes prompts as a bracketed paste', () => {
  const profile = createGenericProfile('aider');
  assert.equal(profile.interruptKeys, ['C-c']);
  assert.ok(profile.bracketedPaste);
  assert.is(profile.name, 'generic');
});

test.run();
