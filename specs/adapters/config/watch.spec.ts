import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, loadConfig } from '../../../adapters/config/load.js';
import { configDiff, reloadConfig, watchConfig, type ConfigUpdate } from '../../../adapters/config/watch.js';
import type { ZoroConfig } from '../../../adapters/config/types.js';
import { ConfigError } from '../../../lib/errors.js';
import { fakeEnv } from './fake-env.js';

const ini = (...lines: string[]): string => lines.join('\n') + '\n';
const parse = (text: string): ZoroConfig => {
  const { config, errors } = resolveConfig(text, '/c/access.txt', fakeEnv());
  assert.equal(errors, []);
  return config!;
};

const base = ini(
  '[zoro]', 'web_port = 7070',
  '[provider:github]', 'token = a', 'repos = x/y',
  '[provider:linear]', 'api_key = k',
  '[session:api]', 'repo_path = /r/api', 'provider = github',
  '[session:web]', 'repo_path = /r/web',
);

test('no change means an empty diff, even when sections moved to other lines', () => {
  const moved = ini('# a comment that shifts every line', '', base);
  const diff = configDiff(parse(base), parse(moved));
  assert.ok(diff.empty);
  assert.equal([diff.zoro, diff.sessions.changed, diff.providers.changed], [[], [], []]);
});

test('sessions and providers added, removed and changed are each named', () => {
  const next = ini(
    '[zoro]', 'web_port = 7071',
    '[provider:github]', 'token = b', 'repos = x/y',
    '[provider:jira]', 'site_url = https://j', 'api_token = t',
    '[session:api]', 'repo_path = /r/api', 'provider = github', 'agent = sim',
    '[session:docs]', 'repo_path = /r/docs',
  );
  const diff = configDiff(parse(base), parse(next));
  assert.not.ok(diff.empty);
  assert.equal(diff.zoro, ['web_port']);
  assert.equal(diff.sessions.added.map((s) => s.name), ['docs']);
  assert.equal(diff.sessions.removed.map((s) => s.name), ['web']);
  assert.equal(diff.sessions.changed.map((c) => [c.name, c.keys, c.before.agent, c.after.agent]), [['api', ['agent'], 'claude', 'sim']]);
  assert.equal(diff.providers.added.map((p) => p.name), ['jira']);
  assert.equal(diff.providers.removed.map((p) => p.name), ['linear']);
  assert.equal(diff.providers.changed.map((c) => [c.name, c.keys]), [['github', ['token']]]);
});

test('a diff from nothing adds everything', () => {
  const diff = configDiff(null, parse(base));
  assert.equal(diff.sessions.added.map((s) => s.name), ['api', 'web']);
  assert.equal(diff.providers.added.map((p) => p.name), ['github', 'linear']);
  assert.not.ok(diff.empty);
});

async function withConfig(text: string, body: (file: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'zoro-watch-'));
  try {
    const file = join(dir, 'access.txt');
    await writeFile(file, text);
    await body(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('reloadConfig re-reads the file and reports the diff', () =>
  withConfig(base, async (file) => {
    const env = fakeEnv();
    const first = await loadConfig(file, env);
    await writeFile(file, base.replace('repo_path = /r/web', 'repo_path = /r/web2'));
    const { config, diff } = await reloadConfig(first, env);
    assert.is(config.sessions[1]!.repo_path, '/r/web2');
    assert.equal(diff.sessions.changed.map((c) => [c.name, c.keys]), [['web', ['repo_path']]]);
  }));

test('watchConfig reports a saved change, then a broken save as an error', () =>
  withConfig(base, async (file) => {
    const env = fakeEnv();
    const updates: ConfigUpdate[] = [];
    let notify = (): void => {};
    const stop = watchConfig(file, (update) => {
      updates.push(update);
      notify();
    }, { initial: await loadConfig(file, env), env, debounceMs: 20 });
    const next = (): Promise<ConfigUpdate> => new Promise((resolve) => {
      notify = () => resolve(updates[updates.length - 1]!);
    });
    try {
      let update = next();
      await writeFile(file, base.replace('web_port = 7070', 'web_port = 7075'));
      const changed = await update;
      assert.ok('config' in changed && changed.diff.zoro.includes('web_port'));

      update = next();
      await writeFile(file, base.replace('web_port = 7070', 'web_port = nope'));
      const broken = await update;
      assert.ok('error' in broken);
      assert.instance((broken as { error: ConfigError }).error, ConfigError);
      assert.is((broken as { error: ConfigError }).error.line, 2);
    } finally {
      stop();
    }
  }));

test.run();
