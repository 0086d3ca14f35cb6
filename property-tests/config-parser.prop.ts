import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ConfigError } from '../lib/errors.js';
import { ConfigErrors, resolveConfig } from '../adapters/config/load.js';
import { PROVIDER_KEYS, ROLES, SESSION_KEYS, ZORO_KEYS } from '../adapters/config/keys.js';
import type { ConfigEnv } from '../adapters/config/env.js';

const env: ConfigEnv = {
  platform: 'linux', home: '/home/me', cwd: '/cfg', vars: {},
  exists: (path) => path === '/cfg/plan.md',
  onPath: (command) => command === 'tmux',
};

const knownKeys = [
  ...Object.keys(ZORO_KEYS), ...Object.keys(SESSION_KEYS), 'type', 'poll_interval_seconds', 'api_url',
  ...Object.values(PROVIDER_KEYS).flatMap((keys) => Object.keys(keys)), 'permission_mode',
];

/** Lines that look like access.txt, near-misses included. */
const iniLine = fc.oneof(
  fc.string(),
  fc.constantFrom('', '; comment', '# comment', '[zoro]', '[zoro', '[session:]', '[session:a]', '[session:b]', '[provider:github]', '[provider:plan]', '[provider:x]', '[other]', '__proto__ = 1'),
  fc.tuple(fc.constantFrom('session', 'provider', 'Session', 'weird'), fc.string()).map(([kind, name]) => `[${kind}:${name}]`),
  fc.tuple(fc.constantFrom(...knownKeys), fc.constantFrom(' = ', '=', ': ', ' == '), fc.oneof(fc.string(), fc.constantFrom('0', '7070', '-1', '1.5', 'true', 'maybe', '~/x', '~bob/x', 'plan.md', 'github', 'tmux', '"q"', "'", 'http://x'))).map(
    ([key, sep, value]) => `${key}${sep}${value}`,
  ),
);
const iniText = fc.tuple(fc.array(iniLine, { maxLength: 30 }), fc.constantFrom('\n', '\r\n')).map(([lines, eol]) => lines.join(eol));

test('resolveConfig never throws; every error is a ConfigError with a line in the file', () => {
  fc.assert(
    fc.property(fc.oneof(iniText, fc.string({ unit: 'binary', maxLength: 300 })), (text) => {
      const lineCount = text.split(/\r?\n/).length;
      const { config, errors, warnings } = resolveConfig(text, '/cfg/access.txt', env);
      assert.is(config === null, errors.length > 0);
      for (const error of errors) {
        assert.instance(error, ConfigError);
        assert.ok(error.line !== null && error.line >= 1 && error.line <= lineCount, `line ${error.line} of ${lineCount}`);
      }
      for (const warning of warnings) assert.ok(warning.line >= 1 && warning.line <= lineCount);
      if (errors.length > 0) {
        const combined = new ConfigErrors(errors);
        assert.is(combined.line, errors[0]!.line);
      }
    }),
    { numRuns: 2000 },
  );
});

test('a secret value never appears in an error or a warning', () => {
  const secret = fc.stringMatching(/^[A-Za-z0-9]{6,20}$/).map((tail) => `zz${tail}SECRETzz`);
  fc.assert(
    fc.property(iniText, secret, fc.constantFrom('anthropic_api_key', 'token', 'api_token', 'api_key', 'personal_access_token', 'client_secret', 'password'), fc.nat(20), (text, value, key, at) => {
      const lines = text.split('\n');
      // The secret under its own key, and also pasted where other values go.
      lines.splice(Math.min(at, lines.length), 0, '[zoro]', `${key} = ${value}`, `web_port = ${value}`, `model = ${value}`);
      const { errors, warnings } = resolveConfig(lines.join('\n'), '/cfg/access.txt', env);
      for (const message of [...errors.map((error) => error.message), ...warnings.map((warning) => warning.message)]) {
        assert.not.ok(message.includes(value), message);
      }
    }),
    { numRuns: 500 },
  );
});

const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
const settings = fc.record({
  web_port: fc.integer({ min: 1, max: 65535 }),
  poll_interval_seconds: fc.integer({ min: 1, max: 3600 }),
  buffer_lines: fc.integer({ min: 1, max: 100_000 }),
  strict_review: fc.boolean(),
  max_reapproach: fc.integer({ min: 0, max: 9 }),
  ready_signal: fc.string({ minLength: 1 }).map((text) => text.replace(/[\r\n]/g, ' ').trim()).filter((text) => text !== ''),
  runtime: fc.constantFrom('tmux', 'pty', 'iterm2'),
});
const session = fc.record({ name: word, project_ids: fc.array(word, { maxLength: 3 }), role: fc.constantFrom(...ROLES), agent: word });

test('a generated valid access.txt round-trips: render → load gives the same values', () => {
  fc.assert(
    fc.property(settings, fc.uniqueArray(session, { selector: (s) => s.name, maxLength: 4 }), (zoro, sessions) => {
      const lines = ['[zoro]', ...Object.entries(zoro).map(([key, value]) => `${key} = "${value}"`)];
      for (const s of sessions) {
        lines.push('', `[session:${s.name}]`, `repo_path = ~/src/${s.name}`, `project_ids = ${s.project_ids.join(', ')}`, `role = ${s.role}`, `agent = ${s.agent}`);
      }
      const { config, errors } = resolveConfig(lines.join('\n'), '/cfg/access.txt', env);
      assert.equal(errors.map((error) => error.message), []);
      for (const [key, value] of Object.entries(zoro)) assert.equal(config!.zoro[key as keyof typeof zoro], value, key);
      assert.equal(
        config!.sessions.map((s) => ({ name: s.name, project_ids: s.project_ids, role: s.role, agent: s.agent, repo: s.repo_path })),
        sessions.map((s) => ({ name: s.name, project_ids: s.project_ids, role: s.role, agent: s.agent, repo: `/home/me/src/${s.name}` })),
      );
    }),
    { numRuns: 300 },
  );
});

test.run();
