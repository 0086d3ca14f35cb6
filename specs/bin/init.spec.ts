import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, EXAMPLE_CONFIG } from '../../bin/commands/init.js';
import { UsageError } from '../../lib/errors.js';
import type { ConfigEnv } from '../../adapters/config/env.js';
import { resolveConfig } from '../../adapters/config/load.js';

let home = '';
test.before.each(async () => {
  home = await mkdtemp(join(tmpdir(), 'zoro-init-'));
});
test.after.each(async () => {
  await rm(home, { recursive: true, force: true });
});

function machine(vars: Record<string, string> = {}, commands: string[] = ['tmux']): ConfigEnv {
  return { platform: 'linux', home, cwd: home, vars, exists: () => false, onPath: (command) => commands.includes(command) };
}

/** Run `zoro init` and keep what it printed. */
async function init(argv: string[], env: ConfigEnv): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...parts: unknown[]) => lines.push(parts.join(' '));
  try {
    return { code: await run(argv, env), out: lines.join('\n') };
  } finally {
    console.log = original;
  }
}

test('init writes ~/.zoro/access.txt from the example with mode 0600 and prints next steps', async () => {
  const { code, out } = await init([], machine());
  assert.is(code, 0);
  const file = join(home, '.zoro', 'access.txt');
  assert.is(await readFile(file, 'utf8'), await readFile(EXAMPLE_CONFIG, 'utf8'));
  assert.is((await stat(file)).mode & 0o777, 0o600);
  assert.match(out, `✔ wrote ${file} (mode 0600)`);
  assert.match(out, '! claude: Claude Code (claude) is not on PATH');
  assert.match(out, '✔ tmux: tmux is on PATH');
  assert.match(out, 'Next steps:');
  assert.equal(resolveConfig(await readFile(file, 'utf8'), file, machine()).errors, []);
});

test('init refuses to overwrite without --force, and replaces with it', async () => {
  const file = join(home, 'mine.txt');
  await writeFile(file, '[zoro]\nweb_port = 1234\n');
  const refused = await init(['--config', file], machine());
  assert.is(refused.code, 2);
  assert.match(refused.out, 'already exists; not overwriting it (use --force');
  assert.is(await readFile(file, 'utf8'), '[zoro]\nweb_port = 1234\n');

  const forced = await init(['--force', `--config=${file}`], machine());
  assert.is(forced.code, 0);
  assert.is(await readFile(file, 'utf8'), await readFile(EXAMPLE_CONFIG, 'utf8'));
  assert.is((await stat(file)).mode & 0o777, 0o600);
});

test('init honours $ZORO_CONFIG', async () => {
  const file = join(home, 'from-env', 'access.txt');
  assert.is((await init([], machine({ ZORO_CONFIG: file }))).code, 0);
  assert.ok((await stat(file)).isFile());
});

test('an unknown argument is a usage error', async () => {
  const error = await init(['--frobnicate'], machine()).catch((caught: unknown) => caught);
  assert.instance(error, UsageError);
});

test.run();
