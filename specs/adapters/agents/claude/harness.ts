/**
 * Running the real Claude Code CLI in a private tmux server, offline, for specs and for
 * re-capturing the screen fixtures: a scratch HOME and repo, the fake Messages API, the test
 * control socket, and the launch that the `claude` profile itself builds.
 *
 *   const world = await startClaudeWorld({ script });
 *   const pane = await world.start({ permission_mode: 'default' });
 *   await pane.paste('make a file'); await pane.press('Enter');
 *   await pane.waitForScreen((lines) => classifyScreen(lines) === 'needs_human', 'a permission prompt');
 *   await world.close();
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claudeProfile, prepareClaudeHome } from '../../../../adapters/agents/claude/index.js';
import { shellJoin } from '../../../../adapters/agents/claude/shell.js';
import { projectRoot, zoroCommand } from '../../../../lib/self.js';
import { startFakeAnthropic, type FakeAnthropic, type FakeScript } from '../../../fakes/anthropic.js';
import { startControlServer, type TestControlServer } from '../../../fakes/control-server.js';

/** The Claude Code this project pins (a devDependency), not whatever `claude` is on PATH. */
export const CLAUDE_BIN = join(projectRoot, 'node_modules/.bin/claude');

export interface ClaudePane {
  readonly target: string;
  /** The rendered screen, one row per line (`capture-pane -p -J`). */
  capture(): Promise<string[]>;
  /** A bracketed paste (`load-buffer` + `paste-buffer -p`), no Enter. */
  paste(text: string): Promise<void>;
  type(text: string): Promise<void>;
  press(key: string): Promise<void>;
  /** Polls the rendered screen until `test` holds; fails with the last screen after `timeoutMs`. */
  waitForScreen(test: (lines: string[]) => boolean, what: string, timeoutMs?: number): Promise<string[]>;
  /** Everything the program wrote so far (`pipe-pane`), escape sequences and all. */
  rawOutput(): Promise<string>;
}

export interface ClaudeWorld {
  root: string;
  home: string;
  repo: string;
  dataDir: string;
  api: FakeAnthropic;
  control: TestControlServer;
  /** Starts Claude Code in a new tmux session, with the profile's launch for these options. */
  start(options?: Record<string, string>, extra?: { env?: Record<string, string>; cwd?: string }): Promise<ClaudePane>;
  tmux(...args: string[]): Promise<string>;
  close(): Promise<void>;
}

export async function startClaudeWorld(config: { script: FakeScript; chunkDelayMs?: number }): Promise<ClaudeWorld> {
  const root = await mkdtemp(join(tmpdir(), 'zoro-claude-'));
  const home = join(root, 'home');
  const repo = join(root, 'repo');
  const dataDir = join(root, 'data');
  await Promise.all([mkdir(home), mkdir(repo), mkdir(dataDir)]);
  await prepareClaudeHome(home, [repo]);
  const api = await startFakeAnthropic({ script: config.script, chunkDelayMs: config.chunkDelayMs });
  const control = await startControlServer(dataDir);
  const server = `zoro-claude-spec-${process.pid}`;
  let panes = 0;

  const tmux = (...args: string[]) =>
    new Promise<string>((resolve, reject) => {
      execFile('tmux', ['-L', server, '-f', '/dev/null', ...args], { timeout: 10_000, env: cleanEnv() }, (error, stdout, stderr) => {
        if (error) reject(new Error(`tmux ${args[0]}: ${stderr.trim() || error.message}`));
        else resolve(stdout);
      });
    });

  return {
    root,
    home,
    repo,
    dataDir,
    api,
    control,
    tmux,
    async start(options = {}, extra = {}) {
      const launch = claudeProfile.launch({
        session: 'spec',
        repoPath: repo,
        zoroCommand: zoroCommand(),
        dataDir,
        options: { claude_command: CLAUDE_BIN, anthropic_base_url: api.url, claude_home: home, ...options },
      });
      const name = `claude${++panes}`;
      const rawLog = join(root, `${name}.raw`);
      await writeFile(rawLog, '');
      const env = { ...launch.env, ...extra.env };
      // `read` holds the program back until pipe-pane is attached, so the raw log is complete.
      const held = `read _ && exec ${shellJoin(launch.command)}`;
      await tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '40', '-c', extra.cwd ?? repo,
        ...Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]), held);
      await tmux('set-option', '-t', name, 'remain-on-exit', 'on');
      await tmux('pipe-pane', '-o', '-t', name, `cat >> ${shellJoin([rawLog])}`);
      await tmux('send-keys', '-t', name, 'Enter');
      return pane(tmux, name, rawLog, root);
    },
    async close() {
      const pids = await tmux('list-panes', '-a', '-F', '#{pane_pid}').then(
        (out) => out.split('\n').filter(Boolean).map(Number),
        (error: Error) => {
          if (/no server running|error connecting/i.test(error.message)) return [];
          throw error;
        },
      );
      let socket: string | null = null;
      if (pids.length > 0) {
        socket = (await tmux('display-message', '-p', '#{socket_path}')).trim();
        await tmux('kill-server');
      }
      // Claude Code writes its transcript as it dies: let it finish before the scratch dir goes.
      await gone(pids, 5_000);
      await control.close();
      await api.close();
      await rm(root, { recursive: true, force: true, maxRetries: 5 });
      // tmux 3.3 can leave its socket file behind after kill-server.
      if (socket) await rm(socket, { force: true });
    },
  };
}

/** Waits until every one of `pids` has exited (after their tmux server was killed). */
export async function gone(pids: number[], timeoutMs: number): Promise<void> {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
      throw error;
    }
  };
  const deadline = Date.now() + timeoutMs;
  while (pids.some(alive)) {
    if (Date.now() > deadline) throw new Error(`processes ${pids.filter(alive).join(', ')} still run ${timeoutMs} ms after tmux was killed`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The tmux server's environment comes from the client that starts it: keep the developer's
 * own Anthropic credentials and Claude settings out of it, so nothing reaches a real account.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('ANTHROPIC_') || key.startsWith('CLAUDE_') || key === 'TMUX' || key === 'TMUX_PANE') delete env[key];
  }
  return env;
}

function pane(tmux: ClaudeWorld['tmux'], target: string, rawLog: string, root: string): ClaudePane {
  let buffers = 0;
  const capture = async () => (await tmux('capture-pane', '-p', '-J', '-t', target)).replace(/\n$/, '').split('\n');
  return {
    target,
    capture,
    async paste(text) {
      const file = join(root, `paste-${target}-${++buffers}.txt`);
      await writeFile(file, text);
      await tmux('load-buffer', '-b', `zoro-${target}`, file);
      await tmux('paste-buffer', '-p', '-d', '-b', `zoro-${target}`, '-t', target);
      // An Enter that arrives while Claude Code is still taking in the paste is lost.
      const last = text.trim().split('\n').pop()!.trim();
      await this.waitForScreen((lines) => lines.some((line) => line.includes(last)), `the pasted "${last}" on screen`, 5_000);
    },
    async type(text) {
      await tmux('send-keys', '-t', target, '-l', text);
    },
    async press(key) {
      await tmux('send-keys', '-t', target, key);
    },
    async waitForScreen(test, what, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let lines = await capture();
      while (!test(lines)) {
        if (Date.now() > deadline) {
          throw new Error(`waited ${timeoutMs} ms for ${what}; the screen shows:\n${lines.filter((l) => l.trim()).join('\n')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
        lines = await capture();
      }
      return lines;
    },
    rawOutput: () => readFile(rawLog, 'utf8'),
  };
}
