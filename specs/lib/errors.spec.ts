import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, InvalidTransitionError } from '../../lib/errors.js';

test('a config error names the file, the line and the key', () => {
  const error = new ConfigError('/home/me/access.txt', 7, 'web_port', 'expected a port number, got "abc"');
  assert.is(error.message, '/home/me/access.txt:7 (web_port): expected a port number, got "abc"');
  assert.instance(error, Error);
});

test('an invalid transition names the machine, the state and the event', () => {
  const error = new InvalidTransitionError('session', 'IDLE', 'session.finished');
  assert.match(error.message, /session: state IDLE does not accept session.finished/);
});

test.run();
