import { test } from 'uvu';
import { basename, dirname } from 'node:path';
import * as assert from 'uvu/assert';
import { configPath, expandHome, initConfigPath, resolveConfigPath } from '../../../adapters/config/paths.js';
import { checkPrerequisites, formatCheck } from '../../../adapters/config/prerequisites.js';
import { findOnPath } from '../../../adapters/config/env.js';
import { fakeEnv } from './fake-env.js';

test('configPath: --config wins, then $ZORO_CONFIG, then ./access.txt, then ~/.zoro/access.txt', () => {
  const everything = fakeEnv({ vars: { ZORO_CONFIG: '~/alt.txt' }, files: ['/work/here/access.txt'] });
  assert.is(configPath('conf/a.txt', everything), '/work/here/conf/a.txt');
  assert.is(configPath(undefined, everything), '/home/me/alt.txt');
  assert.is(configPath(undefined, fakeEnv({ files: ['/work/here/access.txt'] })), '/work/here/access.txt');
  assert.is(configPath(undefined, fakeEnv()), '/home/me/.zoro/access.txt');
});

test('initConfigPath skips ./access.txt, so init writes the per-user file', () => {
  assert.is(initConfigPath(undefined, fakeEnv({ files: ['/work/here/access.txt'] })), '/home/me/.zoro/access.txt');
  assert.is(initConfigPath(undefined, fakeEnv({ vars: { ZORO_CONFIG: '/etc/z.txt' } })), '/etc/z.txt');
  assert.is(initConfigPath('/tmp/x.txt', fakeEnv()), '/tmp/x.txt');
});

test('paths in access.txt: ~ is home, relative is relative to the file, ~user is refused', () => {
  assert.is(expandHome('~', '/home/me'), '/home/me');
  assert.is(resolveConfigPath('~/src', '/etc/zoro', '/home/me'), '/home/me/src');
  assert.is(resolveConfigPath('src/../api', '/etc/zoro', '/home/me'), '/etc/zoro/api');
  assert.is(resolveConfigPath('/abs', '/etc/zoro', '/home/me'), '/abs');
  assert.is(resolveConfigPath('~bob/src', '/etc/zoro', '/home/me'), null);
});

test('prerequisites report node, tmux and claude with what to do', () => {
  const missing = checkPrerequisites({ nodeVersion: '18.19.0', env: fakeEnv({ commands: [] }) });
  assert.equal(missing.map((check) => [check.name, check.ok, check.required]), [['node', false, true], ['tmux', false, false], ['claude', false, false]]);
  assert.match(formatCheck(missing[0]!), /^✘ node: Node.js 18.19.0 — install Node.js 20 or newer/);
  assert.match(formatCheck(missing[1]!), /^! tmux: tmux is not on PATH — install tmux/);
  const present = checkPrerequisites({ nodeVersion: '20.11.1', env: fakeEnv({ commands: ['tmux', 'claude'] }) });
  assert.ok(present.every((check) => check.ok && check.hint === null));
});

test('findOnPath finds an executable and skips missing directories', () => {
  assert.is(findOnPath(basename(process.execPath), `/no/such/dir:${dirname(process.execPath)}`), process.execPath);
  assert.is(findOnPath('zoro-no-such-command', '/usr/bin:/bin'), null);
});

test.run();
