/**
 * How the `claude` profile starts Claude Code: arguments, per-session options from
 * access.txt, the environment, and the offline HOME for runs against a local API.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  claudeLaunchArgs,
  claudeProfile,
  claudeSessionExists,
  claudeTestEnv,
  prepareClaudeHome,
} from '../../../../adapters/agents/claude/index.js';
import { shellJoin, splitWords } from '../../../../adapters/agents/claude/shell.js';
import { ConfigError } from '../../../../lib/errors.js';
import type { LaunchContext } from '../../../../adapters/agents/types.js';
import { profileFor } from '../../../../adapters/agents/index.js';

const ID = '3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e';
const context = (options: Record<string, string> = {}): LaunchContext => ({
  session: 'api',
  repoPath: '/work/api',
  zoroCommand: ['/usr/bin/node', '/opt/zoro/dist/bin/zoro.js'],
  dataDir: '/home/me/.zoro',
  options,
});

const throwsConfig = (fn: () => unknown, key: string) => {
  try {
    fn();
    assert.unreachable(`expected a ConfigError for ${key}`);
  } catch (error) {
    assert.instance(error, ConfigError);
    assert.is((error as ConfigError).key, key);
  }
};

test('a new conversation gets --session-id, a restart --resume, and acceptEdits by default', () => {
  assert.equal(claudeLaunchArgs({ sessionId: ID }), ['--permission-mode', 'acceptEdits', '--session-id', ID]);
  assert.equal(claudeLaunchArgs({ sessionId: ID, resume: true, permissionMode: 'plan', extraArgs: ['--model', 'opus'] }), [
    '--permission-mode', 'plan', '--resume', ID, '--model', 'opus',
  ]);
  assert.equal(claudeLaunchArgs(), ['--permission-mode', 'acceptEdits']);
});

test('claude_trust_repo = true starts Claude Code without the trust question, through its environment only', () => {
  assert.is(claudeProfile.launch(context({ claude_trust_repo: 'true' })).env.CLAUDE_CODE_SANDBOXED, '1');
  assert.is(claudeProfile.launch(context({ claude_trust_repo: 'false' })).env.CLAUDE_CODE_SANDBOXED, undefined);
  assert.is(claudeProfile.launch(context()).env.CLAUDE_CODE_SANDBOXED, undefined);
});

test('a session id that is not a UUID, or a resume without one, is a config error', () => {
  throwsConfig(() => claudeLaunchArgs({ sessionId: 'abc; rm -rf ~' }), 'claude_session_id');
  throwsConfig(() => claudeLaunchArgs({ resume: true }), 'claude_resume');
});

test('launch runs `claude` with per-run hooks and tells the hooks which session and data dir', () => {
  const { command, env } = claudeProfile.launch(context({ claude_session_id: ID }));
  assert.equal(command.slice(0, 5), ['claude', '--permission-mode', 'acceptEdits', '--session-id', ID]);
  assert.is(command[5], '--settings');
  const settings = JSON.parse(command[6]) as { hooks: Record<string, { hooks: { command: string }[] }[]> };
  assert.is(settings.hooks.Stop[0].hooks[0].command, '/usr/bin/node /opt/zoro/dist/bin/zoro.js hook Stop --per-run # zoro-managed-hook');
  assert.equal(env, { ZORO_SESSION: 'api', ZORO_DATA_DIR: '/home/me/.zoro', ZORO_SESSION_HOOKS: '1' });
});

test('access.txt options choose the command, extra arguments, the permission mode, and no hooks', () => {
  const { command, env } = claudeProfile.launch(
    context({
      claude_command: '/opt/claude/bin/claude --verbose',
      claude_args: `--model opus --append-system-prompt "Be brief, it's late"`,
      permission_mode: 'default',
      claude_hooks: 'false',
    }),
  );
  assert.equal(command, [
    '/opt/claude/bin/claude', '--verbose', '--permission-mode', 'default',
    '--model', 'opus', '--append-system-prompt', "Be brief, it's late",
  ]);
  assert.is(env.ZORO_SESSION_HOOKS, undefined);
});

test('the common agent options work too: model and agent_args', () => {
  const { command } = claudeProfile.launch(context({ model: 'opus', agent_args: '--verbose', claude_args: '--debug' }));
  assert.equal(command.slice(-4), ['--model', 'opus', '--verbose', '--debug']);
});

test('`agent = claude` in access.txt runs this profile', () => {
  assert.is(profileFor('claude'), claudeProfile);
});

test('a permission mode Claude Code does not know is a config error naming the key', () => {
  throwsConfig(() => claudeProfile.launch(context({ permission_mode: 'yolo' })), 'permission_mode');
  assert.ok(claudeProfile.launch(context({ permission_mode: 'bypasspermissions' })).command.includes('bypassPermissions'));
  throwsConfig(() => claudeProfile.launch(context({ claude_args: '--model "opus' })), 'claude_args');
});

test('with anthropic_base_url the session runs offline against that API, in its own HOME', () => {
  const { env } = claudeProfile.launch(context({ anthropic_base_url: 'http://127.0.0.1:4100' }));
  assert.is(env.ANTHROPIC_BASE_URL, 'http://127.0.0.1:4100');
  assert.is(env.HOME, '/home/me/.zoro/claude-home');
  assert.is(env.ANTHROPIC_API_KEY, '', 'an inherited key is blanked');
  assert.is(env.ZORO_SESSION, 'api');
  assert.equal(claudeTestEnv('/h', 'http://x').DISABLE_AUTOUPDATER, '1');
});

test('prepareClaudeHome marks onboarding done and trusts the folders, keeping what the file had', async () => {
  const home = await mkdtemp(join(tmpdir(), 'zoro-claude-home-'));
  await writeFile(join(home, '.claude.json'), JSON.stringify({ userID: 'u1', projects: { '/a': { allowedTools: ['Bash'] } } }));
  await prepareClaudeHome(home, ['/a', '/b/../c']);
  const state = JSON.parse(await readFile(join(home, '.claude.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(state, {
    userID: 'u1',
    hasCompletedOnboarding: true,
    projects: { '/a': { allowedTools: ['Bash'], hasTrustDialogAccepted: true }, '/c': { hasTrustDialogAccepted: true } },
  });
  await rm(home, { recursive: true });
});

test('a conversation counts as existing once Claude Code keeps its transcript', async () => {
  const home = await mkdtemp(join(tmpdir(), 'zoro-claude-home-'));
  assert.is(await claudeSessionExists(ID, home), false);
  await mkdir(join(home, '.claude', 'projects', '-work-api'), { recursive: true });
  assert.is(await claudeSessionExists(ID, home), false);
  await writeFile(join(home, '.claude', 'projects', '-work-api', `${ID}.jsonl`), '{}\n');
  assert.is(await claudeSessionExists(ID, home), true);
  await rm(home, { recursive: true });
});

test('shell words: quoting for hook commands and splitting access.txt values round-trip', () => {
  const argv = ['/usr/bin/node', "/opt/it's here/zoro.js", 'hook', 'Stop', 'a b', ''];
  assert.is(shellJoin(argv.slice(0, 4)), `/usr/bin/node '/opt/it'\\''s here/zoro.js' hook Stop`);
  assert.equal(splitWords(shellJoin(argv), 'k'), argv);
  assert.equal(splitWords(`a\\ b "c \\"d\\"" 'e'`, 'k'), ['a b', 'c "d"', 'e']);
});

test.run();
