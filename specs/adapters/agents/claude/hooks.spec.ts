/**
 * zoro's Claude Code hooks: installing them beside the user's own and taking exactly them out
 * again, what each hook means, and `zoro hook <Event>` forwarding to the control socket —
 * or getting out of Claude's way when zoro is not running.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HOOK_EVENTS,
  HOOK_MARKER,
  hookSignal,
  initHooks,
  installHooks,
  sessionSettings,
  uninstallHooks,
} from '../../../../adapters/agents/claude/hooks.js';
import { ControlError, controlRequest } from '../../../../lib/control-client.js';
import { ConfigError } from '../../../../lib/errors.js';
import { zoroCommand } from '../../../../lib/self.js';
import { startControlServer } from '../../../fakes/control-server.js';

const ZORO = ['/usr/bin/node', '/opt/zoro it/dist/bin/zoro.js'];

/** A user's settings.json as people write them: four-space indent, hooks of their own. */
const USER_SETTINGS = `{
    "model": "opus",
    "hooks": {
        "Stop": [
            { "hooks": [ { "type": "command", "command": "say done" } ] }
        ],
        "PreToolUse": [
            { "matcher": "Bash", "hooks": [ { "type": "command", "command": "./audit.sh" } ] }
        ]
    },
    "permissions": { "allow": ["Bash(npm test)"] }
}
`;

async function scratch(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'zoro-hooks-'));
}

interface Settings {
  hooks: Record<string, { matcher?: string; hooks: { type: string; command: string; timeout?: number }[] }[]>;
  [key: string]: unknown;
}

const commandsOf = (settings: Settings, event: string) => (settings.hooks[event] ?? []).flatMap((group) => group.hooks.map((h) => h.command));

test('installing adds a zoro hook for each event and keeps the user’s own hooks and settings', async () => {
  const dir = await scratch();
  const file = join(dir, 'settings.json');
  await writeFile(file, USER_SETTINGS);
  const change = await installHooks(file, ZORO);
  assert.ok(change.changed);
  const settings = JSON.parse(await readFile(file, 'utf8')) as Settings;
  assert.is(settings.model, 'opus');
  assert.equal(settings.permissions, { allow: ['Bash(npm test)'] });
  assert.equal(commandsOf(settings, 'PreToolUse'), ['./audit.sh']);
  assert.equal(commandsOf(settings, 'Stop'), ['say done', `/usr/bin/node '/opt/zoro it/dist/bin/zoro.js' hook Stop # ${HOOK_MARKER}`]);
  for (const event of HOOK_EVENTS) assert.ok(commandsOf(settings, event).some((c) => c.includes(`hook ${event} #`)), event);
  await rm(dir, { recursive: true });
});

test('uninstalling an untouched file gives back its original bytes', async () => {
  const dir = await scratch();
  const file = join(dir, 'settings.json');
  await writeFile(file, USER_SETTINGS, { mode: 0o640 });
  await installHooks(file, ZORO);
  await installHooks(file, ZORO); // twice is the same as once
  const settings = JSON.parse(await readFile(file, 'utf8')) as Settings;
  assert.is(commandsOf(settings, 'Stop').length, 2, 'no duplicate hooks');
  const change = await uninstallHooks(file);
  assert.ok(change.restoredOriginal);
  assert.is(await readFile(file, 'utf8'), USER_SETTINGS);
  assert.is((await stat(file)).mode & 0o777, 0o640, 'the mode is kept');
  assert.not.ok(existsSync(`${file}.zoro-backup`), 'no backup is left behind');
  await rm(dir, { recursive: true });
});

test('uninstalling a file edited since removes only zoro’s hooks and keeps the edit', async () => {
  const dir = await scratch();
  const file = join(dir, 'settings.json');
  await writeFile(file, USER_SETTINGS);
  await installHooks(file, ZORO);
  const edited = JSON.parse(await readFile(file, 'utf8')) as Settings;
  edited.theme = 'dark';
  edited.hooks.Stop.push({ hooks: [{ type: 'command', command: 'notify-send stop' }] });
  await writeFile(file, JSON.stringify(edited, null, 4) + '\n');
  const change = await uninstallHooks(file);
  assert.is(change.count, HOOK_EVENTS.length);
  assert.is(change.restoredOriginal, false);
  const after = JSON.parse(await readFile(file, 'utf8')) as Settings;
  const expected = JSON.parse(USER_SETTINGS) as Settings;
  expected.hooks.Stop.push({ hooks: [{ type: 'command', command: 'notify-send stop' }] });
  assert.equal(after, { ...expected, theme: 'dark' });
  assert.not.ok((await readFile(file, 'utf8')).includes(HOOK_MARKER));
  await rm(dir, { recursive: true });
});

test('a settings file zoro created is removed again; uninstalling twice changes nothing', async () => {
  const dir = await scratch();
  const file = join(dir, '.claude', 'settings.json');
  await installHooks(file, ZORO);
  assert.ok(existsSync(file));
  await uninstallHooks(file);
  assert.not.ok(existsSync(file));
  assert.is((await uninstallHooks(file)).changed, false);
  await rm(dir, { recursive: true });
});

test('a settings file that is not JSON is reported, named, and left alone', async () => {
  const dir = await scratch();
  const file = join(dir, 'settings.json');
  await writeFile(file, '{ "model": "opus", }');
  try {
    await installHooks(file, ZORO);
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.instance(error, ConfigError);
    assert.match((error as ConfigError).message, file);
  }
  assert.is(await readFile(file, 'utf8'), '{ "model": "opus", }');
  await rm(dir, { recursive: true });
});

test('zoro init installs into ~/.claude/settings.json and --uninstall-hooks takes them out', async () => {
  const home = await scratch();
  const file = join(home, '.claude', 'settings.json');
  assert.is((await initHooks({ home, zoroCommand: ZORO })).settingsPath, file);
  assert.ok((await readFile(file, 'utf8')).includes('hook SessionStart'));
  assert.ok((await initHooks({ home, uninstall: true })).changed);
  assert.not.ok(existsSync(file));
  await rm(home, { recursive: true });
});

test('a session zoro starts gets per-run hooks, and bypassPermissions skips its warning', () => {
  const settings = sessionSettings(ZORO, { permissionMode: 'bypassPermissions' }) as unknown as Settings;
  assert.ok(commandsOf(settings, 'Stop')[0].includes('hook Stop --per-run'));
  assert.is(settings.skipDangerousModePermissionPrompt, true);
  assert.is((sessionSettings(ZORO) as unknown as Settings).skipDangerousModePermissionPrompt, undefined);
});

test('each hook means one thing for the session', () => {
  assert.is(hookSignal('UserPromptSubmit', { prompt: 'x' }), 'turn_started');
  assert.is(hookSignal('Stop', { stop_hook_active: false }), 'turn_ended');
  assert.is(hookSignal('StopFailure', { error: 'rate_limit' }), 'turn_ended');
  assert.is(hookSignal('Notification', { notification_type: 'permission_prompt' }), 'needs_human');
  assert.is(hookSignal('Notification', { notification_type: 'elicitation_dialog' }), 'needs_human');
  assert.is(hookSignal('Notification', { notification_type: 'idle_prompt' }), 'alive');
  assert.is(hookSignal('Notification', null), 'alive');
  assert.is(hookSignal('SessionStart', { source: 'resume' }), 'alive');
  assert.is(hookSignal('SessionEnd', { reason: 'prompt_input_exit' }), 'ended');
  assert.is(hookSignal('PreToolUse', {}), null);
});

/** Runs `zoro hook …` as Claude Code would: JSON on stdin. Resolves with exit code, stderr and time taken. */
function runHook(args: string[], stdin: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string; ms: number }> {
  const [command, ...rest] = zoroCommand();
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...rest, 'hook', ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => (stdout += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (stdout) reject(new Error(`zoro hook printed on stdout (Claude would read it): ${stdout}`));
      resolve({ code, stderr, ms: Date.now() - started });
    });
    child.stdin.end(stdin);
  });
}

const STOP = JSON.stringify({ session_id: 'a1b2', hook_event_name: 'Stop', stop_hook_active: false, last_assistant_message: 'Done.\nREADY FOR NEW TASKS' });

test('`zoro hook Stop` forwards the hook to the running zoro', async () => {
  const dataDir = await scratch();
  const control = await startControlServer(dataDir);
  const result = await runHook(['Stop'], STOP, { ZORO_DATA_DIR: dataDir, ZORO_SESSION: 'api' });
  assert.is(result.code, 0);
  assert.is(control.calls[0].method, 'POST');
  assert.is(control.calls[0].path, '/hook');
  assert.equal(control.hooks, [{ event: 'Stop', session: 'api', cwd: process.cwd(), payload: JSON.parse(STOP) }]);
  await control.close();
  await rm(dataDir, { recursive: true });
});

test('with no zoro running, the hook exits 0 at once and says nothing', async () => {
  const dataDir = await scratch();
  const result = await runHook(['Stop'], STOP, { ZORO_DATA_DIR: dataDir });
  assert.is(result.code, 0);
  assert.is(result.stderr, '');
  assert.ok(result.ms < 2_000, `took ${result.ms} ms`);
  console.log(`  zoro hook with zoro down: exit 0 in ${result.ms} ms`);
  await rm(dataDir, { recursive: true });
});

test('a zoro that hangs costs the hook at most its 1.5 s limit, and it still exits 0', async () => {
  const dataDir = await scratch();
  const control = await startControlServer(dataDir, { delayMs: 8_000 });
  const result = await runHook(['Stop'], STOP, { ZORO_DATA_DIR: dataDir });
  assert.is(result.code, 0);
  assert.match(result.stderr, /did not answer/);
  assert.ok(result.ms < 3_500, `took ${result.ms} ms`);
  console.log(`  zoro hook with zoro hanging: exit 0 in ${result.ms} ms`);
  await control.close();
  await rm(dataDir, { recursive: true });
});

test('a zoro that runs no session in this folder is normal for a user-level hook; a failing one gets a line on stderr', async () => {
  const dataDir = await scratch();
  let status = 404;
  const control = await startControlServer(dataDir, { route: () => ({ status, body: { error: 'no session works in this directory' } }) });
  const unknown = await runHook(['Stop'], STOP, { ZORO_DATA_DIR: dataDir });
  assert.equal([unknown.code, unknown.stderr], [0, '']);
  status = 500;
  const failing = await runHook(['Stop'], STOP, { ZORO_DATA_DIR: dataDir });
  assert.is(failing.code, 0);
  assert.match(failing.stderr, 'HTTP 500');
  await control.close();
  await rm(dataDir, { recursive: true });
});

test('in a session zoro started, the user-level hook stands aside for the per-run one', async () => {
  const dataDir = await scratch();
  const control = await startControlServer(dataDir);
  const env = { ZORO_DATA_DIR: dataDir, ZORO_SESSION: 'api', ZORO_SESSION_HOOKS: '1' };
  await runHook(['Stop'], STOP, env);
  assert.is(control.hooks.length, 0);
  await runHook(['Stop', '--per-run'], STOP, env);
  assert.is(control.hooks.length, 1);
  await control.close();
  await rm(dataDir, { recursive: true });
});

test('the control client names why a call failed', async () => {
  const dataDir = await scratch();
  const down = await controlRequest(dataDir, 'GET', '/status').catch((error: unknown) => error);
  assert.instance(down, ControlError);
  assert.is((down as ControlError).kind, 'not_running');

  // A socket file left behind by a zoro that died: nothing listens, so also "not running".
  const stale = createServer();
  await new Promise<void>((resolve) => stale.listen(join(dataDir, 'zoro.sock'), resolve));
  await new Promise<void>((resolve) => stale.close(() => resolve()));
  await writeFile(join(dataDir, 'zoro.sock'), '');
  const refused = await controlRequest(dataDir, 'GET', '/status').catch((error: unknown) => error);
  assert.instance(refused, ControlError);
  assert.is((refused as ControlError).kind, 'not_running');

  const control = await startControlServer(dataDir, { route: (call) => (call.path === '/status' ? { status: 200, body: { sessions: [] } } : null) });
  assert.equal(await controlRequest(dataDir, 'GET', '/status'), { sessions: [] });
  const missing = await controlRequest(dataDir, 'POST', '/nowhere', {}).catch((error: unknown) => error);
  assert.instance(missing, ControlError);
  assert.is((missing as ControlError).kind, 'http');
  assert.is((missing as ControlError).status, 404);
  assert.match((missing as ControlError).message, 'no route POST /nowhere');
  assert.is((await stat(control.socketPath)).mode & 0o777, 0o600);
  await control.close();
  await rm(dataDir, { recursive: true });
});

test.run();
