import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { profileFor } from '../../../adapters/agents/index.js';
import { UsageError } from '../../../lib/errors.js';
import { launchContext } from './launch-context.js';

const context = launchContext;

test('sim runs zoro\'s own simulated agent', () => {
  const profile = profileFor('sim');
  assert.is(profile.name, 'sim');
  assert.equal(profile.launch(context()).command, ['node', '/opt/zoro/dist/bin/zoro.js', 'sim']);
});

test('claude runs the claude command', () => {
  assert.equal(profileFor('claude').launch(context()).command[0], 'claude');
});

test('anything else is a generic command line', () => {
  const profile = profileFor(' codex --full-auto ');
  assert.is(profile.name, 'generic');
  assert.equal(profile.launch(context()).command, ['codex', '--full-auto']);
});

test('an empty agent is a usage error', () => {
  assert.throws(() => profileFor(''), (error: unknown) => error instanceof UsageError);
});

test.run();
