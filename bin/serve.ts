/**
 * Running zoro from the command line (`zoro` and `zoro demo`): start the actor system, the
 * control socket and the cockpit, show progress, and end the way the flags ask.
 */
import type { ZoroConfig } from '../adapters/config/types.js';
import { startZoro, type Zoro } from '../actors/zoro.js';
import { startControlServer } from '../actors/control.js';
import type { RunSummary } from '../actors/view.js';
import { createProgress } from './progress.js';
import { startCockpitFor, type CockpitRun } from './cockpit.js';
import { createInspectBridge } from '../cockpit/inspect.js';

export interface ServeOptions {
  config: ZoroConfig;
  reload?: () => Promise<ZoroConfig>;
  /** Poll once, finish those tickets, exit (`--once`, `demo --exit-when-done`). */
  exitWhenDone: boolean;
  once: boolean;
  json: boolean;
  cockpit: { enabled: boolean; port: number; host: string; takeFreePort: boolean };
  tmuxSocket?: string;
  inspect?: boolean;
  /** Kill the agents zoro started when it exits (demo). */
  killAgentsOnExit: boolean;
  /** Printed under the start-up lines (how to watch the agents). */
  hints?: string[];
}

export async function serve(options: ServeOptions): Promise<number> {
  const out = options.json ? process.stderr : process.stdout;
  const progress = createProgress(out, { verbose: process.env.ZORO_VERBOSE === '1' });
  // --inspect: Stately's inspector protocol, for their own inspector where the user has it.
  const bridge = options.inspect ? createInspectBridge({ serve: {} }) : null;
  if (bridge) out.write(`inspector: ${bridge.viewerUrl}\n`);
  const zoro = await startZoro({
    config: options.config,
    reload: options.reload,
    once: options.once,
    tmuxSocket: options.tmuxSocket,
    onEvent: (event) => progress.event(event),
    inspect: bridge?.inspect,
  });
  const control = await startControlServer({
    dataDir: options.config.zoro.data_dir,
    handle: zoro.handle,
    config: () => zoro.config(),
    send: (event) => zoro.send(event),
    log: (entry) => zoro.log(entry),
  });
  let cockpit: CockpitRun | null = null;
  if (options.cockpit.enabled) {
    try {
      cockpit = await startCockpitFor(zoro, options.config, options.cockpit, (line) => out.write(`${line}\n`));
    } catch (error) {
      await control.close();
      await zoro.stop({ killAgents: options.killAgentsOnExit });
      throw error;
    }
  }
  for (const hint of options.hints ?? []) out.write(`${hint}\n`);

  const footer = setInterval(() => progress.footer(footerLine(zoro)), 500);
  let stopping = false;
  const stop = async (code: number, summary: RunSummary | null) => {
    if (stopping) return code;
    stopping = true;
    clearInterval(footer);
    progress.close();
    await cockpit?.close();
    await control.close();
    await zoro.stop({ killAgents: options.killAgentsOnExit });
    bridge?.stop();
    if (summary) {
      if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else out.write(describe(summary));
    }
    return code;
  };

  const interrupted = new Promise<number>((resolve) => {
    const onSignal = () => {
      out.write('\nstopping…\n');
      resolve(stop(130, zoro.summary()));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });

  if (options.exitWhenDone) {
    const finished = zoro.settled().then((summary) => {
      // A provider that could not be read makes the run incomplete, whatever its tickets did.
      const failedPolls = Object.values(zoro.context().pollers).filter((p) => p.last_error);
      for (const p of failedPolls) process.stderr.write(`zoro: ${p.spec.name}: ${p.last_error}\n`);
      return stop(failedPolls.length > 0 ? 1 : exitCode(summary), summary);
    });
    return Promise.race([finished, interrupted]);
  }
  zoro.settled().then((summary) => {
    if (summary.tickets.length > 0) out.write(`all ${summary.tickets.length} ticket(s) settled; still watching for new ones (Ctrl-C to stop)\n`);
  });
  return interrupted;
}

/** 0 when every ticket is done; 1 when any ended failed, escalated, blocked or cancelled. */
export function exitCode(summary: RunSummary): number {
  return summary.tickets.every((t) => t.status === 'done') ? 0 : 1;
}

function footerLine(zoro: Zoro): string {
  const context = zoro.context();
  const tickets = Object.values(context.tickets).map((t) => t.record.status);
  const done = tickets.filter((s) => s === 'done').length;
  const sessions = Object.values(context.sessions)
    .map((s) => `${s.spec.name}:${s.state === 'BUSY' ? (s.ticketId ?? 'BUSY') : s.state}`)
    .join('  ');
  return `${done}/${tickets.length} done   ${sessions}`;
}

function describe(summary: RunSummary): string {
  const counts = new Map<string, number>();
  for (const t of summary.tickets) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  const parts = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
  return `\n${summary.tickets.length} ticket(s): ${parts || 'none'} in ${(summary.duration_ms / 1000).toFixed(1)} s\n`;
}
