/**
 * The main loop at scale: `zoro demo` with 20 sim sessions and 200 tasks, run as its own
 * process. Reports wall time, zoro's peak RSS and CPU seconds (its own and its children's:
 * the tmux control client and the signal_cmd shells; the agents run under tmux, not zoro),
 * against the baseline of the same run's floor: the agents' own work time divided over
 * the sessions, which no manager can beat.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../lib/self.js';

const SIM_WORK_S = 0.3; // sim's default sleep per prompt

export interface TeamBenchResult {
  bench: 'team';
  sessions: number;
  tasks: number;
  exit_code: number;
  done: number;
  wall_s: number;
  floor_s: number;
  overhead_s: number;
  peak_rss_mb: number;
  cpu_s: number;
  command: string;
}

export function benchPlan(tasks: number, sessions: number): string {
  const lines = [`# ${tasks} tasks for ${sessions} sessions`, ''];
  for (let i = 1; i <= tasks; i++) {
    lines.push(`${i}. Task ${i}`);
    if (i > sessions && i % 3 === 0) lines.push(`   depends_on: [${i - sessions}]`);
    lines.push(`   sim: write out/t${i}.txt done ${i}`, `   signal_cmd: test -f out/t${i}.txt`, '');
  }
  return lines.join('\n');
}

export async function benchTeam(sessions = 20, tasks = 200): Promise<TeamBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'zoro-bench-team-'));
  try {
    const plan = join(dir, 'plan-source.md');
    await writeFile(plan, benchPlan(tasks, sessions));
    const args = [join(projectRoot, 'dist/bin/zoro.js'), 'demo', '--plan', plan, '--sessions', String(sessions), '--exit-when-done', '--no-cockpit', '--json', '--dir', join(dir, 'repo')];
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    let peakKb = 0;
    let cpuTicks = 0;
    const sample = async () => {
      try {
        const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
        const stat = (await readFile(`/proc/${child.pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
        // utime stime cutime cstime are fields 14–17 (1-based); after "pid (comm) " they are 11–14
        cpuTicks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(stat[i]), 0);
      } catch {
        // the process has exited between two samples: keep the last reading
      }
    };
    const timer = setInterval(sample, 50);
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
    clearInterval(timer);
    const wall = (performance.now() - started) / 1000;
    const summary = JSON.parse(out) as { tickets: { status: string }[] };
    const floor = (tasks * SIM_WORK_S) / sessions;
    return {
      bench: 'team',
      sessions,
      tasks,
      exit_code: code,
      done: summary.tickets.filter((t) => t.status === 'done').length,
      wall_s: round(wall),
      floor_s: round(floor),
      overhead_s: round(wall - floor),
      peak_rss_mb: round(peakKb / 1024),
      cpu_s: round(cpuTicks / 100),
      command: `node ${args[0]} demo --plan PLAN --sessions ${sessions} --exit-when-done --no-cockpit --json`,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchTeam(), null, 2));
}
