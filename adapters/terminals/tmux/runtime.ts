/**
 * The tmux runtime: every agent zoro starts is a window of ONE tmux session (default
 * `zoro`), so one control client receives the output of all of them. Panes found by
 * `attach` in other sessions of the same server get a control client of their own, shared
 * by all panes of that session and closed when the last of them is released.
 */
import { randomBytes } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { TerminalError, errorMessage } from '../../../lib/errors.js';
import { workingDirectory } from '../cwd.js';
import { Listeners } from '../listeners.js';
import type { StartOptions, Terminal, TerminalExit, TerminalRuntime } from '../types.js';
import { ControlClient } from './control.js';
import {
  TmuxCommandError,
  assertEnvName,
  assertPlainName,
  assertWindowName,
  exitMarker,
  exitNonceOf,
  paneArgv,
  serverWentAway,
  tmux,
  type TmuxServer,
} from './exec.js';
import { EXIT_SUBSCRIPTION, PANE_FORMAT, exitFields, parsePaneLines, type PaneInfo } from './listing.js';
import { TmuxPane, type PaneHost } from './pane.js';

export interface TmuxRuntimeOptions {
  /** `tmux -L` socket name. @default the user's default tmux server */
  socketName?: string;
  /** The tmux session that holds zoro's windows. @default 'zoro' */
  sessionName?: string;
  /** @default 'tmux' */
  tmuxBinary?: string;
  /**
   * Flow control: tmux pauses a pane whose output has waited this long for zoro, rather
   * than buffering it for 5 minutes and then dropping the client. zoro resumes the pane at
   * once; what was held back is lost (an `output.paused` event says so). Short values lose
   * output on a busy machine: the age includes tmux's own delay in writing to zoro, and a
   * 5 MB burst on 2 cores shared with 3 busy processes was paused at 10 s. tmux itself stops
   * reading a pane whose output zoro has not taken yet, so nothing is lost before this.
   * @default 120
   */
  pauseAfterSeconds?: number;
  /** How long a tmux command may take. @default 10000 */
  commandTimeoutMs?: number;
}

/** What the runtime reports beyond single terminals. */
export type TmuxRuntimeEvent =
  | { type: 'client.exited'; session: string; reason: string; panes: string[] }
  | { type: 'output.paused'; pane: string }
  | { type: 'error'; message: string };

export interface TmuxRuntime extends TerminalRuntime {
  readonly name: 'tmux';
  readonly sessionName: string;
  readonly socketName: string | undefined;
  start(options: StartOptions): Promise<Terminal>;
  attach(options: { name: string; cwd: string }): Promise<Terminal | null>;
  onEvent(listener: (event: TmuxRuntimeEvent) => void): () => void;
  /** Process ids of the open control clients (for measuring their cost). */
  controlClientPids(): number[];
}

interface ClientEntry {
  sessionId: string;
  client: ControlClient;
  panes: Set<TmuxPane>;
  /** Holders: tracked panes plus starts/attaches under way. */
  refs: number;
  closing: boolean;
}

const WINDOW_SIZE = { columns: '200', rows: '50' };
/** Runs in a new window until the real command replaces it (see `start`). */
const PLACEHOLDER = ['sleep', '86400'];
let bufferCounter = 0;

/** @example const tmux = createTmuxRuntime({ socketName: 'zoro' }); const t = await tmux.start({ name: 'api', cwd, command: ['claude'] }); */
export function createTmuxRuntime(options: TmuxRuntimeOptions = {}): TmuxRuntime {
  const sessionName = options.sessionName ?? 'zoro';
  assertPlainName(sessionName, 'tmux session name');
  if (options.socketName !== undefined) assertPlainName(options.socketName, 'tmux socket name');
  const server: TmuxServer = { binary: options.tmuxBinary ?? 'tmux', socketName: options.socketName };
  const flags = `ignore-size,pause-after=${options.pauseAfterSeconds ?? 120}`;
  const commandTimeoutMs = options.commandTimeoutMs ?? 10_000;

  const opening = new Map<string, Promise<ClientEntry>>();
  const entries = new Map<string, ClientEntry>();
  const panes = new Map<string, TmuxPane>();
  const events = new Listeners<TmuxRuntimeEvent>();
  let disposed = false;
  let startChain: Promise<unknown> = Promise.resolve();

  const host: PaneHost = {
    run(pane, args, label) {
      const entry = entries.get(pane.sessionId);
      if (!entry || entry.closing) {
        return Promise.reject(new TerminalError('tmux', `pane ${pane.id}: its control client is gone; attach to it again`));
      }
      return entry.client.run(args, { label });
    },
    async release(pane, { kill }) {
      untrack(pane);
      if (kill) await killPane(pane.id);
    },
    bufferName: () => `zoro-${process.pid}-${++bufferCounter}`,
  };

  function assertOpen(): void {
    if (disposed) throw new TerminalError('tmux', 'this tmux runtime was disposed; create a new one');
  }

  async function openClient(sessionId: string): Promise<ClientEntry> {
    const { client } = await ControlClient.open({ server, target: sessionId, flags, commandTimeoutMs });
    const entry: ClientEntry = { sessionId, client, panes: new Set(), refs: 0, closing: false };
    client.onNotification((note) => {
      switch (note.kind) {
        case 'output': {
          const pane = panes.get(note.pane);
          // A window linked into two sessions reaches both clients: take it from its own.
          if (pane && pane.sessionId === sessionId) pane.receive(note.data);
          return;
        }
        case 'subscription': {
          const pane = panes.get(note.pane);
          const { dead, exit } = exitFields(note.value);
          if (pane && note.name === EXIT_SUBSCRIPTION.name && dead) endPane(entry, pane, exit);
          return;
        }
        case 'pause':
          events.emit({ type: 'output.paused', pane: note.pane });
          client.run(['refresh-client', '-A', `${note.pane}:continue`]).catch((error: unknown) => report(error));
          return;
        case 'window-closed':
        case 'layout-change':
        case 'sessions-changed':
          reconcile(entry);
          return;
        default:
          return;
      }
    });
    client.onExit((reason) => {
      if (entry.closing) return;
      entries.delete(sessionId);
      opening.delete(sessionId);
      const lost = [...entry.panes];
      for (const pane of lost) {
        panes.delete(pane.id);
        pane.ended({ code: null, reason: `lost the tmux control client (${reason}); the program may still run: attach again` });
      }
      events.emit({ type: 'client.exited', session: sessionId, reason, panes: lost.map((pane) => pane.id) });
    });
    await client.run(['refresh-client', '-B', `${EXIT_SUBSCRIPTION.name}:%*:${EXIT_SUBSCRIPTION.format}`]);
    entries.set(sessionId, entry);
    return entry;
  }

  /** A live control client for the session, with one more holder. */
  async function acquire(sessionId: string): Promise<ClientEntry> {
    for (;;) {
      let pending = opening.get(sessionId);
      if (!pending) {
        const created = openClient(sessionId);
        pending = created;
        opening.set(sessionId, created);
        created.then(undefined, () => opening.get(sessionId) === created && opening.delete(sessionId));
      }
      const entry = await pending;
      if (!entry.closing && !entry.client.exited) {
        entry.refs += 1;
        return entry;
      }
      if (opening.get(sessionId) === pending) opening.delete(sessionId);
    }
  }

  function releaseEntry(entry: ClientEntry): void {
    entry.refs -= 1;
    if (entry.refs > 0 || entry.closing) return;
    entry.closing = true;
    opening.delete(entry.sessionId);
    entries.delete(entry.sessionId);
    entry.client.close().catch((error: unknown) => report(error));
  }

  function track(entry: ClientEntry, info: Pick<PaneInfo, 'paneId' | 'windowId'>, exitNonce: string | null): TmuxPane {
    const pane = new TmuxPane(info.paneId, info.windowId, entry.sessionId, host, exitNonce === null ? null : exitMarker(exitNonce));
    panes.set(pane.id, pane);
    entry.panes.add(pane);
    return pane;
  }

  function untrack(pane: TmuxPane): void {
    if (panes.get(pane.id) === pane) panes.delete(pane.id);
    const entry = entries.get(pane.sessionId);
    if (entry?.panes.delete(pane)) releaseEntry(entry);
  }

  async function killPane(paneId: string): Promise<void> {
    try {
      await tmux(server, ['kill-pane', '-t', paneId], { timeoutMs: commandTimeoutMs });
    } catch (error) {
      // Already gone is what we wanted.
      if (error instanceof TmuxCommandError && (error.noServer || /can't find pane/.test(error.stderr))) return;
      throw error;
    }
  }

  /** Panes of the whole server, through a live client if there is one. */
  async function listPanes(): Promise<PaneInfo[]> {
    const entry = [...entries.values()].find((candidate) => !candidate.closing);
    if (entry) return parsePaneLines(await entry.client.run(['list-panes', '-a', '-F', PANE_FORMAT]));
    try {
      return parsePaneLines((await tmux(server, ['list-panes', '-a', '-F', PANE_FORMAT])).split('\n'));
    } catch (error) {
      if (error instanceof TmuxCommandError && error.noServer) return [];
      throw error;
    }
  }

  /** After a window or layout change: tracked panes that died or vanished get onExit. */
  let reconciling: Promise<void> | null = null;
  let reconcileAgain = false;
  function reconcile(entry: ClientEntry): void {
    if (reconciling) {
      reconcileAgain = true;
      return;
    }
    reconciling = (async () => {
      do {
        reconcileAgain = false;
        const listed = new Map(parsePaneLines(await entry.client.run(['list-panes', '-a', '-F', PANE_FORMAT])).map((info) => [info.paneId, info]));
        for (const pane of panes.values()) {
          const info = listed.get(pane.id);
          if (!info) pane.ended({ code: null, reason: 'the tmux pane was closed' });
          else if (info.dead) endPane(entry, pane, info.exit);
        }
      } while (reconcileAgain && !entry.client.exited);
    })()
      // A client that exits mid-way reports its panes through onExit instead.
      .catch((error: unknown) => (entry.client.exited ? undefined : report(error)))
      .finally(() => {
        reconciling = null;
      });
  }

  /** A dead pane's exit; when tmux has not reaped the program yet, ask again shortly. */
  function endPane(entry: ClientEntry, pane: TmuxPane, exit: TerminalExit | null): void {
    if (exit) return pane.ended(exit);
    void (async () => {
      for (let attempt = 0; attempt < 20 && pane.alive() && !entry.client.exited; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const [value = ''] = await entry.client.run(['display-message', '-p', '-t', pane.id, EXIT_SUBSCRIPTION.format]);
        const fields = exitFields(value);
        if (fields.exit) return pane.ended(fields.exit);
      }
      pane.ended({ code: null, reason: 'exited (tmux did not report a status)' });
    })().catch((error: unknown) => {
      pane.ended({ code: null, reason: `exited (status unknown: ${errorMessage(error)})` });
    });
  }

  function report(error: unknown): void {
    events.emit({ type: 'error', message: errorMessage(error) });
  }

  /** The zoro session's id, or null when it (or the whole server) does not exist. */
  async function zoroSessionId(): Promise<string | null> {
    try {
      return (await tmux(server, ['display-message', '-p', '-t', `=${sessionName}:`, '#{session_id}'])).trim() || null;
    } catch (error) {
      if (error instanceof TmuxCommandError && (error.noServer || /can't find session/.test(error.stderr))) return null;
      throw error;
    }
  }

  /**
   * A new window running a placeholder. The real command replaces it only after
   * `remain-on-exit` is on and a control client listens, so neither the first output nor
   * the exit status of a program that ends at once is missed.
   */
  async function openWindow(name: string, cwd: string): Promise<{ entry: ClientEntry; info: PaneInfo }> {
    const sessionId = await zoroSessionId();
    if (sessionId === null) {
      const out = await tmux(server, [
        'new-session', '-d', '-s', sessionName, '-x', WINDOW_SIZE.columns, '-y', WINDOW_SIZE.rows,
        '-n', name, '-c', cwd, '-P', '-F', PANE_FORMAT, ...PLACEHOLDER,
      ]);
      const [info] = parsePaneLines(out.split('\n'));
      if (!info) throw new TerminalError('tmux', `new-session did not report its pane: ${JSON.stringify(out)}`);
      const entry = await acquire(info.sessionId).catch(async (error: unknown) => {
        await killPane(info.paneId); // the placeholder, so a retry does not trip over its name
        throw error;
      });
      return holding(entry, async () => {
        // Windows made later take this size while no client of a real terminal is attached.
        await entry.client.run(['set-option', '-t', info.sessionId, 'default-size', `${WINDOW_SIZE.columns}x${WINDOW_SIZE.rows}`]);
        return { entry, info };
      });
    }
    const entry = await acquire(sessionId);
    return holding(entry, async () => {
      const same = (await listPanes()).filter((info) => info.sessionId === sessionId && info.windowName === name);
      if (same.some((info) => !info.dead)) {
        throw new TerminalError('tmux', `a window named ${JSON.stringify(name)} already runs in tmux session ${sessionName}: attach to it, or close it first`);
      }
      const lines = await entry.client.run(['new-window', '-d', '-t', `${sessionId}:`, '-n', name, '-c', cwd, '-P', '-F', PANE_FORMAT, ...PLACEHOLDER]);
      const [info] = parsePaneLines(lines);
      if (!info) throw new TerminalError('tmux', `new-window did not report its pane: ${JSON.stringify(lines)}`);
      // An earlier agent of this name that has exited: its window goes, so names stay unique.
      for (const dead of same) await entry.client.run(['kill-window', '-t', dead.windowId]);
      return { entry, info };
    });
  }

  async function retryIfServerWentAway<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (attempt === 3 || !serverWentAway(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }

  /** Run `work` holding `entry`; let go of it if `work` fails. */
  async function holding<T>(entry: ClientEntry, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      releaseEntry(entry);
      throw error;
    }
  }

  async function start(options: StartOptions): Promise<Terminal> {
    assertOpen();
    assertWindowName(options.name);
    const nonce = `zoro-${randomBytes(8).toString('hex')}`;
    const argv = paneArgv(options.command, nonce);
    const env = Object.entries(options.env ?? {});
    for (const [key] of env) assertEnvName(key);
    const cwd = await workingDirectory(options.cwd, 'tmux');
    const run = startChain.then(async () => {
      const { entry, info } = await retryIfServerWentAway(() => openWindow(options.name, cwd));
      const pane = track(entry, info, nonce); // the pane now holds the client acquire() gave
      try {
        await entry.client.run(['set-option', '-p', '-t', pane.id, 'remain-on-exit', 'on']);
        const envArgs = env.flatMap(([key, value]) => ['-e', `${key}=${value}`]);
        // Labelled without its arguments: the environment may carry secrets.
        await entry.client.run(['respawn-pane', '-k', '-t', pane.id, '-c', cwd, ...envArgs, ...argv], { label: 'respawn-pane' });
      } catch (error) {
        await pane.close({ kill: true });
        throw error;
      }
      return pane;
    });
    startChain = run.then(undefined, () => undefined);
    return run;
  }

  async function attach(options: { name: string; cwd: string }): Promise<Terminal | null> {
    assertOpen();
    return retryIfServerWentAway(() => attachOnce(options));
  }

  async function attachOnce(options: { name: string; cwd: string }): Promise<Terminal | null> {
    const live = (await listPanes()).filter((info) => !info.dead);
    let found = live.find((info) => info.sessionName === sessionName && info.windowName === options.name);
    if (!found) {
      // A directory that does not exist is no pane's directory: nothing to attach to.
      const wanted = await realpath(options.cwd).catch(() => null);
      const inZoroFirst = [...live].sort((a, b) => Number(b.sessionName === sessionName) - Number(a.sessionName === sessionName));
      found = wanted === null ? undefined : inZoroFirst.find((info) => info.path === wanted);
    }
    if (!found) return null;
    const existing = panes.get(found.paneId);
    if (existing) return existing;
    const entry = await acquire(found.sessionId);
    // A pane zoro started earlier still reports its exit the fast way, if we know its nonce.
    const [startCommand = ''] = await holding(entry, () => entry.client.run(['display-message', '-p', '-t', found.paneId, '#{pane_start_command}']));
    return track(entry, found, exitNonceOf(startCommand));
  }

  async function dispose(): Promise<void> {
    disposed = true;
    for (const pane of panes.values()) pane.detach();
    panes.clear();
    const open = [...entries.values()];
    entries.clear();
    opening.clear();
    for (const entry of open) entry.closing = true;
    await Promise.all(open.map((entry) => entry.client.close()));
  }

  return {
    name: 'tmux',
    sessionName,
    socketName: options.socketName,
    start,
    attach,
    dispose,
    onEvent: (listener) => events.add(listener),
    controlClientPids: () => [...entries.values()].flatMap((entry) => (entry.client.pid === undefined ? [] : [entry.client.pid])),
  };
}
