import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { commandLine, shellQuote } from '../../../../adapters/terminals/iterm2/command-line.js';

test('plain words stay as they are; anything else is single-quoted', () => {
  assert.is(shellQuote('/usr/local/bin/claude'), '/usr/local/bin/claude');
  assert.is(shellQuote('--x y'), `'--x y'`);
  assert.is(shellQuote(`it's`), `'it'\\''s'`);
  assert.is(shellQuote(''), `''`);
});

test('a tab command line runs the exact argv with the exact environment, as a shell splits it', () => {
  const script = 'console.log(JSON.stringify([process.argv.slice(1), process.env.ZORO_X]))';
  const line = commandLine([process.execPath, '-e', script, `it's`, 'a b', '$HOME', '*'], { ZORO_X: `y'z $HOME "q"` });
  const run = spawnSync('/bin/sh', ['-c', `exec ${line}`], { encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout), [[`it's`, 'a b', '$HOME', '*'], `y'z $HOME "q"`]);
});

test('an environment name that is not a name is refused', () => {
  assert.throws(() => commandLine(['x'], { 'A B': '1' }), /not an environment variable name/);
});

test.run();
