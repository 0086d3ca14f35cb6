/**
 * Configuration errors through the real CLI: exit 2, and a message that names the file,
 * the line and the key — or, with no access.txt at all, says how to begin.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers.js';

let dir = '';
let home = '';
let cwd = '';
test.before.each(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoro-e2e-config-'));
  home = join(dir, 'home');
  cwd = join(dir, 'cwd');
  await mkdir(home);
  await mkdir(cwd);
});
test.after.each(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The CLI with no real config in reach: empty HOME and cwd, no $ZORO_CONFIG. */
const zoro = (args: string[]) => runCli(args, { cwd, env: { HOME: home, ZORO_CONFIG: '' }, timeoutMs: 20_000 });

test('a bad value is exit 2 with FILE:LINE (key) in the message, and nothing on stdout', async () => {
  const file = join(dir, 'access.txt');
  await writeFile(file, ['# my zoro', '[zoro]', `data_dir = ${join(dir, 'data')}`, 'web_port = abc', ''].join('\n'));
  const result = await zoro(['--config', file, '--once', '--json']);
  assert.is(result.code, 2);
  assert.match(result.stderr, `${file}:4 (web_port)`);
  assert.match(result.stderr, 'abc');
  assert.is(result.stdout, '');
});

test('every error is reported in one run, each with its line and key', async () => {
  const file = join(dir, 'access.txt');
  await writeFile(
    file,
    ['[zoro]', `data_dir = ${join(dir, 'data')}`, 'max_signal_attempts = 0', '', '[session:api]', 'agent = sim', ''].join('\n'),
  );
  const result = await zoro(['--config', file, '--once']);
  assert.is(result.code, 2);
  assert.match(result.stderr, `${file}:3 (max_signal_attempts)`);
  assert.match(result.stderr, 'repo_path');
});

test('a secret on a bad line is not echoed back', async () => {
  const file = join(dir, 'access.txt');
  const token = 'ghp_e2eSecretThatMustNotLeak0123456789';
  await writeFile(file, ['[zoro]', `data_dir = ${join(dir, 'data')}`, '', '[provider:github]', `token = ${token}`, 'poll_interval_seconds = soon', ''].join('\n'));
  const result = await zoro(['--config', file, '--once']);
  assert.is(result.code, 2);
  assert.match(result.stderr, `${file}:6 (poll_interval_seconds)`);
  assert.not.match(result.stderr + result.stdout, token);
});

test('with no access.txt anywhere, zoro exits 2 and points to zoro init and zoro demo', async () => {
  const result = await zoro(['--once']);
  assert.is(result.code, 2);
  assert.match(result.stderr, 'no access.txt found');
  assert.match(result.stderr, join(home, '.zoro', 'access.txt'));
  assert.match(result.stderr, 'zoro init');
  assert.match(result.stderr, 'zoro demo');
  assert.is(result.stdout, '');
});

test('a --config file that does not exist is exit 2 naming the file', async () => {
  const file = join(dir, 'nowhere', 'access.txt');
  const result = await zoro(['--config', file, '--once']);
  assert.is(result.code, 2);
  assert.match(result.stderr, file);
  assert.match(result.stderr, 'does not exist');
});

test('an unknown flag is exit 2', async () => {
  const result = await zoro(['--frobnicate']);
  assert.is(result.code, 2);
  assert.match(result.stderr, 'frobnicate');
});

test.run();
