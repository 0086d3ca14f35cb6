/**
 * `zoro demo`: a self-contained team on a sample plan in a scratch git repo. Nothing to set
 * up, nothing outside the demo's directory touched (its data_dir is DIR/.zoro, its tmux
 * server is a private one).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { access, constants, copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../adapters/config/load.js';
import { tmuxAvailable } from '../../adapters/terminals/index.js';
import { splitWords } from '../../adapters/agents/claude/shell.js';
import { UsageError } from '../../lib/errors.js';
import { projectRoot } from '../../lib/self.js';
import { intFlag, parseFlags } from '../args.js';
import { serve } from '../serve.js';

const run = promisify(execFile);

export const DEMO_HELP = `usage: zoro demo [--plan FILE] [--sessions N] [--agent sim|claude|COMMAND]
                 [--agent-option KEY=VALUE]… [--runtime tmux|pty] [--dir DIR]
                 [--port N | --no-cockpit] [--exit-when-done] [--json]

Runs a small team of agents (simulated unless --agent says otherwise) through a plan in a
scratch git repo, with the cockpit on http://127.0.0.1:7070 (or a free port).

  --plan FILE        the plan.md to work through (default: a sample plan of 9 tasks; with
                     --agent claude, one of 3 tiny file-writing tasks)
  --sessions N       how many agent sessions (default 3)
  --agent A          sim (default), claude (your own Claude Code), or any command line
  --agent-option K=V a [session:*] option for every agent, e.g. claude_command=/path/to/claude,
                     model=sonnet, permission_mode=default (repeatable)
  --runtime R        tmux (default when installed) or pty
  --dir DIR          the repo the agents work in (created if missing; default: a new temp dir)
  --port N           cockpit port (default 7070; a taken port is swapped for a free one)
  --no-cockpit       no web cockpit
  --exit-when-done   exit when every task has settled (0 = all done, 1 = some not)
  --json             print the run summary as one JSON document on stdout`;

export async function run_(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      plan: { type: 'string' },
      sessions: { type: 'string' },
      agent: { type: 'string' },
      'agent-option': { type: 'string', multiple: true },
      runtime: { type: 'string' },
      dir: { type: 'string' },
      port: { type: 'string' },
      'no-cockpit': { type: 'boolean' },
      'exit-when-done': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    DEMO_HELP,
  );
  if (values.help) {
    console.log(DEMO_HELP);
    return 0;
  }
  const sessions = intFlag(values.sessions, '--sessions', 1, 200) ?? 3;
  const port = intFlag(values.port, '--port', 0, 65535);
  if (values['no-cockpit'] && port !== undefined) throw new UsageError('--port and --no-cockpit cannot go together');
  const agent = values.agent ?? 'sim';
  const agentOptions = parseAgentOptions(values['agent-option'] ?? []);
  // Claude Code starts without asking whether to trust the scratch repo zoro made for it.
  if (agent === 'claude') agentOptions.claude_trust_repo ??= 'true';
  if (agent === 'claude') await assertCommand(agentOptions.claude_command || 'claude');
  const runtime = values.runtime ?? ((await tmuxAvailable()) ? 'tmux' : 'pty');
  if (runtime !== 'tmux' && runtime !== 'pty') throw new UsageError(`--runtime must be tmux or pty, got "${runtime}"`);
  if (values.plan && !existsSync(values.plan)) throw new UsageError(`--plan ${values.plan}: no such file`);

  const dir = values.dir ? resolve(values.dir) : await mkdtemp(join(tmpdir(), 'zoro-demo-'));
  await mkdir(dir, { recursive: true });
  const planFile = join(dir, 'plan.md');
  if (values.plan) await copyFile(resolve(values.plan), planFile);
  else if (!existsSync(planFile)) await writeFile(planFile, await readFile(join(projectRoot, DEMO_PLANS[agent] ?? DEMO_PLANS.sim!), 'utf8'));
  await initRepo(dir);

  const dataDir = join(dir, '.zoro');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const configFile = join(dataDir, 'access.txt');
  await writeFile(configFile, demoConfig({ dir, dataDir, planFile, sessions, agent, agentOptions, runtime, port: port ?? 7070 }), { mode: 0o600 });
  const config = await loadConfig(configFile);

  // A private tmux server per demo directory: demos never touch the user's own tmux.
  const tmuxSocket = `zoro-demo-${createHash('sha256').update(dir).digest('hex').slice(0, 8)}`;
  const hints = [
    `demo repo: ${dir}`,
    runtime === 'tmux' ? `watch the agents: tmux -L ${tmuxSocket} attach -t zoro` : 'agents run in ptys owned by this process',
  ];
  return serve({
    config,
    exitWhenDone: values['exit-when-done'] === true,
    once: false,
    json: values.json === true,
    cockpit: { enabled: !values['no-cockpit'], port: port ?? 7070, host: '127.0.0.1', takeFreePort: true },
    tmuxSocket,
    killAgentsOnExit: true,
    hints,
  });
}

export { run_ as run };

/** The sample plan for each kind of agent: `sim:` directives mean nothing to Claude Code. */
const DEMO_PLANS: Record<string, string> = { sim: 'bin/demo-plan.md', claude: 'bin/demo-plan-claude.md' };

/** `--agent-option key=value`s as session options; each line goes into access.txt as is. */
function parseAgentOptions(pairs: string[]): Record<string, string> {
  const options: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const key = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    if (at < 0 || !/^[a-z][a-z0-9_]*$/.test(key)) throw new UsageError(`--agent-option must be KEY=VALUE with a key such as claude_command, got "${pair}"`);
    if (/[\r\n]/.test(value)) throw new UsageError(`--agent-option ${key}: the value must be one line`);
    options[key] = value;
  }
  return options;
}

/** The agent's program must exist, or every session would fail to start, over and over. */
async function assertCommand(commandLine: string): Promise<void> {
  const program = splitWords(commandLine, 'claude_command')[0] ?? '';
  const candidates = program.includes('/') ? [resolve(program)] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, program));
  for (const candidate of candidates) {
    if (await access(candidate, constants.X_OK).then(() => true, () => false)) return;
  }
  throw new UsageError(`${program} was not found${program.includes('/') ? '' : ' on PATH'}: install Claude Code (npm install -g @anthropic-ai/claude-code), or name it with --agent-option claude_command=/path/to/claude`);
}

function demoConfig(o: { dir: string; dataDir: string; planFile: string; sessions: number; agent: string; agentOptions: Record<string, string>; runtime: string; port: number }): string {
  const lines = [
    '# Generated by `zoro demo`.',
    '[zoro]',
    `data_dir = ${o.dataDir}`,
    // --port 0 (any free port) is not a web_port value: the cockpit gets it directly.
    ...(o.port === 0 ? [] : [`web_port = ${o.port}`]),
    `runtime = ${o.runtime}`,
    '',
    '[provider:plan]',
    `path = ${o.planFile}`,
    '',
  ];
  const width = String(o.sessions).length;
  const prefix = o.agent === 'sim' || o.agent === 'claude' ? o.agent : 'agent';
  const options = Object.entries(o.agentOptions).map(([key, value]) => `${key} = ${value}`);
  for (let i = 1; i <= o.sessions; i++) {
    lines.push(`[session:${prefix}-${String(i).padStart(width, '0')}]`, `repo_path = ${o.dir}`, 'provider = plan', `agent = ${o.agent}`, ...options, '');
  }
  return lines.join('\n');
}

async function initRepo(dir: string): Promise<void> {
  if (existsSync(join(dir, '.git'))) return;
  const git = (...args: string[]) => run('git', ['-C', dir, ...args], { timeout: 10_000 });
  await git('init', '-q');
  await writeFile(join(dir, '.gitignore'), '.zoro/\n.zoro-sim/\n');
  await git('add', '-A');
  await git('-c', 'user.name=zoro demo', '-c', 'user.email=demo@zoro.local', 'commit', '-q', '-m', 'demo: the plan');
}
