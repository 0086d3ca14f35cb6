/**
 * The composition root: config, store, terminals, agents and providers joined to the
 * machines, one root actor started, and the handle the cockpit and CLI use.
 *
 *   const zoro = await startZoro({ config, configFile });
 *   await zoro.settled();          // every ticket done / failed / escalated / blocked / cancelled
 *   await zoro.stop();
 */
import { createActor, sendParent, type Actor, type InspectionEvent } from 'xstate';
import type { ZoroConfig } from '../adapters/config/types.js';
import type { Key, Terminal, TerminalRuntime } from '../adapters/terminals/types.js';
import { sanitizeText } from '../lib/sanitize.js';
import { createFileStore } from '../adapters/store/index.js';
import type { Store } from '../adapters/store/types.js';
import { profileFor } from '../adapters/agents/index.js';
import { claudeSessionExists } from '../adapters/agents/claude/index.js';
import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { sessionMachine } from '../machines/session.js';
import { ticketMachine } from '../machines/ticket.js';
import { pollerMachine } from '../machines/poller.js';
import { orchestratorMachine, type OrchestratorContext, type OrchestratorEvent } from '../machines/orchestrator.js';
import type { ZoroEvent } from '../lib/events.js';
import type { TicketRecord } from '../lib/ticket.js';
import { SETTLED } from '../lib/ticket.js';
import { UsageError } from '../lib/errors.js';
import { assertAccepts } from '../machines/session-table.js';
import { zoroCommand } from '../lib/self.js';
import { ScreenBuffer } from './screen.js';
import { createTerminalLogic, type CutDelivery, type SessionRuntimeSpec } from './session.js';
import { createTicketLogic } from './ticket.js';
import { createPollLogic } from './poller.js';
import { ProviderSet } from './providers.js';
import { RuntimeSet } from './runtimes.js';
import { settingsFrom, sessionSpecs, providerSpecs } from './specs.js';
import { apiState, runSummary, type RunSummary } from './view.js';
import { ActorWatch } from './inspect.js';
import type { ApiState, NewTicketRequest, PushMessage, ZoroHandle } from './handle.js';
import { packageVersion } from './version.js';

export interface ZoroOptions {
  config: ZoroConfig;
  /** Re-read each poll cycle and on change (hot reload); null for a generated config. */
  reload?: () => Promise<ZoroConfig>;
  /** Runtimes to use instead of creating them (specs, the iTerm2 fake). */
  runtimes?: Partial<Record<'tmux' | 'pty' | 'iterm2', TerminalRuntime>>;
  /** tmux server for sessions zoro starts (`-L NAME`); default: the user's default server. */
  tmuxSocket?: string;
  /** Every logged event, as it happens (progress output). */
  onEvent?: (event: ZoroEvent) => void;
  /** Extra inspection (Stately's inspector via `--inspect`). */
  inspect?: (event: InspectionEvent) => void;
  /** Poll each provider once, then no more (`zoro --once`). */
  once?: boolean;
  store?: Store;
}

export interface Zoro {
  handle: ZoroHandle;
  store: Store;
  /** Resolves when every known ticket has settled and no session holds one. */
  settled(): Promise<RunSummary>;
  summary(): RunSummary;
  context(): OrchestratorContext;
  /** The config in force (hot reload replaces it). */
  config(): ZoroConfig;
  /** Append to the event log (and the cockpit's stream). */
  log(entry: Omit<ZoroEvent, 'seq' | 'at'>): ZoroEvent;
  send(event: OrchestratorEvent): void;
  stop(options?: { killAgents?: boolean }): Promise<void>;
}

export async function startZoro(options: ZoroOptions): Promise<Zoro> {
  let config = options.config;
  const startedAt = new Date();
  const store = options.store ?? createFileStore({ dir: config.zoro.data_dir });
  const stored = await store.load();
  const openJournal = new Set(stored.journal.map((e) => e.id));
  // Prompt deliveries the last run began and never ended, by session (see SessionDeps.journal.cut).
  const cutPrompts = new Map<string, CutDelivery[]>();
  for (const e of stored.journal) {
    if (e.kind !== 'prompt' || !e.session) continue;
    cutPrompts.set(e.session, [...(cutPrompts.get(e.session) ?? []), { id: e.id, ticket: e.ticket, attempt: e.attempt ?? 0 }]);
  }
  const listeners = new Set<(message: PushMessage) => void>();
  const screens = new Map<string, ScreenBuffer>();
  const terminals = new Map<string, Terminal>();
  const providers = new ProviderSet(config, (provider, message) => log({ type: 'provider.notice', provider, message }));
  const runtimes = new RuntimeSet(config, {
    given: options.runtimes,
    tmuxSocket: options.tmuxSocket,
    iterm2: {
      autoCreate: (target) => spec(target.name)?.options.auto_create === 'true',
      agentCommand: (target) => {
        const s = spec(target.name);
        return s ? launchEnv(s) : null;
      },
      onWarning: (message) => log({ type: 'terminal.warning', message: `iTerm2: ${message}` }),
    },
  });
  const now = () => new Date().toISOString();

  const screen = (name: string) => {
    let buffer = screens.get(name);
    if (!buffer) {
      buffer = new ScreenBuffer({
        readySignal: config.zoro.ready_signal,
        bufferLines: config.zoro.buffer_lines,
        errorRepeatThreshold: config.zoro.error_repeat_threshold,
        errorWindowLines: config.zoro.error_window_lines,
      });
      screens.set(name, buffer);
    }
    return buffer;
  };

  const log = (entry: Omit<ZoroEvent, 'seq' | 'at'>) => {
    const event = store.append(entry);
    options.onEvent?.(event);
    for (const listener of listeners) listener({ type: 'event', event });
    return event;
  };

  // Claude Code sessions zoro starts keep one conversation id across restarts (--resume).
  const claudeIds = new Map<string, { id: string; resume: boolean }>();
  for (const s of config.sessions.filter((x) => x.agent === 'claude' && !x.options.claude_session_id)) {
    const id = stored.sessions.find((r) => r.name === s.name)?.claude_session_id ?? randomUUID();
    const home = s.options.anthropic_base_url ? (s.options.claude_home ?? join(config.zoro.data_dir, 'claude-home')) : homedir();
    claudeIds.set(s.name, { id, resume: await claudeSessionExists(id, home) });
  }
  const claudeOptions = (s: SessionRuntimeSpec): Record<string, string> => {
    if (s.agent !== 'claude' || s.options.claude_session_id) return {};
    let entry = claudeIds.get(s.name);
    if (!entry) claudeIds.set(s.name, (entry = { id: randomUUID(), resume: false }));
    const options = { claude_session_id: entry.id, ...(entry.resume ? { claude_resume: 'true' } : {}) };
    entry.resume = true; // a restart of this agent within the run continues the conversation
    return options;
  };

  /** How a session's agent starts: its profile's argv and env, plus how to reach zoro. */
  function launchEnv(s: SessionRuntimeSpec): { command: string[]; env: Record<string, string> } {
    const launch = profileFor(s.agent).launch({
      session: s.name,
      repoPath: s.repo_path,
      zoroCommand: zoroCommand(),
      dataDir: config.zoro.data_dir,
      options: { ...s.options, ...claudeOptions(s), ready_signal: config.zoro.ready_signal },
    });
    return { command: launch.command, env: { ...launch.env, ZORO_SESSION: s.name, ZORO_DATA_DIR: config.zoro.data_dir } };
  }

  const spec = (name: string): SessionRuntimeSpec | null => {
    const s = config.sessions.find((x) => x.name === name);
    return s ? { name: s.name, repo_path: s.repo_path, agent: s.agent, runtime: s.runtime, options: s.options } : null;
  };

  const terminal = createTerminalLogic({
    spec,
    runtime: (name) => runtimes.get(name),
    profile: (agent) => profileFor(agent),
    screen,
    terminals,
    launchEnv,
    journal: {
      begin: (e) => store.journalBegin(e),
      end: (id) => store.journalEnd(id),
      cut: (session) => {
        const cut = cutPrompts.get(session) ?? [];
        cutPrompts.delete(session);
        return cut;
      },
    },
    warn: (session, message) => log({ type: 'session.warning', session, message }),
    settings: {
      readyTimeoutMs: 60_000,
      noFileChangeMs: config.zoro.no_file_change_minutes * 60_000,
      reconnectBaseMs: 2_000,
    },
  });

  const ticketLogic = createTicketLogic({
    provider: (name) => providers.get(name),
    now,
    dataDir: config.zoro.data_dir,
    signalTimeoutMs: 10 * 60_000,
    journal: { begin: (e) => store.journalBegin(e), end: (id) => store.journalEnd(id) },
    openWriteBacks: new Set([...openJournal].filter((id) => id.startsWith('writeback:'))),
    log: (e) => log(e),
  });

  // Children report to the orchestrator; the machines leave `report` as a stub for this.
  const report = sendParent((_: unknown, params: { type: string }) => params) as never;
  const machine = orchestratorMachine.provide({
    actors: {
      session: sessionMachine.provide({ actors: { terminal }, actions: { report } }),
      ticket: ticketMachine.provide({
        actors: { details: ticketLogic.details, verify: ticketLogic.verify, review: ticketLogic.review, writeBack: ticketLogic.writeBack },
        actions: { report, escalate: (_: unknown, record: TicketRecord) => ticketLogic.escalate(record) },
      }),
      poller: pollerMachine.provide({
        actors: { poll: createPollLogic({ provider: (name) => providers.get(name), globalId: (p, id) => providers.globalId(p, id), now }) },
        actions: { report },
      }),
    },
  });

  const watch = new ActorWatch((view) => {
    if (listeners.size === 0) return;
    const state = currentState();
    for (const listener of listeners) listener({ type: 'snapshot', actor: view, state });
  });

  const actor: Actor<typeof machine> = createActor(machine, {
    // Named, so the inspector lists `orchestrator` beside `session:…` rather than `x:0`.
    id: 'orchestrator',
    input: {
      clock: { now },
      settings: settingsFrom(config),
      tickets: stored.tickets as TicketRecord[],
      repos: Object.fromEntries(config.sessions.map((s) => [s.name, s.repo_path])),
    },
    inspect: (event) => {
      watch.inspect(event);
      options.inspect?.(event);
    },
  });
  actor.on('log', ({ entry }) => {
    log(entry);
    // The tracker hears when work starts (once per ticket; a retry is no news upstream).
    if (entry.type === 'ticket.delivered' && entry.data?.attempt === 1 && entry.ticket) commentStarted(entry.ticket, entry.session ?? '?');
  });
  actor.on('persist.ticket', ({ record }) => store.putTicket(record as never));
  actor.on('persist.session', ({ session }) => {
    const claude = claudeIds.get(session.name);
    store.putSession({ name: session.name, state: session.state, ticket: session.ticketId, ...(claude ? { claude_session_id: claude.id } : {}) });
  });

  const currentState = (): ApiState => apiState(actor.getSnapshot().context, { version: packageVersion, started_at: startedAt.toISOString() }, store.recentEvents(50));

  // A session waiting on a person is BUSY's sub-state, so no session.state event says so:
  // log it once each time it starts waiting (the question, from its screen or a hook).
  const waitingOnHuman = new Set<string>();
  actor.subscribe((snapshot) => {
    for (const s of Object.values(snapshot.context.sessions)) {
      const waiting = s.state === 'BUSY' && s.detail === 'needs_human';
      if (waiting && !waitingOnHuman.has(s.spec.name)) {
        waitingOnHuman.add(s.spec.name);
        const question = (s.reason ?? '').replace(/\s+/g, ' ').trim().slice(0, 300);
        log({ type: 'session.needs_human', message: `${s.spec.name} waits for a human${question ? `: ${question}` : ''}`, session: s.spec.name, ...(s.ticketId ? { ticket: s.ticketId } : {}) });
      } else if (!waiting) waitingOnHuman.delete(s.spec.name);
    }
  });
  actor.start();
  log({ type: 'zoro.started', message: `zoro ${packageVersion} started with ${config.sessions.length} session(s) and ${config.providers.length} provider(s)` });
  actor.send({ type: 'config.loaded', sessions: sessionSpecs(config), providers: providerSpecs(config, options.once), settings: settingsFrom(config) });
  const unwatchProviders = providers.watch((name) => actor.send({ type: 'ctl.poll', provider: name }));

  // Hot reload: access.txt is re-read each poll cycle; a bad edit is reported and ignored.
  let reloading = false;
  const reloadTimer = options.reload
    ? setInterval(async () => {
        if (reloading) return;
        reloading = true;
        try {
          const next = await options.reload!();
          if (JSON.stringify(next) !== JSON.stringify(config)) {
            config = next;
            providers.update(config);
            log({ type: 'config.reloaded', message: `${config.file} reloaded` });
            actor.send({ type: 'config.loaded', sessions: sessionSpecs(config), providers: providerSpecs(config, options.once), settings: settingsFrom(config) });
          }
        } catch (error) {
          log({ type: 'config.error', message: `${(error as Error).message} (keeping the previous config)` });
        } finally {
          reloading = false;
        }
      }, Math.min(config.zoro.poll_interval_seconds * 1000, 5_000))
    : null;

  const summary = () => runSummary(actor.getSnapshot().context, Date.now() - startedAt.getTime());

  const handle: ZoroHandle = {
    state: currentState,
    actors: () => watch.views(),
    machineOf: (id) => watch.machineOf(id),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    screen: (name) => (spec(name) ? screen(name).text() : null),
    onScreen: (name, listener) => (spec(name) ? screen(name).onRaw(listener) : null),
    pause: (name) => sessionCommand(name, 'session.pause', { type: 'ctl.pause', session: name }),
    resume: (name) => sessionCommand(name, 'session.resume', { type: 'ctl.resume', session: name }),
    answer: (name, text) => answer(name, text),
    addTicket: (request) => addTicket(request),
    retry: (id) => actor.send({ type: 'ctl.retry', ticket: id }),
    cancel: (id) => actor.send({ type: 'ctl.cancel', ticket: id }),
  };

  function commentStarted(ticketId: string, session: string): void {
    const record = actor.getSnapshot().context.tickets[ticketId]?.record;
    const provider = record ? providers.get(record.provider) : null;
    if (!record || !provider || provider.type === 'plan') return;
    provider
      .comment(record.external_id, `zoro: session ${session} started working on this.`)
      .catch((error: unknown) => log({ type: 'provider.write_failed', provider: provider.name, ticket: ticketId, message: `${ticketId}: could not comment on ${provider.name}: ${(error as Error).message}` }));
  }

  /**
   * A person's answer to an agent that waits on them (a permission prompt): typed into its
   * terminal as plain text (sanitised), then Enter unless it is a single choice key.
   */
  async function answer(name: string, text: string): Promise<void> {
    const terminal = terminals.get(name);
    if (!terminal) throw new UsageError(`session ${name} has no terminal to answer in`);
    const clean = sanitizeText(text).replace(/\n/g, ' ').trim();
    if (/^[1-3]$/.test(clean)) return terminal.press(clean as Key);
    if (clean) await terminal.type(clean);
    await terminal.press('Enter');
  }

  /** A command for a session, refused (InvalidTransitionError) when its state does not accept it. */
  function sessionCommand(name: string, event: string, command: OrchestratorEvent): void {
    const session = actor.getSnapshot().context.sessions[name];
    if (!session) throw new UsageError(`no session named ${name}`);
    assertAccepts(session.state, event);
    actor.send(command);
  }

  let manual = 0;
  async function addTicket(request: NewTicketRequest): Promise<string> {
    // plan.md has no place to name a session: a ticket for one session is kept by zoro.
    const plan = request.session ? null : providers.planFor([]);
    if (plan?.add) {
      const id = await plan.add({ title: request.title, signalCmd: request.signal_cmd ?? null, dependsOn: request.depends_on ?? [], projectId: null, context: request.description ?? '' });
      actor.send({ type: 'ctl.poll', provider: plan.name });
      return providers.globalId(plan.name, id);
    }
    const context = actor.getSnapshot().context;
    do manual += 1;
    while (context.tickets[`z${manual}`]);
    const id = `z${manual}`;
    actor.send({
      type: 'ctl.add',
      ticket: {
        id,
        provider: 'zoro',
        external_id: id,
        title: request.title,
        description: request.description ?? '',
        context: '',
        project_id: null,
        signal_cmd: request.signal_cmd ?? null,
        depends_on: request.depends_on ?? [],
        url: null,
        updated_at: null,
        sessions: request.session ? [request.session] : [],
        complete: true,
      },
    });
    return id;
  }

  function settled(): Promise<RunSummary> {
    return new Promise((resolve) => {
      const check = () => {
        const context = actor.getSnapshot().context;
        const tickets = Object.values(context.tickets);
        const pollersDone = Object.values(context.pollers).every((p) => p.last_poll_at !== null || p.last_error !== null);
        const allSettled = tickets.every((t) => SETTLED.has(t.record.status));
        const sessionsFree = Object.values(context.sessions).every((s) => !(s.state === 'BUSY' && s.detail !== 'settling'));
        if (pollersDone && allSettled && sessionsFree) {
          sub.unsubscribe();
          resolve(summary());
        }
      };
      const sub = actor.subscribe(check);
      check();
    });
  }

  async function stop(stopOptions: { killAgents?: boolean } = {}) {
    if (reloadTimer) clearInterval(reloadTimer);
    unwatchProviders();
    log({ type: 'zoro.stopped', message: 'zoro stopped' });
    actor.stop();
    await runtimes.dispose({ killAgents: stopOptions.killAgents ?? false });
    await providers.close();
    await store.close();
  }

  return { handle, store, settled, summary, config: () => config, log, context: () => actor.getSnapshot().context, send: (e) => actor.send(e), stop };
}

