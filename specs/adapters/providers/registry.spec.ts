import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProvider, providerKeys, PROVIDER_TYPE_NAMES } from '../../../adapters/providers/registry.js';
import { ConfigError } from '../../../lib/errors.js';
import { section } from './helpers.js';

const CREDENTIALS: Record<string, Record<string, string>> = {
  asana: { personal_access_token: 'x', workspace_gid: '1' },
  monday: { api_token: 'x', board_ids: '1' },
  github: { token: 'x' },
  linear: { api_key: 'x' },
  jira: { site_url: 'https://acme.atlassian.net', email: 'a@b.c', api_token: 'x' },
};

test('each tracker type builds its own provider, named after its section', () => {
  for (const [type, values] of Object.entries(CREDENTIALS)) {
    const provider = createProvider(section(type, values, null, `work-${type}`));
    assert.is(provider.type, type);
    assert.is(provider.name, `work-${type}`);
  }
});

test('a plan provider reads its path relative to the access.txt it is configured in', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zoro-registry-'));
  try {
    writeFileSync(join(dir, 'plan.md'), '1. Write the docs\n');
    const plan = createProvider({ ...section('plan', { path: 'plan.md' }, null), file: join(dir, 'access.txt') }, { watch: false });
    assert.is(plan.type, 'plan');
    assert.equal((await plan.poll()).map((t) => t.title), ['Write the docs']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unknown type is a ConfigError on the section line naming the types there are', () => {
  assert.throws(
    () => createProvider(section('trello', {}, null)),
    (e: unknown) => e instanceof ConfigError && e.key === 'type' && e.line === 10 && /expected one of asana, monday, github, linear, jira, plan/.test(e.message),
  );
});

test('a missing required key is a ConfigError naming the section and key', () => {
  assert.throws(
    () => createProvider(section('linear', {}, null, 'eng')),
    (e: unknown) => e instanceof ConfigError && e.message === '/home/me/.zoro/access.txt:10 (api_key): [provider:eng] is missing api_key',
  );
  assert.throws(
    () => createProvider(section('plan', {}, null)),
    (e: unknown) => e instanceof ConfigError && e.key === 'path',
  );
});

test('a bad api_url is refused at creation', () => {
  assert.throws(
    () => createProvider(section('github', { token: 'x' }, 'ftp://example.com')),
    (e: unknown) => e instanceof ConfigError && e.key === 'api_url',
  );
});

test('providerKeys lists each type’s own keys', () => {
  assert.equal(providerKeys('github'), ['token', 'username', 'repos']);
  assert.equal(providerKeys('jira'), ['site_url', 'email', 'api_token', 'jql', 'done_transition']);
  assert.equal(providerKeys('plan'), ['path']);
  assert.equal(providerKeys('nope'), []);
  assert.equal(PROVIDER_TYPE_NAMES, ['asana', 'monday', 'github', 'linear', 'jira', 'plan']);
});

test.run();
