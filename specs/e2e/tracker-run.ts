/**
 * Shared by the tracker end-to-end specs: the real `zoro --config FILE --once --json
 * --no-cockpit` as a child process, with HOME and the tmux server private to the spec, the
 * real sim agent, and a record of every byte the sim read from its terminal.
 *
 *   const world = await trackerWorld('github');
 *   after(world.cleanup);                        // kills the private tmux server, removes dir
 *   const run = await world.runOnce(world.accessText('github', { token, … }, 'acme/web'));
 *   expectOneTicketDone(run, 'acme/web#1', token);
 *   const prompt = await world.onlyPrompt();     // what zoro pasted into the sim
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as assert from 'uvu/assert';
import type { RunSummary } from '../../actors/view.js';
import { runCli, scratch, type CliResult, type Scratch } from './helpers.js';

const exec = promisify(execFile);

/**
 * Loaded into every node process of the run through NODE_OPTIONS (the tmux server passes
 * its environment on to the panes); only `zoro sim` acts on it. It appends what the sim
 * reads to a file, so a spec sees the exact prompt the agent got — the sim itself shows a
 * long paste as `[pasted text +N lines]`, and production code keeps no copy of prompts.
 */
const STDIN_RECORDER = `
import { appendFileSync } from 'node:fs';
const log = process.env.ZORO_E2E_STDIN_LOG;
if (log && process.argv.at(-1) === 'sim') process.stdin.on('data', (chunk) => appendFileSync(log, chunk));
`;

export interface TrackerRun extends CliResult {
  /** The `--json` summary, parsed from stdout (null when stdout held none). */
  summary: RunSummary | null;
}

export interface TrackerWorld extends Scratch {
  /** TMUX_TMPDIR of the run: its tmux server is this spec's alone. */
  tmuxDir: string;
  /**
   * access.txt with one `[provider:NAME]` section (`keys`, api_url included) and one session
   * `work`: a sim in the scratch repo, on tmux, taking that provider's `projectIds`.
   */
  accessText(provider: string, keys: Record<string, string>, projectIds: string): string;
  /** Write access.txt and run `zoro --config FILE --once --json --no-cockpit` to its end. */
  runOnce(config: string, timeoutMs?: number): Promise<TrackerRun>;
  /** Every bracketed paste the sim read, in order, line breaks as `\n`. */
  prompts(): Promise<string[]>;
  /** Whether the run's private tmux server (not the user's) has zoro's session. */
  privateTmuxHasZoro(): Promise<boolean>;
  /** The one prompt the sim read (fails when there were more or none). */
  onlyPrompt(): Promise<string>;
}

export async function trackerWorld(label: string): Promise<TrackerWorld> {
  const world = await scratch(label);
  const tmuxDir = join(world.dir, 'tmux');
  const home = join(world.dir, 'home');
  const recorder = join(world.dir, 'stdin-recorder.mjs');
  const stdinLog = join(world.dir, 'sim-stdin.bin');
  await Promise.all([mkdir(tmuxDir), mkdir(home), writeFile(recorder, STDIN_RECORDER), writeFile(stdinLog, '')]);
  const prompts = async (): Promise<string[]> => {
    const text = (await readFile(stdinLog, 'utf8')).replace(/\r\n?/g, '\n');
    return [...text.matchAll(/\x1b\[200~([\s\S]*?)\x1b\[201~/g)].map((m) => m[1]!);
  };
  const { TMUX: _tmux, TMUX_PANE: _pane, ...outside } = process.env;
  // No TMUX: with it, tmux would talk to the server of the terminal the spec runs in.
  const tmuxEnv = { ...outside, TMUX_TMPDIR: tmuxDir };

  return {
    ...world,
    tmuxDir,
    accessText: (provider, keys, projectIds) =>
      [
        '[zoro]',
        `data_dir = ${world.dataDir}`,
        'runtime = tmux',
        '',
        `[provider:${provider}]`,
        ...Object.entries(keys).map(([key, value]) => `${key} = ${value}`),
        '',
        '[session:work]',
        `repo_path = ${world.repo}`,
        'agent = sim',
        'runtime = tmux',
        `provider = ${provider}`,
        `project_ids = ${projectIds}`,
        '',
      ].join('\n'),
    async runOnce(config, timeoutMs = 45_000) {
      await writeFile(world.configFile, config, { mode: 0o600 });
      const result = await runCli(['--config', world.configFile, '--once', '--json', '--no-cockpit'], {
        cwd: world.dir,
        timeoutMs,
        env: {
          HOME: home,
          TMUX_TMPDIR: tmuxDir,
          ZORO_E2E_STDIN_LOG: stdinLog,
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${recorder}`.trim(),
        },
      });
      const json = result.stdout.trim().split('\n').pop() ?? '';
      return { ...result, summary: json.startsWith('{') ? (JSON.parse(json) as RunSummary) : null };
    },
    prompts,
    privateTmuxHasZoro: () =>
      exec('tmux', ['has-session', '-t', '=zoro'], { env: tmuxEnv }).then(
        () => true,
        () => false,
      ),
    async onlyPrompt() {
      const all = await prompts();
      assert.is(all.length, 1, JSON.stringify(all));
      return all[0]!;
    },
    async cleanup() {
      // `zoro --once` leaves the agents running (as it does for a user); end them with the server.
      await exec('tmux', ['kill-server'], { env: tmuxEnv }).catch(() => undefined);
      await world.cleanup();
    },
  };
}

/**
 * The run ended well with exactly one ticket, `ticketId`, done by the session `work`, whose
 * sim wrote `done.txt`; the secret appears nowhere in what zoro printed.
 */
export async function expectOneTicketDone(world: TrackerWorld, run: TrackerRun, ticketId: string, secret: string): Promise<void> {
  assert.is(run.code, 0, run.stderr);
  // tmux honours TMUX_TMPDIR: the agent ran on this spec's own server.
  assert.ok(await world.privateTmuxHasZoro(), 'the sim ran on the private tmux server');
  assert.not.match(run.stderr + run.stdout, secret, 'the secret never reaches the output');
  assert.ok(run.summary, run.stdout);
  assert.equal(
    run.summary.tickets.map((t) => [t.id, t.status, t.session]),
    [[ticketId, 'done', 'work']],
  );
  assert.is(await readFile(join(world.repo, 'done.txt'), 'utf8').catch(() => null), 'ok\n');
}
