/**
 * The session machine's `terminal` actor: finds or starts the agent's terminal, streams its
 * output into the session's ScreenBuffer, delivers prompts, and raises what it sees
 * (ready, the ready signal, an error loop, a question for the human, an exit) as events.
 */
import { fromCallback } from 'xstate';
import type { AgentProfile } from '../adapters/agents/types.js';
import type { Terminal, TerminalRuntime } from '../adapters/terminals/types.js';
import { errorMessage, TerminalError } from '../lib/errors.js';
import { isSignalLine } from '../lib/signal.js';
import type { SessionEvent, TerminalCommand } from '../machines/session.js';
import { deliverPrompt } from './deliver.js';
import { ScreenBuffer } from './screen.js';
import { watchRepo } from './repo-watch.js';

/** A generic agent silent this long after starting is taken to be waiting for input. */
const GENERIC_QUIET_MS = 1_000;

export interface SessionRuntimeSpec {
  name: string;
  repo_path: string;
  agent: string;
  runtime: 'tmux' | 'pty' | 'iterm2';
  options: Record<string, string>;
}

export interface SessionDeps {
  /** The session's current config (hot reload may change it between attaches). */
  spec(name: string): SessionRuntimeSpec | null;
  runtime(name: SessionRuntimeSpec['runtime']): TerminalRuntime;
  profile(agent: string): AgentProfile;
  /** The screen of each session, shared with the cockpit. */
  screen(name: string): ScreenBuffer;
  /** Each session's live terminal, for answering the agent from the cockpit. */
  terminals: Map<string, Terminal>;
  launchEnv(spec: SessionRuntimeSpec): { command: string[]; env: Record<string, string> };
  journal: {
    begin(entry: { id: string; kind: 'prompt'; ticket: string; session: string; attempt: number }): Promise<void>;
    end(id: string): Promise<void>;
    /**
     * This session's prompt deliveries a crash cut short (begun, never ended), each handed
     * out once: the paste may sit unsent in the agent's input box.
     */
    cut?(session: string): CutDelivery[];
  };
  warn(session: string, message: string): void;
  settings: {
    readyTimeoutMs: number;
    noFileChangeMs: number;
    reconnectBaseMs: number;
  };
}

export interface CutDelivery {
  id: string;
  ticket: string;
  attempt: number;
}

interface TerminalInput {
  name: string;
  resume: { ticketId: string; attempt: number } | null;
}

export function createTerminalLogic(deps: SessionDeps) {
  return fromCallback<TerminalCommand, TerminalInput>(({ input, sendBack, receive }) => {
    const send = (event: SessionEvent) => sendBack(event);
    const screen = deps.screen(input.name);
    let terminal: Terminal | null = null;
    let startedByZoro = false;
    let unsubscribe: (() => void)[] = [];
    let stopped = false;
    let reconnects = 0;
    let reconnectTimer: NodeJS.Timeout | null = null;
    let stopRepoWatch: (() => void) | null = null;
    let stopAppearWatch: (() => void) | null = null;
    // A turn in progress: which ticket, and whether its signal has been seen.
    let turn: { ticketId: string; delivered: boolean; signalSeen: boolean; askedHuman?: boolean } | null = null;

    const detach = () => {
      for (const off of unsubscribe) off();
      unsubscribe = [];
      stopRepoWatch?.();
      stopRepoWatch = null;
    };

    const onOutput = (chunk: string) => {
      const { signal, repeatedError } = screen.push(chunk);
      // `send` runs the machine at once, which may end the turn: re-check after each.
      const current = turn;
      if (!current) return;
      if (signal && !current.signalSeen) {
        current.signalSeen = true;
        // Report the end of the turn only once the delivery itself was reported.
        if (current.delivered) send({ type: 'session.turn_ended', source: 'ready signal', summary: summaryFrom(screen) });
      }
      if (turn !== current) return;
      if (repeatedError) send({ type: 'session.error_loop', reason: `the same error keeps appearing: ${repeatedError}` });
      if (turn !== current) return;
      const profile = currentProfile();
      const limit = profile?.parseUsageLimit?.(screen.turnTail(20), new Date());
      if (limit && current.delivered && !current.signalSeen) {
        const waitMs = Math.max(0, limit.resetAt.getTime() - Date.now());
        send({ type: 'session.limited', until: limit.resetAt.toISOString(), waitMs, message: `usage limit reached; resumes at ${limit.resetAt.toISOString()}` });
        return;
      }
      if (profile && current.delivered && !current.signalSeen) {
        // A question for the human (a permission prompt), and its answer, from the screen.
        const state = profile.classify(screen.tail(40));
        if (state === 'needs_human' && !current.askedHuman) {
          current.askedHuman = true;
          send({ type: 'session.needs_human', message: screen.tail(8).join('\n').trim() });
        } else if (state === 'busy' && current.askedHuman) {
          current.askedHuman = false;
          send({ type: 'session.answered' });
        }
      }
    };

    const currentProfile = () => {
      const spec = deps.spec(input.name);
      return spec ? deps.profile(spec.agent) : null;
    };

    const attach = async (resume: TerminalInput['resume']) => {
      detach();
      const spec = deps.spec(input.name);
      if (!spec) return send({ type: 'session.unreachable', reason: 'no longer in the config' });
      const runtime = deps.runtime(spec.runtime);
      const profile = deps.profile(spec.agent);
      let found = runtime.attach ? await runtime.attach({ name: spec.name, cwd: spec.repo_path }) : null;
      if (found && !found.alive()) {
        await found.close({ kill: true });
        found = null;
      }
      // Terminals the user opens (iTerm2 tabs): when one closes, the session waits for a new
      // one in the repo rather than opening one unasked (auto_create makes attach open it).
      if (runtime.onSessionAppeared) stopAppearWatch ??= runtime.onSessionAppeared(spec.repo_path, () => send({ type: 'session.reconnected' }));
      if (!found && runtime.onSessionAppeared) {
        throw new TerminalError(runtime.name, `no terminal is open in ${spec.repo_path}: open one there (or set auto_create = true)`);
      }
      if (found) {
        terminal = found;
        screen.seed(await found.capture(500));
      } else {
        const launch = deps.launchEnv(spec);
        terminal = await runtime.start({ name: spec.name, cwd: spec.repo_path, command: launch.command, env: launch.env });
        startedByZoro = true;
        resume = null; // a new agent cannot be in the middle of anything
      }
      const t = terminal;
      deps.terminals.set(input.name, t);
      unsubscribe.push(() => deps.terminals.get(input.name) === t && deps.terminals.delete(input.name));
      unsubscribe.push(t.onOutput(onOutput));
      unsubscribe.push(t.onExit((exit) => onExit(exit.code, exit.reason)));
      if (stopped) return;

      const cut = deps.journal.cut?.(input.name) ?? [];
      if (resume) {
        const state = inFlight(screen.text(), resume, screen.detector.signal);
        if (state !== 'absent') {
          for (const c of cut) await deps.journal.end(c.id);
          turn = { ticketId: resume.ticketId, delivered: true, signalSeen: state === 'finished' };
          send({ type: 'session.resume_busy', ticketId: resume.ticketId, attempt: resume.attempt, finished: state === 'finished' });
          if (state === 'finished') send({ type: 'session.turn_ended', source: 'ready signal (seen after restart)', summary: summaryFrom(screen) });
          return;
        }
      }
      await waitForIdle(t, profile);
      // A delivery cut short whose prompt the agent never showed: the paste may sit in its
      // input box, and the next prompt would be appended to it. Clear the box first.
      if (found && cut.some((c) => inFlight(screen.text(), { ticketId: c.ticket, attempt: c.attempt }, screen.detector.signal) === 'absent')) {
        for (const key of profile.clearInputKeys ?? profile.interruptKeys) await t.press(key);
        await waitForIdle(t, profile);
      }
      for (const c of cut) await deps.journal.end(c.id);
      reconnects = 0;
      send({ type: 'session.ready' });
    };

    // The wait for the agent's prompt, cancelled when the actor stops (its timer would
    // otherwise keep the process alive for readyTimeoutMs).
    let cancelIdleWait: (() => void) | null = null;

    const waitForIdle = (t: Terminal, profile: AgentProfile) =>
      new Promise<void>((resolve, reject) => {
        // The generic profile cannot read a program it knows nothing about (its screen reads
        // 'busy' until the program exits): output gone quiet is the only sign it waits for input.
        const readsScreen = profile.name !== 'generic';
        const check = () => readsScreen && profile.classify(screen.tail(40)) === 'idle';
        if (check()) return resolve();
        let quiet: NodeJS.Timeout | undefined;
        const settle = (error?: Error) => {
          clearTimeout(timer);
          clearTimeout(quiet);
          off();
          cancelIdleWait = null;
          if (error) reject(error);
          else resolve();
        };
        const restartQuiet = () => {
          if (readsScreen) return;
          clearTimeout(quiet);
          quiet = setTimeout(() => settle(), GENERIC_QUIET_MS);
        };
        const timer = setTimeout(
          () => settle(new Error(`the agent did not show its prompt within ${deps.settings.readyTimeoutMs / 1000} s`)),
          deps.settings.readyTimeoutMs,
        );
        // screen.push ran first (listener order): the buffer is current
        const off = t.onOutput(() => (check() ? settle() : restartQuiet()));
        restartQuiet();
        cancelIdleWait = () => settle(new Error('stopped while waiting for the agent'));
      });

    const onExit = (code: number | null, reason: string) => {
      detach();
      terminal = null;
      turn = null;
      if (stopped) return;
      send({ type: 'session.unreachable', reason: `agent ${reason}${code === null ? '' : ` (exit ${code})`}` });
      if (startedByZoro) scheduleReconnect();
    };

    const scheduleReconnect = () => {
      reconnects += 1;
      const delay = Math.min(60_000, deps.settings.reconnectBaseMs * 2 ** (reconnects - 1));
      reconnectTimer = setTimeout(() => {
        reconnectTimer = null;
        if (!stopped) send({ type: 'session.reconnected' });
      }, delay);
    };

    const fail = (error: unknown) => {
      if (stopped) return;
      send({ type: 'session.unreachable', reason: errorMessage(error) });
      if (stopAppearWatch === null && (startedByZoro || !terminal)) scheduleReconnect();
    };

    const deliver = async (command: Extract<TerminalCommand, { type: 'terminal.deliver' }>) => {
      const spec = deps.spec(input.name);
      if (!terminal || !spec) return send({ type: 'session.unreachable', reason: 'no terminal to type into' });
      const profile = deps.profile(spec.agent);
      const journalId = `prompt:${command.ticketId}:${command.attempt}:${Date.now()}`;
      turn = { ticketId: command.ticketId, delivered: false, signalSeen: false };
      await deps.journal.begin({ id: journalId, kind: 'prompt', ticket: command.ticketId, session: input.name, attempt: command.attempt });
      try {
        await deliverPrompt(terminal, profile, screen, command.prompt, { interruptFirst: command.interruptFirst });
      } catch (error) {
        await deps.journal.end(journalId);
        turn = null;
        return send({ type: 'session.error_loop', reason: `the prompt was not taken: ${errorMessage(error)}` });
      }
      await deps.journal.end(journalId);
      turn.delivered = true;
      send({ type: 'terminal.delivered' });
      if (turn.signalSeen) send({ type: 'session.turn_ended', source: 'ready signal', summary: summaryFrom(screen) });
      stopRepoWatch?.();
      stopRepoWatch = watchRepo(spec.repo_path, deps.settings.noFileChangeMs, () => {
        if (turn && !turn.signalSeen) send({ type: 'session.error_loop', reason: `no file changed in the repo for ${Math.round(deps.settings.noFileChangeMs / 60_000)} min` });
      });
    };

    receive((command) => {
      switch (command.type) {
        case 'terminal.attach':
          attach(null).catch(fail);
          return;
        case 'terminal.deliver':
          deliver(command).catch(fail);
          return;
        case 'terminal.arm':
          // Resumed after a restart: the turn is under way; listen from here on.
          if (!turn || turn.ticketId !== command.ticketId) turn = { ticketId: command.ticketId, delivered: true, signalSeen: false };
          if (!screen.detector.isArmed && !turn.signalSeen) screen.beginTurn();
          return;
        case 'terminal.disarm':
          screen.detector.disarm();
          stopRepoWatch?.();
          stopRepoWatch = null;
          turn = null;
          return;
      }
    });

    attach(input.resume).catch(fail);

    return () => {
      stopped = true;
      cancelIdleWait?.();
      if (reconnectTimer) clearTimeout(reconnectTimer);
      detach();
      terminal?.close().catch(() => undefined /* closing a listener on a gone terminal is no failure */);
    };
  });
}

/**
 * After a restart: did the ticket's prompt reach this screen, and did its signal follow?
 * The prompt starts with `Ticket: ID (attempt N)`.
 */
export function inFlight(lines: string[], resume: { ticketId: string; attempt: number }, signal: string): 'absent' | 'working' | 'finished' {
  const header = `Ticket: ${resume.ticketId} (attempt ${resume.attempt})`;
  let at = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i]!.includes(header)) {
      at = i;
      break;
    }
  }
  if (at < 0) return 'absent';
  return lines.slice(at + 1).some((line) => isSignalLine(line, signal)) ? 'finished' : 'working';
}

/**
 * The agent's last words before the signal, as the ticket's summary. Only this turn's lines:
 * what the screen showed before (an earlier ticket's work) must not be posted to this ticket.
 */
function summaryFrom(screen: ScreenBuffer): string | null {
  const lines = screen.turnTail(40).map((l) => l.trim());
  const end = lines.findLastIndex((l) => l === screen.detector.signal);
  const body = (end >= 0 ? lines.slice(0, end) : lines).filter((l) => l !== '').slice(-6);
  return body.length ? body.join('\n') : null;
}
