/**
 * Terminal runtimes: how fast typed text comes back through tmux control mode, against
 * the capture-pane polling (every 100 ms) that peers use; and what watching 20 busy panes
 * through one control client costs in CPU. Private tmux server; about 25 s. Linux reads
 * CPU times from /proc (null elsewhere).
 *
 *   npm run bench -- terminals
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createTmuxRuntime, tmux, type TmuxServer } from '../adapters/terminals/tmux/index.js';
import type { Terminal } from '../adapters/terminals/types.js';

const SAMPLES = 20;
const PANES = 20;
const SECONDS = 10;

interface Spread {
  median: number;
  p95: number;
  max: number;
}

export interface TerminalsBench {
  tmux: string;
  type_to_output_ms: { control_mode: Spread; capture_poll_100ms: Spread };
  busy_panes: {
    panes: number;
    lines_per_second_each: number;
    seconds: number;
    /** Newlines seen, the echoed Enter that starts each pane included. */
    lines_received: number;
    /** CPU milliseconds over the whole run; null where /proc is missing. */
    cpu_ms: { control_client: number | null; tmux_server: number | null; zoro_process: number };
  };
}

export async function benchTerminals(): Promise<TerminalsBench> {
  const socketName = `zoro-bench-${process.pid}`;
  const server: TmuxServer = { binary: 'tmux', socketName };
  const runtime = createTmuxRuntime({ socketName });
  try {
    const version = execFileSync('tmux', ['-V']).toString().trim();
    const latency = await typeToOutput(runtime.start.bind(runtime), server);
    const busy = await busyPanes(runtime, server);
    return { tmux: version, type_to_output_ms: latency, busy_panes: busy };
  } finally {
    await runtime.dispose();
    await tmux(server, ['kill-server']).catch(() => undefined); // already gone is fine
  }
}

async function typeToOutput(start: (options: { name: string; cwd: string; command: string[] }) => Promise<Terminal>, server: TmuxServer) {
  const terminal = await start({ name: 'latency', cwd: process.cwd(), command: ['cat'] });
  let seen = '';
  terminal.onOutput((chunk) => (seen += chunk));
  const control: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const marker = `c${i}q`;
    const begin = performance.now();
    await terminal.type(marker);
    await until(() => seen.includes(marker));
    control.push(performance.now() - begin);
    await terminal.press('Enter');
  }

  // The baseline: send-keys as its own tmux process, and a poller that runs capture-pane
  // (also a process) every 100 ms whatever happens, as peers do; latency is from the send
  // to the end of the first capture that shows the text.
  let screens: { startedAt: number; endedAt: number; text: string }[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const startedAt = performance.now();
      const text = await tmux(server, ['capture-pane', '-p', '-t', terminal.id]);
      screens.push({ startedAt, endedAt: performance.now(), text });
      await sleep(Math.max(0, 100 - (performance.now() - startedAt)));
    }
  })();
  const polled: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const marker = `p${i}q`;
    screens = [];
    const begin = performance.now();
    await tmux(server, ['send-keys', '-t', terminal.id, '-l', marker]);
    await until(() => screens.some((screen) => screen.startedAt >= begin && screen.text.includes(marker)), 5);
    polled.push(screens.find((screen) => screen.startedAt >= begin && screen.text.includes(marker))!.endedAt - begin);
    await tmux(server, ['send-keys', '-t', terminal.id, 'Enter']);
  }
  polling = false;
  await poller;
  await terminal.close({ kill: true });
  return { control_mode: spread(control), capture_poll_100ms: spread(polled) };
}

async function busyPanes(runtime: ReturnType<typeof createTmuxRuntime>, server: TmuxServer) {
  const lines = SECONDS * 10;
  const script = `i=0; while [ $i -lt ${lines} ]; do echo "pane line $i"; i=$((i+1)); sleep 0.1; done; sleep 60`;
  const terminals: Terminal[] = [];
  let received = 0;
  for (let i = 0; i < PANES; i++) {
    const terminal = await runtime.start({ name: `busy-${i}`, cwd: process.cwd(), command: ['sh', '-c', 'read go; eval "$1"', 'sh', script] });
    terminal.onOutput((chunk) => (received += chunk.split('\n').length - 1));
    terminals.push(terminal);
  }
  const serverPid = Number((await tmux(server, ['display-message', '-p', '#{pid}'])).trim());
  const clientPid = runtime.controlClientPids()[0];
  const before = { client: cpuMs(clientPid), server: cpuMs(serverPid), zoro: process.cpuUsage() };
  await Promise.all(terminals.map((terminal) => terminal.press('Enter'))); // all start together
  const deadline = performance.now() + SECONDS * 1000 + 2000;
  await until(() => received >= PANES * lines || performance.now() > deadline, 20, SECONDS * 1000 + 5000);
  const zoro = process.cpuUsage(before.zoro);
  const result = {
    panes: PANES,
    lines_per_second_each: 10,
    seconds: SECONDS,
    lines_received: received,
    cpu_ms: {
      control_client: difference(cpuMs(clientPid), before.client),
      tmux_server: difference(cpuMs(serverPid), before.server),
      zoro_process: Math.round((zoro.user + zoro.system) / 1000),
    },
  };
  for (const terminal of terminals) await terminal.close({ kill: true });
  return result;
}

const TICK_MS = (() => {
  try {
    return 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
  } catch {
    return 10; // the usual 100 Hz; only used to scale /proc figures
  }
})();

/** utime + stime of a process from /proc, in ms; null where /proc is missing. */
function cpuMs(pid: number | undefined): number | null {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return null;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

function difference(after: number | null, before: number | null): number | null {
  return after === null || before === null ? null : Math.round(after - before);
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10;
  return { median: at(0.5), p95: at(0.95), max: at(1) };
}

async function until(done: () => boolean, everyMs = 1, timeoutMs = 10_000): Promise<void> {
  const give = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > give) throw new Error('bench: timed out waiting for terminal output');
    await sleep(everyMs);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchTerminals(), null, 2));
}
