/**
 * Fakes shared by the machine specs and properties: a ticket record with defaults, a fake
 * terminal actor for the session machine that records every command (and can acknowledge
 * deliveries), and promise fakes whose settling the spec controls.
 */
import { createActor, fromCallback, fromPromise, SimulatedClock } from 'xstate';
import type { TicketRecord } from '../../lib/ticket.js';
import { newRecord } from '../../machines/ingest.js';
import { sessionMachine, type SessionReport, type TerminalCommand } from '../../machines/session.js';

export function ticketRecord(overrides: Partial<TicketRecord> & { id: string }): TicketRecord {
  const base = newRecord(
    {
      id: overrides.id,
      provider: 'plan',
      external_id: overrides.id,
      title: `Ticket ${overrides.id}`,
      description: '',
      context: '',
      project_id: null,
      signal_cmd: null,
      depends_on: [],
      url: null,
      updated_at: null,
    },
    1,
    '2024-01-01T00:00:00.000Z',
  );
  return { ...base, ...overrides };
}

export interface TerminalInput {
  name: string;
  resume: { ticketId: string; attempt: number } | null;
}

/**
 * A terminal actor that records the commands the session gives it. With `ack`, a delivery
 * is taken at once (`terminal.delivered`), as a healthy agent would; `onAttach` runs when
 * the actor starts and on every `terminal.attach`, with `send` to answer as the terminal.
 */
export function fakeTerminal(options: {
  ack?: boolean;
  onAttach?: (input: TerminalInput, send: (event: { type: string; [key: string]: unknown }) => void) => void;
  onCommand?: (command: TerminalCommand, input: TerminalInput) => void;
} = {}) {
  const commands: TerminalCommand[] = [];
  const logic = fromCallback<TerminalCommand, TerminalInput>(({ input, receive, sendBack }) => {
    receive((command) => {
      commands.push(command);
      options.onCommand?.(command, input);
      if (command.type === 'terminal.deliver' && options.ack) sendBack({ type: 'terminal.delivered' });
      if (command.type === 'terminal.attach') options.onAttach?.(input, sendBack);
    });
    options.onAttach?.(input, sendBack);
  });
  return { logic, commands };
}

/** A session machine on a fake terminal whose reports land in `reports`. */
export function startSession(options: {
  ack?: boolean;
  busyLimitMs?: number;
  resume?: { ticketId: string; attempt: number } | null;
  clock?: SimulatedClock;
} = {}) {
  const terminal = fakeTerminal({ ack: options.ack });
  const reports: SessionReport[] = [];
  const machine = sessionMachine.provide({
    actors: { terminal: terminal.logic },
    actions: { report: (_, report: SessionReport) => void reports.push(report) },
  });
  const clock = options.clock ?? new SimulatedClock();
  const actor = createActor(machine, {
    clock,
    input: { name: 'web', busyLimitMs: options.busyLimitMs ?? 60_000, resume: options.resume ?? null },
  });
  actor.start();
  return { actor, commands: terminal.commands, reports, clock };
}

/**
 * A promise actor whose calls wait until the spec settles them: `pending` lists the calls
 * in order, each with its input and `resolve` / `reject`. A call whose actor is stopped
 * (its state was left) leaves `pending` by itself.
 */
export function controlledPromise<I, O>() {
  const pending: { input: I; resolve: (value: O) => void; reject: (error: Error) => void }[] = [];
  const calls: I[] = [];
  const logic = fromPromise<O, I>(
    ({ input, signal }) =>
      new Promise<O>((resolve, reject) => {
        calls.push(input);
        const leave = () => {
          const at = pending.indexOf(call);
          if (at >= 0) pending.splice(at, 1);
        };
        const call = {
          input,
          resolve: (value: O) => {
            leave();
            resolve(value);
          },
          reject: (error: Error) => {
            leave();
            reject(error);
          },
        };
        signal.addEventListener('abort', leave, { once: true });
        pending.push(call);
      }),
  );
  return { logic, pending, calls };
}

/** Let settled promises deliver their results (fromPromise answers on a later microtask). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
