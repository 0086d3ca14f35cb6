/**
 * Shared by the end-to-end specs: each runs the production code (startZoro in-process, or
 * the real `zoro` CLI as a child process) against a private tmux server and the real sim
 * agent, in a scratch directory of its own, and waits on events with bounded timeouts.
 *
 *   const world = await scratch('verify');              // dir, repo, data_dir, tmux socket
 *   after(world.cleanup);                               // kills the tmux server, removes dir
 *   const zoro = await world.start(configText(...));    // startZoro, events recorded
 *   await zoro.events.next((e) => e.type === 'ticket.done', 20_000);
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../adapters/config/load.js';
import type { ZoroConfig } from '../../adapters/config/types.js';
import { startZoro, type Zoro, type ZoroOptions } from '../../actors/zoro.js';
import type { RunSummary } from '../../actors/view.js';
import type { ZoroEvent } from '../../lib/events.js';
import { zoroCommand } from '../../lib/self.js';

const exec = promisify(execFile);

let sockets = 0;
/** A tmux server name no other spec (or user) uses: `zoro-e2e-<pid>-<n>`. */
export function tmuxSocketName(): string {
  sockets += 1;
  return `zoro-e2e-${process.pid}-${sockets}`;
}

export async function killTmuxServer(socket: string): Promise<void> {
  // A server that already ended (or never started) is the state we want.
  await exec('tmux', ['-L', socket, 'kill-server']).catch(() => undefined);
}

/** Whether the private tmux server still has a session called `zoro`. */
export async function tmuxHasZoro(socket: string): Promise<boolean> {
  return exec('tmux', ['-L', socket, 'has-session', '-t', 'zoro']).then(
    () => true,
    () => false,
  );
}

/** Rejects with `what` after `ms`; the timer never keeps the process alive. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Every event a run logged, and a way to wait for the next one that matters. */
export class EventRecorder {
  readonly events: ZoroEvent[] = [];
  private readonly waiters = new Set<{ test: (e: ZoroEvent) => boolean; resolve: (e: ZoroEvent) => void }>();

  readonly onEvent = (event: ZoroEvent): void => {
    this.events.push(event);
    for (const waiter of [...this.waiters]) {
      if (!waiter.test(event)) continue;
      this.waiters.delete(waiter);
      waiter.resolve(event);
    }
  };

  /** The first event (already seen or still to come) that passes `test`. */
  first(test: (e: ZoroEvent) => boolean, ms: number, what = 'an event'): Promise<ZoroEvent> {
    const seen = this.events.find(test);
    if (seen) return Promise.resolve(seen);
    return this.next(test, ms, what);
  }

  /** The next event from now on that passes `test`. */
  next(test: (e: ZoroEvent) => boolean, ms: number, what = 'an event'): Promise<ZoroEvent> {
    let waiter!: { test: (e: ZoroEvent) => boolean; resolve: (e: ZoroEvent) => void };
    const found = new Promise<ZoroEvent>((resolve) => {
      waiter = { test, resolve };
      this.waiters.add(waiter);
    });
    return within(found, ms, what).finally(() => this.waiters.delete(waiter));
  }

  of(type: string, ticket?: string): ZoroEvent[] {
    return this.events.filter((e) => e.type === type && (ticket === undefined || e.ticket === ticket));
  }
}

export interface RunningZoro {
  zoro: Zoro;
  /** The config it was started with (as loadConfig read access.txt). */
  config: ZoroConfig;
  events: EventRecorder;
  /** settled() with a timeout. */
  settled(ms: number): Promise<RunSummary>;
}

/** One spec's world: a scratch dir with a git repo, a data_dir and a private tmux server. */
export interface Scratch {
  dir: string;
  /** The repo the sessions work in (a git repo with one commit). */
  repo: string;
  dataDir: string;
  socket: string;
  configFile: string;
  planFile: string;
  /** Write access.txt, load it with loadConfig, start zoro in-process on the private server. */
  start(config: string, options?: Partial<ZoroOptions>): Promise<RunningZoro>;
  /** Stop every zoro started here, kill the tmux server, remove the dir. Safe to call twice. */
  cleanup(): Promise<void>;
}

export async function scratch(label: string): Promise<Scratch> {
  const dir = await mkdtemp(join(tmpdir(), `zoro-e2e-${label}-`));
  const repo = join(dir, 'repo');
  const dataDir = join(dir, 'data');
  await mkdir(repo);
  await gitInit(repo);
  const socket = tmuxSocketName();
  const running: Zoro[] = [];
  const configFile = join(dir, 'access.txt');
  return {
    dir,
    repo,
    dataDir,
    socket,
    configFile,
    planFile: join(dir, 'plan.md'),
    async start(text, options = {}) {
      await writeFile(configFile, text, { mode: 0o600 });
      const config = await loadConfig(configFile);
      const events = new EventRecorder();
      const zoro = await startZoro({ config, tmuxSocket: socket, onEvent: events.onEvent, ...options });
      running.push(zoro);
      return { zoro, config, events, settled: (ms) => within(zoro.settled(), ms, 'every ticket to settle') };
    },
    async cleanup() {
      for (const zoro of running.splice(0)) await zoro.stop({ killAgents: true }).catch(() => undefined);
      await killTmuxServer(socket);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function gitInit(repo: string): Promise<void> {
  const git = (...args: string[]) => exec('git', ['-C', repo, ...args], { timeout: 10_000 });
  await git('init', '-q');
  await writeFile(join(repo, '.gitignore'), '.zoro-sim/\n');
  await git('add', '-A');
  await git('-c', 'user.name=zoro e2e', '-c', 'user.email=e2e@zoro.local', 'commit', '-q', '-m', 'start');
}

export interface SessionText {
  name: string;
  repo: string;
  agent?: string;
  project_ids?: string;
  provider?: string;
}

/** access.txt for a run: `[zoro]` with the data_dir and any extra keys, a plan, the sessions. */
export function configText(o: { dataDir: string; planFile: string; sessions: SessionText[]; zoro?: Record<string, string | number> }): string {
  const lines = ['[zoro]', `data_dir = ${o.dataDir}`, 'runtime = tmux'];
  for (const [key, value] of Object.entries(o.zoro ?? {})) lines.push(`${key} = ${value}`);
  lines.push('', '[provider:plan]', `path = ${o.planFile}`, '');
  for (const s of o.sessions) lines.push(...sessionText(s), '');
  return lines.join('\n');
}

export function sessionText(s: SessionText): string[] {
  const lines = [`[session:${s.name}]`, `repo_path = ${s.repo}`, `agent = ${s.agent ?? 'sim'}`, `provider = ${s.provider ?? 'plan'}`];
  if (s.project_ids) lines.push(`project_ids = ${s.project_ids}`);
  return lines;
}

/** A plan.md from tasks: `{ title, lines }` become `N. title` and indented lines. */
export function planText(tasks: { title: string; lines?: string[] }[]): string {
  return tasks.map((t, i) => [`${i + 1}. ${t.title}`, ...(t.lines ?? []).map((l) => `   ${l}`)].join('\n')).join('\n\n') + '\n';
}

/** events.jsonl of a data_dir, parsed. */
export async function readEventLog(dataDir: string): Promise<ZoroEvent[]> {
  const text = await readFile(join(dataDir, 'events.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ZoroEvent);
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The real `zoro` CLI as a child process, its output collected. */
export class CliRun {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<CliResult>;

  constructor(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
    const [command, ...rest] = zoroCommand();
    this.child = spawn(command!, [...rest, ...args], {
      cwd: options.cwd,
      env: { ...process.env, FORCE_COLOR: '0', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString('utf8')));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  /** Waits for the exit; on timeout kills the child and rejects with what it printed. */
  async result(ms: number): Promise<CliResult> {
    try {
      return await within(this.exited, ms, `zoro ${this.child.spawnargs.slice(-3).join(' ')} to exit`);
    } catch (error) {
      this.kill('SIGKILL');
      throw new Error(`${(error as Error).message}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
    }
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

/** Run the CLI to the end. */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  return new CliRun(args, options).result(options.timeoutMs ?? 60_000);
}

/** Poll `test` every `everyMs` until it holds (for state outside the event stream: files). */
export async function eventually<T>(test: () => Promise<T | null | undefined | false>, ms: number, what: string, everyMs = 100): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await test();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export type { ZoroConfig, ZoroEvent };
