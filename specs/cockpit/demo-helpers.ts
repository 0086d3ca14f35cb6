/**
 * A REAL zoro as a child process for the cockpit's end-to-end specs: `zoro demo` (sim agents
 * in a private tmux server) or `zoro --config FILE`, its cockpit address read from what it
 * prints at start-up, and the API asked the way a script asks it (Bearer token).
 *
 *   const demo = await startDemo({ dir, plan: planFile });   // `cockpit: http://…/?token=…`
 *   after(() => demo.stop());                                 // SIGINT, then its tmux server
 *   const state = await demo.state();                         // GET /api/state
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { ApiState } from '../../actors/handle.js';
import { CliRun, killTmuxServer, within } from '../e2e/helpers.js';
import { raw, type RawResponse } from './helpers.js';

const START_MS = 30_000;
const STOP_MS = 15_000;

export interface RealZoro {
  cli: CliRun;
  /** The printed start-up address, token included. */
  url: string;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
  token: string;
  /** The demo's private tmux server (`tmux -L NAME`); null for a run without one. */
  tmuxSocket: string | null;
  /** A request with the Bearer token (and any other headers). */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RawResponse>;
  state(): Promise<ApiState>;
  /** SIGINT and wait for the exit (SIGKILL when it hangs), then end its tmux server. */
  stop(): Promise<void>;
}

/** `zoro demo --dir DIR --port 0 --plan PLAN`, once it has printed its cockpit and tmux lines. */
export async function startDemo(options: { dir: string; plan: string; extra?: string[] }): Promise<RealZoro> {
  const cli = new CliRun(['demo', '--dir', options.dir, '--port', '0', '--plan', options.plan, ...(options.extra ?? [])]);
  // What demo derives from its directory: the cleanup's fallback if the line never comes.
  const derived = `zoro-demo-${createHash('sha256').update(resolve(options.dir)).digest('hex').slice(0, 8)}`;
  try {
    const url = (await printed(cli, /^cockpit: (http:\/\/\S+)$/m))[1]!;
    const socket = (await printed(cli, /^watch the agents: tmux -L (\S+) attach/m))[1]!;
    return realZoro(cli, url, socket);
  } catch (error) {
    await stopCli(cli);
    await killTmuxServer(derived);
    throw error;
  }
}

/** `zoro --config FILE --port 0`: a run from an access.txt the spec wrote. */
export async function startWithConfig(configFile: string): Promise<RealZoro> {
  const cli = new CliRun(['--config', configFile, '--port', '0']);
  try {
    const url = (await printed(cli, /^cockpit: (http:\/\/\S+)$/m))[1]!;
    return realZoro(cli, url, null);
  } catch (error) {
    await stopCli(cli);
    throw error;
  }
}

function realZoro(cli: CliRun, url: string, tmuxSocket: string | null): RealZoro {
  const parsed = new URL(url);
  const token = parsed.searchParams.get('token') ?? '';
  const port = Number(parsed.port);
  const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const json = body === undefined ? undefined : JSON.stringify(body);
    return raw(port, method, path, { Authorization: `Bearer ${token}`, ...(json ? { 'Content-Type': 'application/json' } : {}), ...headers }, json);
  };
  return {
    cli,
    url,
    origin: parsed.origin,
    port,
    token,
    tmuxSocket,
    api,
    async state() {
      const res = await api('GET', '/api/state');
      if (res.status !== 200) throw new Error(`GET /api/state answered ${res.status}: ${res.text}`);
      return res.json<ApiState>();
    },
    async stop() {
      await stopCli(cli);
      if (tmuxSocket) await killTmuxServer(tmuxSocket);
    },
  };
}

/** Resolves with the first match of `pattern` in the child's stdout; rejects if it exits first. */
export function printed(cli: CliRun, pattern: RegExp, ms = START_MS): Promise<RegExpMatchArray> {
  const found = new Promise<RegExpMatchArray>((resolve, reject) => {
    const check = () => {
      const match = cli.stdout.match(pattern);
      if (!match) return;
      cli.child.stdout!.off('data', check);
      resolve(match);
    };
    cli.child.stdout!.on('data', check);
    check();
    void cli.exited.then((r) => reject(new Error(`zoro exited (${r.code ?? r.signal}) before printing ${pattern}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`)));
  });
  return within(found, ms, `zoro to print ${pattern}`).catch((error: Error) => {
    throw new Error(`${error.message}\nstdout:\n${cli.stdout}\nstderr:\n${cli.stderr}`);
  });
}

async function stopCli(cli: CliRun): Promise<void> {
  cli.kill('SIGINT');
  try {
    await within(cli.exited, STOP_MS, 'zoro to stop on SIGINT');
  } catch (error) {
    cli.kill('SIGKILL');
    await cli.exited;
    throw error;
  }
}
