/**
 * `zoro demo --agent claude` end to end: the real `zoro` CLI as a child process running the
 * real Claude Code CLI (the pinned devDependency) on its built-in Claude plan, offline: the
 * session options from `--agent-option` point it at the fake Messages API and a private HOME.
 * That HOME does not trust the demo repo: the demo itself must get past that question.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareClaudeHome } from '../../adapters/agents/claude/index.js';
import { projectRoot } from '../../lib/self.js';
import { startFakeAnthropic, type FakeReply } from '../fakes/anthropic.js';
import { killTmuxServer, readEventLog, runCli, tmuxHasZoro } from './helpers.js';

const dir = await mkdtemp(join(tmpdir(), 'zoro-e2e-demo-claude-'));
const repo = join(dir, 'repo');
const home = join(dir, 'home');
// demo derives its private tmux server from the directory it works in
const socket = `zoro-demo-${createHash('sha256').update(repo).digest('hex').slice(0, 8)}`;

/** The model does what each task of bin/demo-plan-claude.md asks: one Write, then a word. */
const api = await startFakeAnthropic({
  script: (prompt): FakeReply[] => {
    const task = /^Title: Create the file (\S+) containing: (.+)$/m.exec(prompt);
    if (!task) return [{ text: 'Nothing to do here.' }];
    const [, file, wanted] = task;
    const content = file === 'files.txt' ? 'hello.txt\ngreeting.md\n' : `${wanted}\n`;
    // No ready signal in the final words: the demo's sessions end their turns by the Stop hook.
    return [{ toolUse: { name: 'Write', input: { file_path: join(repo, file!), content } } }, { text: `Wrote ${file}.` }];
  },
});

test.after(async () => {
  await killTmuxServer(socket);
  await api.close();
  // Claude Code may still be writing its transcript into the HOME as it exits.
  await rm(dir, { recursive: true, force: true, maxRetries: 10 });
});

test('zoro demo --agent claude works its built-in plan with Claude Code, hooks ending each turn', async () => {
  await mkdir(home);
  await prepareClaudeHome(home, []);
  const started = Date.now();
  const option = (pair: string) => ['--agent-option', pair];
  const result = await runCli(
    [
      'demo', '--agent', 'claude', '--sessions', '2', '--exit-when-done', '--json', '--no-cockpit', '--dir', repo,
      ...option(`claude_command=${join(projectRoot, 'node_modules/.bin/claude')}`),
      ...option(`anthropic_base_url=${api.url}`),
      ...option(`claude_home=${home}`),
    ],
    { cwd: dir, timeoutMs: 50_000 },
  );
  console.log(`  demo --agent claude: ${Date.now() - started} ms`);
  assert.is(result.code, 0, result.stderr);

  const summary = JSON.parse(result.stdout) as { tickets: { id: string; title: string; status: string; session: string }[]; sessions: { name: string }[] };
  assert.equal(
    summary.tickets.map((t) => [t.id, t.status]),
    [['1', 'done'], ['2', 'done'], ['3', 'done']],
  );
  assert.match(summary.tickets[0]!.title, 'hello.txt');
  assert.equal(summary.sessions.map((s) => s.name), ['claude-1', 'claude-2']);
  for (const ticket of summary.tickets) assert.match(ticket.session, /^claude-[12]$/);

  // Claude Code really wrote the files, and its hooks (--settings) reached the demo's zoro.
  assert.is(await readFile(join(repo, 'hello.txt'), 'utf8'), 'hello\n');
  assert.is(await readFile(join(repo, 'greeting.md'), 'utf8'), '# Hello from zoro\n');
  assert.is(await readFile(join(repo, 'files.txt'), 'utf8'), 'hello.txt\ngreeting.md\n');
  const events = await readEventLog(join(repo, '.zoro'));
  const ends = events.filter((e) => e.type === 'session.turn_ended').map((e) => e.message);
  assert.is(ends.length, 3);
  for (const end of ends) assert.match(end, '(Stop hook)');
  // The sample plan for the simulated agents was not used: no prompt carried a `sim:` line.
  assert.not.ok(api.requests.some((r) => r.prompt.includes('sim:')));
  assert.ok(api.requests.some((r) => r.prompt.includes('Ticket: 3 (attempt 1)')));

  // The demo ends its agents when it exits.
  assert.not.ok(await tmuxHasZoro(socket), `the demo's tmux server ${socket} still runs its agents`);
});

test('zoro demo --agent claude names a missing Claude Code, and a malformed --agent-option, as usage errors', async () => {
  const missing = await runCli(['demo', '--agent', 'claude', '--no-cockpit', '--dir', join(dir, 'never'), '--agent-option', 'claude_command=/nowhere/claude'], {
    cwd: dir,
    timeoutMs: 20_000,
  });
  assert.is(missing.code, 2);
  assert.match(missing.stderr, '/nowhere/claude was not found');
  const malformed = await runCli(['demo', '--agent', 'claude', '--no-cockpit', '--dir', join(dir, 'never'), '--agent-option', 'no equals sign'], {
    cwd: dir,
    timeoutMs: 20_000,
  });
  assert.is(malformed.code, 2);
  assert.match(malformed.stderr, '--agent-option must be KEY=VALUE');
  assert.not.ok(existsSync(join(dir, 'never')), 'nothing was started');
});

test.run();
