import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../lib/errors.js';
import { ConfigErrors, loadConfig, resolveConfig } from '../../../adapters/config/load.js';
import { redactConfig } from '../../../adapters/config/redact.js';
import type { ZoroConfig } from '../../../adapters/config/types.js';
import { fakeEnv } from './fake-env.js';

const ini = (...lines: string[]): string => lines.join('\n') + '\n';
const FILE = '/etc/zoro/access.txt';

function load(text: string, env = fakeEnv({ files: ['/etc/zoro/plan.md'] })): ZoroConfig {
  const { config, errors } = resolveConfig(text, FILE, env);
  assert.equal(errors.map((error) => error.message), []);
  return config!;
}

function problems(text: string, env = fakeEnv()): string[] {
  return resolveConfig(text, FILE, env).errors.map((error) => error.message);
}

test('an empty file gives every [zoro] default', () => {
  const config = load('');
  assert.is(config.file, FILE);
  assert.equal(config.zoro, {
    web_port: 7070,
    web_host: '127.0.0.1',
    poll_interval_seconds: 120,
    data_dir: '/home/me/.zoro',
    runtime: 'tmux',
    iterm2_socket: '/home/me/Library/Application Support/iTerm2/private/socket',
    ready_signal: 'READY FOR NEW TASKS',
    buffer_lines: 500,
    anthropic_api_key: null,
    anthropic_base_url: null,
    model: 'claude-sonnet-4-5',
    verifier_model: 'claude-sonnet-4-5',
    strict_review: false,
    max_signal_attempts: 5,
    max_review_attempts: 3,
    max_reapproach: 2,
    error_repeat_threshold: 3,
    error_window_lines: 100,
    busy_no_comment_minutes: 30,
    no_file_change_minutes: 20,
  });
  assert.equal([config.sessions, config.providers, config.warnings], [[], [], []]);
});

test('every [zoro] key is read and typed', () => {
  const config = load(ini(
    '[zoro]',
    'web_port = 8080', 'web_host = 0.0.0.0', 'poll_interval_seconds = 0.5', 'data_dir = state',
    'runtime = pty', 'iterm2_socket = ~/sock', 'ready_signal = "  DONE  "', 'buffer_lines = 50',
    'anthropic_api_key = sk-test', 'anthropic_base_url = http://127.0.0.1:9999/', 'model = m1', 'verifier_model = m2',
    'strict_review = yes', 'max_signal_attempts = 1', 'max_review_attempts = 2', 'max_reapproach = 0',
    'error_repeat_threshold = 4', 'error_window_lines = 10', 'busy_no_comment_minutes = 1.5', 'no_file_change_minutes = 2',
  ));
  assert.equal(config.zoro, {
    web_port: 8080, web_host: '0.0.0.0', poll_interval_seconds: 0.5, data_dir: '/etc/zoro/state', runtime: 'pty',
    iterm2_socket: '/home/me/sock', ready_signal: '  DONE  ', buffer_lines: 50, anthropic_api_key: 'sk-test',
    anthropic_base_url: 'http://127.0.0.1:9999', model: 'm1', verifier_model: 'm2', strict_review: true,
    max_signal_attempts: 1, max_review_attempts: 2, max_reapproach: 0, error_repeat_threshold: 4,
    error_window_lines: 10, busy_no_comment_minutes: 1.5, no_file_change_minutes: 2,
  });
});

test('the default runtime is iTerm2 on macOS when its socket exists, else tmux when installed, else pty', () => {
  const socket = '/home/me/Library/Application Support/iTerm2/private/socket';
  assert.is(load('', fakeEnv({ platform: 'darwin', files: [socket] })).zoro.runtime, 'iterm2');
  assert.is(load('', fakeEnv({ platform: 'darwin', files: [] })).zoro.runtime, 'tmux');
  assert.is(load('', fakeEnv({ platform: 'linux', files: [socket] })).zoro.runtime, 'tmux');
  assert.is(load('', fakeEnv({ commands: [] })).zoro.runtime, 'pty');
  assert.is(load(ini('[zoro]', 'iterm2_socket = /tmp/it2'), fakeEnv({ platform: 'darwin', files: ['/tmp/it2'] })).zoro.runtime, 'iterm2');
});

test('a session gets its defaults, and unknown keys become agent options', () => {
  const config = load(ini('[zoro]', 'runtime = pty', '', '[session:api]', 'repo_path = ~/src/api', 'permission_mode = acceptEdits', 'agent_args = --verbose'));
  assert.equal(config.sessions, [{
    name: 'api', repo_path: '/home/me/src/api', provider: [], project_ids: [], description: '', agent: 'claude',
    runtime: 'pty', role: 'executor', options: { permission_mode: 'acceptEdits', agent_args: '--verbose' }, line: 4,
  }]);
  assert.equal(config.warnings, []);
});

test('every session key is read', () => {
  const config = load(ini(
    '[provider:github]', 'token = t', '[provider:notes]', 'type = plan', 'path = plan.md',
    '[session:web]', 'repo_path = /src/web', 'provider = github, notes', 'project_ids = acme/web, web app',
    'description = The web app', 'agent = sim', 'runtime = tmux', 'role = planner',
  ));
  const [session] = config.sessions;
  assert.equal(session, {
    name: 'web', repo_path: '/src/web', provider: ['github', 'notes'], project_ids: ['acme/web', 'web app'],
    description: 'The web app', agent: 'sim', runtime: 'tmux', role: 'planner', options: {}, line: 6,
  });
});

test('a provider section: type defaults to its name, its own keys are kept with their lines', () => {
  const config = load(ini('[zoro]', 'poll_interval_seconds = 60', '[provider:github]', 'token = ghp_x', 'repos = a/b', '[provider:work]', 'type = jira', 'poll_interval_seconds = 30', 'api_url = https://jira.example.com/'));
  assert.equal(config.providers, [
    { name: 'github', type: 'github', poll_interval_seconds: 60, api_url: null, values: { token: { value: 'ghp_x', line: 4 }, repos: { value: 'a/b', line: 5 } }, file: FILE, line: 3 },
    { name: 'work', type: 'jira', poll_interval_seconds: 30, api_url: 'https://jira.example.com', values: {}, file: FILE, line: 6 },
  ]);
});

test('a plan provider path resolves against the config file and must exist', () => {
  const config = load(ini('[provider:plan]', 'path = plan.md'));
  assert.equal(config.providers[0]!.values.path, { value: '/etc/zoro/plan.md', line: 2 });
  assert.equal(problems(ini('[provider:plan]', 'path = missing.md')), ['/etc/zoro/access.txt:2 (path): plan file /etc/zoro/missing.md does not exist']);
  assert.equal(problems(ini('[provider:plan]')), ['/etc/zoro/access.txt:1 (path): [provider:plan] is missing path (the plan.md file)']);
});

test('a wrong value names the file, the line and the key', () => {
  assert.equal(problems(ini('[zoro]', '', '; the port', 'web_port = abc')), ['/etc/zoro/access.txt:4 (web_port): expected a port number 1–65535, got "abc"']);
  const error = resolveConfig(ini('[zoro]', 'strict_review = maybe'), FILE, fakeEnv()).errors[0]!;
  assert.instance(error, ConfigError);
  assert.equal([error.file, error.line, error.key], [FILE, 2, 'strict_review']);
  for (const [line, expected] of [
    ['web_port = 70000', /port number/], ['poll_interval_seconds = 0', /greater than 0/], ['buffer_lines = 1.5', /whole number/],
    ['max_reapproach = -1', /whole number ≥ 0/], ['runtime = screen', /one of tmux, pty, iterm2, auto/],
    ['anthropic_base_url = ftp://x', /http/], ['web_host = ', /expected a value/], ['data_dir = ~bob/x', /~user/],
  ] as const) {
    const [message] = problems(ini('[zoro]', line));
    assert.match(message ?? '', expected, line);
  }
});

test('a missing repo_path names the section and key, on the section line', () => {
  assert.equal(problems(ini('[zoro]', '', '[session:api]', 'agent = sim')), ['/etc/zoro/access.txt:3 (repo_path): [session:api] is missing repo_path']);
});

test('a session naming a provider that does not exist is an error on its line', () => {
  assert.equal(problems(ini('[session:api]', 'repo_path = /r', 'provider = github')), [
    '/etc/zoro/access.txt:3 (provider): [session:api] names provider "github", but there is no [provider:github]',
  ]);
});

test('an unknown provider type is an error on its line', () => {
  assert.equal(problems(ini('[provider:work]', 'type = trello')), [
    '/etc/zoro/access.txt:2 (type): [provider:work] needs type = one of asana, monday, github, linear, jira, plan, got "trello"',
  ]);
  assert.match(problems(ini('[provider:work]'))[0]!, /:1 \(type\): \[provider:work\] needs type/);
});

test('bad session role and runtime are errors', () => {
  assert.equal(problems(ini('[session:a]', 'repo_path = /r', 'role = boss', 'runtime = x')).length, 2);
});

test('the same key twice names both lines; so does the same section twice', () => {
  assert.equal(problems(ini('[zoro]', 'web_port = 1', 'web_port = 2')), ['/etc/zoro/access.txt:3 (web_port): web_port appears twice in [zoro] (lines 2 and 3); keep one']);
  assert.equal(problems(ini('[zoro]', '[zoro]')), ['/etc/zoro/access.txt:2: section [zoro] appears twice (lines 1 and 2); merge them']);
});

test('key: value is an error that says to use =', () => {
  assert.equal(problems(ini('[zoro]', 'web_port: 7070')), ['/etc/zoro/access.txt:2 (web_port): write "web_port = value" with "=", not ":"']);
});

test('comments, quotes, CRLF and a BOM are read', () => {
  const config = load('\uFEFF# top\r\n[zoro]\r\n; port\r\n  web_port = 9000  \r\nready_signal = \'ALL DONE\'\r\n');
  assert.equal([config.zoro.web_port, config.zoro.ready_signal], [9000, 'ALL DONE']);
});

test('a key before any section and a malformed line are errors', () => {
  assert.match(problems(ini('web_port = 1'))[0]!, /:1 \(web_port\): this key comes before any section/);
  assert.match(problems(ini('[zoro]', 'just words'))[0]!, /:2: expected "key = value"/);
  assert.match(problems(ini('[zoro', 'x = 1'))[0]!, /:1: a section header must end with "\]"/);
  assert.match(problems(ini('[session:]'))[0]!, /:1: \[session:NAME\] needs a name/);
  assert.match(problems(ini('[zoro]', '__proto__ = 1'))[0]!, /:2: expected "key = value"/);
});

test('unknown sections and keys are warnings with their lines', () => {
  const config = load(ini('[zoro]', 'web_prot = 1', '[extras]', 'a = b', '[session:s]', 'repo_path = /r', 'colour = red', '[provider:github]', 'tokn = x'));
  assert.equal(config.warnings.map((warning) => [warning.line, warning.key, warning.message]), [
    [2, 'web_prot', 'unknown key web_prot in [zoro], ignored (did you mean web_port?)'],
    [3, null, 'unknown section [extras]; expected [zoro], [session:NAME] or [provider:NAME]'],
    [7, 'colour', 'unknown key colour in [session:s], kept as an agent option'],
    [9, 'tokn', 'unknown key tokn in [provider:github], kept for the github adapter (did you mean token?)'],
  ]);
  assert.equal(config.sessions[0]!.options, { colour: 'red' });
});

test('all errors are collected, in line order', () => {
  const messages = problems(ini('[zoro]', 'web_port = x', 'buffer_lines = y', '[session:a]', '[provider:b]'));
  assert.equal(messages.map((message) => message.split(' ')[0]), ['/etc/zoro/access.txt:2', '/etc/zoro/access.txt:3', '/etc/zoro/access.txt:4', '/etc/zoro/access.txt:5']);
});

test('secrets never appear in errors or warnings', () => {
  const secret = 'sk-ant-SECRET-9f8e7d';
  const text = ini(
    '[zoro]', `anthropic_api_key = ${secret}`, `anthropic_base_url = ${secret}`, `web_port = ${secret}`,
    '[provider:github]', `token = ${secret}`, `tokn = ${secret}`, `poll_interval_seconds = ${secret}`, `api_url = https://me:${secret}@x/ y`,
    '[session:a]', 'repo_path = /r', `api_key = ${secret}`, `role = ${secret}`,
    secret, `${secret}: x`, `[provider:${secret}]`, `type = ${secret}`,
  );
  const { errors, warnings } = resolveConfig(text, FILE, fakeEnv());
  assert.ok(errors.length >= 6, `expected several errors, got ${errors.length}`);
  for (const message of [...errors.map((error) => error.message), ...warnings.map((warning) => warning.message)]) {
    assert.not.match(message, 'SECRET', message);
  }
});

test('redactConfig replaces every secret with "<set>" and keeps the rest', () => {
  const config = load(ini(
    '[zoro]', 'anthropic_api_key = sk-1', 'anthropic_base_url = https://user:pw@proxy.local',
    '[provider:github]', 'token = ghp_1', 'repos = a/b', 'api_url = https://u:p@ghe.local/api',
    '[provider:linear]', 'api_key = lin_1', 'team_keys = ENG',
    '[provider:jira]', 'api_token = j1', 'email = me@x.com', 'site_url = https://x.atlassian.net',
    '[session:s]', 'repo_path = /r', 'client_secret = c1', 'permission_mode = plan',
  ));
  const safe = redactConfig(config);
  const shown = JSON.stringify(safe);
  for (const secret of ['sk-1', 'ghp_1', 'lin_1', '"j1"', 'c1', 'pw', 'u:p']) assert.not.match(shown, secret, secret);
  assert.is(safe.zoro.anthropic_api_key, '<set>');
  assert.is(safe.zoro.anthropic_base_url, 'https://<set>@proxy.local');
  assert.equal(safe.providers[0]!.values, { token: { value: '<set>', line: 5 }, repos: { value: 'a/b', line: 6 } });
  assert.is(safe.providers[1]!.values.team_keys!.value, 'ENG');
  assert.equal(safe.sessions[0]!.options, { client_secret: '<set>', permission_mode: 'plan' });
  assert.is(config.zoro.anthropic_api_key, 'sk-1', 'the original is untouched');
});

test('loadConfig throws one ConfigError listing every problem, the first on the object', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'zoro-config-'));
  try {
    const file = join(dir, 'access.txt');
    await writeFile(file, ini('[zoro]', 'web_port = abc', '[session:api]'));
    const error = await loadConfig(file, fakeEnv({ cwd: dir })).catch((caught: unknown) => caught);
    assert.instance(error, ConfigErrors);
    assert.instance(error, ConfigError);
    const configError = error as ConfigErrors;
    assert.equal([configError.file, configError.line, configError.key, configError.errors.length], [file, 2, 'web_port', 2]);
    assert.is(configError.message, `${file}:2 (web_port): expected a port number 1–65535, got "abc"\n${file}:3 (repo_path): [session:api] is missing repo_path`);

    const missing = await loadConfig(join(dir, 'nope.txt'), fakeEnv()).catch((caught: unknown) => caught);
    assert.instance(missing, ConfigError);
    assert.match((missing as Error).message, /nope\.txt: does not exist; run `zoro init`/);

    await writeFile(file, ini('[zoro]', 'web_port = 7071'));
    assert.is((await loadConfig(file, fakeEnv({ cwd: dir }))).zoro.web_port, 7071);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
