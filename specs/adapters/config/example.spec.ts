import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../../lib/self.js';
import { resolveConfig } from '../../../adapters/config/load.js';
import { AGENT_OPTIONS, PROVIDER_COMMON_KEYS, PROVIDER_KEYS, PROVIDER_TYPES, SESSION_KEYS, ZORO_KEYS } from '../../../adapters/config/keys.js';
import { fakeEnv } from './fake-env.js';

const example = readFileSync(join(projectRoot, 'access.example.txt'), 'utf8');
const file = '/home/me/.zoro/access.txt';
/** The example with every `;setting` switched on, as a user would after editing it. */
const everythingOn = example.replace(/^;/gm, '');
const env = fakeEnv({ files: ['/home/me/.zoro/plan.md'] });

test('access.example.txt parses as shipped, with no errors and no warnings', () => {
  const { config, errors, warnings } = resolveConfig(example, file, env);
  assert.equal(errors.map((error) => error.message), []);
  assert.equal(warnings.map((warning) => warning.message), []);
  assert.equal(config!.sessions, [], 'nothing starts until the user writes a session');
});

test('with every setting switched on it still parses with no errors and no warnings', () => {
  const { config, errors, warnings } = resolveConfig(everythingOn, file, env);
  assert.equal(errors.map((error) => error.message), []);
  assert.equal(warnings.map((warning) => warning.message), []);
  assert.equal(config!.sessions.map((session) => session.name), ['api', 'web']);
  assert.equal(config!.providers.map((provider) => provider.type), [...PROVIDER_TYPES]);
});

test('the example shows every [zoro] key with its default', () => {
  for (const [key, spec] of Object.entries(ZORO_KEYS)) {
    const line = new RegExp(`^;${key} = (.*)$`, 'm').exec(example);
    assert.ok(line, `${key} is in the example`);
    // Keys whose default is "not set" show a placeholder instead.
    if (spec.default !== '') assert.is(line[1], spec.default, `${key} shows its default`);
  }
});

test('the example shows every session key and agent option', () => {
  const session = everythingOn.slice(everythingOn.indexOf('[session:api]'), everythingOn.indexOf('[session:web]'));
  for (const key of [...Object.keys(SESSION_KEYS), ...Object.keys(AGENT_OPTIONS)]) {
    assert.match(session, new RegExp(`^${key} = `, 'm'), key);
  }
});

test('the example has a section per tracker with all its keys, poll_interval_seconds and api_url', () => {
  for (const type of PROVIDER_TYPES) {
    const start = everythingOn.indexOf(`[provider:${type}]`);
    assert.ok(start >= 0, `[provider:${type}] is in the example`);
    const next = everythingOn.indexOf('[provider:', start + 1);
    const section = everythingOn.slice(start, next === -1 ? undefined : next);
    for (const key of [...Object.keys(PROVIDER_KEYS[type]), 'poll_interval_seconds', 'api_url']) {
      assert.ok(key in PROVIDER_KEYS[type] || key in PROVIDER_COMMON_KEYS);
      assert.match(section, new RegExp(`^${key} =`, 'm'), `${type}: ${key}`);
    }
  }
});

test('the example holds placeholders, never anything shaped like a real token', () => {
  assert.not.match(example, /\b(sk-ant-|ghp_|github_pat_|lin_api_|xox[bp]-)/);
});

test.run();
