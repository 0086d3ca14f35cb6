/**
 * The iTerm2 runtime: finds the tabs where the user already runs agents, by working
 * directory, and drives them through iTerm2's scripting API.
 *
 * One connection serves every session. It subscribes once to new-session,
 * terminate-session, screen updates (session "all") and `path` changes (identifier "all"),
 * and keeps the session index current from them: a closed tab ends its Terminal with reason
 * 'closed'; a tab whose directory changes away ends it with 'moved'; a tab that comes to
 * match a directory is announced through `onSessionAppeared`, so the zoro session can attach
 * again.
 *
 * @example
 *   const runtime = createIterm2Runtime({ socketPath: settings.iterm2_socket });
 *   const terminal = await runtime.attach({ name: 'api', cwd: '/Users/me/src/api' });
 */
import { errorMessage } from '../../../lib/errors.js';
import type { StartOptions, Terminal, TerminalRuntime } from '../types.js';
import { createTab, parseJson, setSessionName, setVariable, subscribe } from './api.js';
import { systemClock, type Clock } from './clock.js';
import { Iterm2Connection, type ConnectionEvent, type Iterm2ConnectionOptions } from './connection.js';
import { defaultCredentialSource, type CredentialSource } from './credentials.js';
import { Iterm2Error } from './errors.js';
import { Listeners } from '../listeners.js';
import { NotificationType, type Notification } from './protocol.js';
import { PATH_VARIABLE, rankCandidates, resolveDirectory, SessionIndex, TAG_VARIABLE, type KnownSession } from './sessions.js';
import { Iterm2Terminal, type TerminalHost } from './terminal.js';
import { commandLine } from './command-line.js';
import { defaultIterm2SocketPath } from './socket-path.js';

export interface Iterm2RuntimeOptions {
  /** iTerm2's API socket (`iterm2_socket` in access.txt). Default: iTerm2's standard path. */
  socketPath?: string;
  /** Where cookies come from. Default: ITERM2_COOKIE/ITERM2_KEY once, then osascript. */
  credentials?: CredentialSource;
  /**
   * When no tab matches, `attach` opens one running `agentCommand` (`auto_create = true`):
   * for every zoro session, or for those the function picks. Default: never.
   */
  autoCreate?: boolean | ((target: { name: string; cwd: string }) => boolean);
  /** The agent to run in tabs that `attach` opens: argv, or argv per zoro session. */
  agentCommand?: AgentLaunch | ((target: { name: string; cwd: string }) => AgentLaunch | null);
  clock?: Clock;
  /** Also reachable through `runtime.onWarning`. */
  onWarning?: (message: string) => void;
  /** Connection tuning (timeouts, backoff, the iTerm2-running probe); specs shorten these. */
  connection?: Pick<Iterm2ConnectionOptions, 'requestTimeoutMs' | 'handshakeTimeoutMs' | 'reconnect' | 'isIterm2Running' | 'appName'>;
  /** Home directory for `~` in paths. */
  home?: string;
}

/** The agent's argv, or argv plus environment (an agent profile's `launch` result). */
export type AgentLaunch = string[] | { command: string[]; env?: Record<string, string> };

export interface SessionAppeared {
  /** The iTerm2 session that now has the directory. */
  sessionId: string;
  cwd: string;
}

export interface Iterm2Runtime extends TerminalRuntime {
  readonly name: 'iterm2';
  attach(options: { name: string; cwd: string }): Promise<Terminal | null>;
  onSessionAppeared(cwd: string, listener: (appeared: SessionAppeared) => void): () => void;
  /** Several tabs in one directory, a listener that threw, a screen that could not be read… */
  onWarning(listener: (message: string) => void): () => void;
  /** The connection dropped, failed to come back, or came back. */
  onConnection(listener: (event: ConnectionEvent) => void): () => void;
  /** Connects now (otherwise the first call connects); throws the Iterm2Error that names the fix. */
  ready(): Promise<void>;
  /** Every iTerm2 session as zoro sees it, re-read from iTerm2 now. */
  listSessions(): Promise<KnownSession[]>;
}

export function createIterm2Runtime(options: Iterm2RuntimeOptions): Iterm2Runtime {
  return new Iterm2RuntimeImpl(options);
}

class Iterm2RuntimeImpl implements Iterm2Runtime, TerminalHost {
  readonly name = 'iterm2' as const;
  private connecting: Promise<Iterm2Connection> | null = null;
  private disposed = false;
  private readonly clock: Clock;
  private readonly index: SessionIndex;
  private readonly terminals = new Map<string, Set<Iterm2Terminal>>();
  private readonly appeared = new Map<string, Listeners<SessionAppeared>>();
  private readonly warnings = new Listeners<string>();
  private readonly connectionEvents = new Listeners<ConnectionEvent>();

  constructor(private readonly options: Iterm2RuntimeOptions) {
    this.clock = options.clock ?? systemClock;
    this.index = new SessionIndex(options.home);
    if (options.onWarning) this.warnings.add(options.onWarning);
  }

  async ready(): Promise<void> {
    await this.connection();
  }

  connection(): Promise<Iterm2Connection> {
    if (this.disposed) return Promise.reject(new Iterm2Error('disconnected', 'the iTerm2 runtime was disposed'));
    this.connecting ??= this.connect().catch((error: unknown) => {
      // Let the next call try again; this one reports why it failed.
      this.connecting = null;
      throw error;
    });
    return this.connecting;
  }

  async listSessions(): Promise<KnownSession[]> {
    await this.resync(await this.connection());
    return this.index.all();
  }

  async attach(target: { name: string; cwd: string }): Promise<Terminal | null> {
    const connection = await this.connection();
    // Notifications keep the index current; re-reading here also covers any that were lost.
    await this.resync(connection);
    const cwd = resolveDirectory(target.cwd, this.options.home);
    const { ranked, why } = rankCandidates(this.index.candidates(cwd), target.name);
    const chosen = ranked[0];
    if (!chosen) {
      const autoCreate = this.options.autoCreate;
      if (!(typeof autoCreate === 'function' ? autoCreate(target) : autoCreate)) return null;
      const launch = this.agentLaunchFor(target);
      if (launch) return this.start({ name: target.name, cwd: target.cwd, ...launch });
      this.warn(`no iTerm2 session is in ${cwd} and auto_create has no agent command to open one for ${target.name}`);
      return null;
    }
    if (ranked.length > 1) {
      this.warn(
        `${ranked.length} iTerm2 sessions are in ${cwd} (${ranked.map((known) => known.id).join(', ')}); ` +
          `zoro session ${target.name} uses ${chosen.id}, ${why}`,
      );
    }
    await this.tag(connection, chosen.id, target.name);
    return this.watch(chosen.id, cwd);
  }

  async start(options: StartOptions): Promise<Terminal> {
    const connection = await this.connection();
    const cwd = resolveDirectory(options.cwd, this.options.home);
    const tab = await createTab(connection, { cwd, commandLine: commandLine(options.command, options.env) });
    await setSessionName(connection, tab.sessionId, options.name);
    await this.tag(connection, tab.sessionId, options.name);
    // The new-session notification may still be on its way; index the tab now.
    if (!this.index.has(tab.sessionId)) await this.index.add(connection, tab.sessionId);
    return this.watch(tab.sessionId, cwd);
  }

  onSessionAppeared(cwd: string, listener: (appeared: SessionAppeared) => void): () => void {
    const key = resolveDirectory(cwd, this.options.home);
    let listeners = this.appeared.get(key);
    if (!listeners) {
      listeners = new Listeners<SessionAppeared>();
      this.appeared.set(key, listeners);
    }
    return listeners.add(listener);
  }

  onWarning(listener: (message: string) => void): () => void {
    return this.warnings.add(listener);
  }

  onConnection(listener: (event: ConnectionEvent) => void): () => void {
    return this.connectionEvents.add(listener);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const set of this.terminals.values()) for (const terminal of [...set]) terminal.stopWatching();
    const connecting = this.connecting;
    this.connecting = null;
    if (!connecting) return;
    const connection = await connecting.catch(() => null);
    await connection?.close();
  }

  release(terminal: Iterm2Terminal): void {
    const set = this.terminals.get(terminal.id);
    set?.delete(terminal);
    if (set?.size === 0) this.terminals.delete(terminal.id);
  }

  warn(message: string): void {
    this.warnings.emit(message);
  }

  private async connect(): Promise<Iterm2Connection> {
    const connection = await Iterm2Connection.open({
      ...this.options.connection,
      socketPath: this.options.socketPath ?? defaultIterm2SocketPath(),
      credentials: this.options.credentials ?? defaultCredentialSource({ onFailure: (message) => this.warn(message) }),
      clock: this.clock,
    });
    connection.onNotification((notification) => void this.handle(connection, notification));
    connection.onEvent((event) => void this.onConnectionEvent(connection, event));
    try {
      await this.subscribeAll(connection);
      await this.index.refresh(connection);
    } catch (error) {
      await connection.close();
      throw error;
    }
    if (this.disposed) await connection.close();
    return connection;
  }

  private async subscribeAll(connection: Iterm2Connection): Promise<void> {
    await subscribe(connection, NotificationType.NEW_SESSION);
    await subscribe(connection, NotificationType.TERMINATE_SESSION);
    await subscribe(connection, NotificationType.SCREEN_UPDATE, { session: 'all' });
    try {
      await subscribe(connection, NotificationType.VARIABLE_CHANGE, { variable: { name: PATH_VARIABLE, identifier: 'all' } });
    } catch (error) {
      // An iTerm2 that cannot watch `path` everywhere still works: attach re-reads every
      // session's directory, so only the live "moved"/"appeared" events are lost.
      if (!(error instanceof Iterm2Error && error.reason === 'request_failed')) throw error;
      this.warn(`iTerm2 would not report directory changes (${errorMessage(error)}); tabs that cd are noticed only on attach`);
    }
  }

  private async onConnectionEvent(connection: Iterm2Connection, event: ConnectionEvent): Promise<void> {
    if (event.type === 'listener_failed') {
      this.warn(`an iTerm2 notification handler failed: ${errorMessage(event.error)}`);
      return;
    }
    this.connectionEvents.emit(event);
    if (event.type !== 'reconnected') return;
    // Subscriptions belong to a connection: make them again, then catch up on what
    // happened while zoro was away (tabs closed, tabs opened, screens changed).
    try {
      await this.subscribeAll(connection);
      await this.resync(connection);
      for (const set of this.terminals.values()) for (const terminal of [...set]) terminal.screenChanged();
    } catch (error) {
      this.warn(`could not resume after reconnecting to iTerm2: ${errorMessage(error)}`);
    }
  }

  /** Re-reads every session: ends Terminals whose tab is gone, announces new matches. */
  private async resync(connection: Iterm2Connection): Promise<void> {
    const changed = await this.index.refresh(connection);
    for (const [id, set] of this.terminals) {
      const path = this.index.get(id)?.path;
      for (const terminal of [...set]) {
        if (path === undefined) terminal.ended('closed');
        else if (path !== null && path !== terminal.cwd) terminal.ended('moved');
      }
    }
    for (const known of changed) if (known.path) this.announce(known.id, known.path);
  }

  private async handle(connection: Iterm2Connection, notification: Notification): Promise<void> {
    try {
      const screen = notification.screenUpdateNotification;
      if (screen?.session) {
        this.index.touch(screen.session, this.clock.now());
        for (const terminal of this.terminals.get(screen.session) ?? []) terminal.screenChanged();
      }
      const created = notification.newSessionNotification?.sessionId;
      if (created) {
        const known = await this.index.add(connection, created);
        if (known?.path) this.announce(known.id, known.path);
      }
      const terminated = notification.terminateSessionNotification?.sessionId;
      if (terminated) {
        this.index.remove(terminated);
        for (const terminal of [...(this.terminals.get(terminated) ?? [])]) terminal.ended('closed');
      }
      const variable = notification.variableChangedNotification;
      if (variable?.identifier && variable.name === PATH_VARIABLE) {
        const known = this.index.setPath(variable.identifier, parseJson('path', variable.jsonNewValue ?? 'null'));
        if (!known?.path) return;
        for (const terminal of [...(this.terminals.get(known.id) ?? [])]) if (terminal.cwd !== known.path) terminal.ended('moved');
        this.announce(known.id, known.path);
      }
    } catch (error) {
      this.warn(`could not handle an iTerm2 notification: ${errorMessage(error)}`);
    }
  }

  private announce(sessionId: string, cwd: string): void {
    this.appeared.get(cwd)?.emit({ sessionId, cwd });
  }

  private async tag(connection: Iterm2Connection, sessionId: string, name: string): Promise<void> {
    if (await setVariable(connection, sessionId, TAG_VARIABLE, name)) this.index.setTag(sessionId, name);
  }

  private async watch(sessionId: string, cwd: string): Promise<Terminal> {
    const terminal = new Iterm2Terminal(sessionId, cwd, this);
    let set = this.terminals.get(sessionId);
    if (!set) {
      set = new Set();
      this.terminals.set(sessionId, set);
    }
    set.add(terminal);
    try {
      await terminal.begin();
    } catch (error) {
      terminal.stopWatching();
      throw error;
    }
    return terminal;
  }

  private agentLaunchFor(target: { name: string; cwd: string }): { command: string[]; env?: Record<string, string> } | null {
    const option = this.options.agentCommand;
    const launch = typeof option === 'function' ? option(target) : option;
    if (!launch) return null;
    const normalized = Array.isArray(launch) ? { command: launch } : launch;
    return normalized.command.length > 0 ? normalized : null;
  }
}
