import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { checkIterm2, defaultIterm2SocketPath, iterm2InitHelp } from '../../../../adapters/terminals/iterm2/doctor.js';
import { startFakeIterm2 } from '../../../fakes/iterm2/index.js';
import { scratchDir } from './helpers.js';

test('doctor reports a reachable, authorized iTerm2 with its sessions', async () => {
  const repo = scratchDir();
  const fake = await startFakeIterm2({ sessions: [{ cwd: repo.path }, { cwd: repo.path }] });
  try {
    const check = await checkIterm2(fake.socketPath, { credentials: fake.credentials });
    assert.equal(check, { ok: true, message: `iTerm2 API reachable at ${fake.socketPath} (2 sessions, protocol 1.17)` });
    assert.is(fake.connectionCount(), 0, 'the check closes its connection');
  } finally {
    await fake.close();
    repo.remove();
  }
});

test('doctor names the fix when authorization is refused or the API is off', async () => {
  const fake = await startFakeIterm2();
  const dir = scratchDir();
  try {
    const refused = await checkIterm2(fake.socketPath, { credentials: async () => null });
    assert.is(refused.ok, false);
    assert.match(refused.message, /refused the connection \(401/);

    const off = await checkIterm2(join(dir.path, 'socket'), { credentials: async () => null, isIterm2Running: async () => true });
    assert.is(off.ok, false);
    assert.match(off.message, /Preferences → General → Magic → Enable Python API/);
  } finally {
    await fake.close();
    dir.remove();
  }
});

test('the socket lives under Application Support, per iTerm2 suite; init explains the one setting', () => {
  assert.is(defaultIterm2SocketPath({}, '/Users/me'), '/Users/me/Library/Application Support/iTerm2/private/socket');
  assert.is(defaultIterm2SocketPath({ IT2_SUITE: 'iTerm2-Nightly' }, '/Users/me'), '/Users/me/Library/Application Support/iTerm2-Nightly/private/socket');
  assert.match(iterm2InitHelp(), /Preferences → General → Magic and turn on "Enable Python API"/);
});

test.run();
