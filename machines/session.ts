/**
 * One agent session: UNKNOWN / IDLE / BUSY / ERROR_LOOP / UNREACHABLE / PAUSED, every edge
 * taken from ./session-table.ts. Pure: the terminal (attach, deliver, watch, interrupt) is
 * the invoked actor `terminal`, supplied by actors/session.ts; what the session learns goes
 * to the orchestrator as `session.*` reports through the `report` action.
 */
import { and, assign, enqueueActions, not, raise, sendTo, setup, stateIn, type ActorRefFrom, type AnyActorLogic } from 'xstate';
import { edge, type SessionState } from './session-table.js';

export interface SessionTicket {
  id: string;
  attempt: number;
  prompt: string;
  /** The prompt was typed and taken; the turn is under way. */
  delivered: boolean;
}

export interface SessionContext {
  name: string;
  ticket: SessionTicket | null;
  /** A pause asked for while BUSY takes effect when the turn ends. */
  pausing: boolean;
  /** Why the session is PAUSED / ERROR_LOOP / UNREACHABLE, or what the human is asked. */
  reason: string | null;
  /** PAUSED by a usage limit until this time (ISO), and how long that is from when it was seen. */
  until: string | null;
  waitMs: number | null;
  busyLimitMs: number;
}

export interface SessionInput {
  name: string;
  busyLimitMs: number;
  /** A ticket that was in flight when zoro last stopped, to re-check on attach. */
  resume: { ticketId: string; attempt: number } | null;
}

export type SessionEvent =
  // from the orchestrator / cockpit
  | { type: 'session.dispatch'; ticketId: string; attempt: number; prompt: string }
  | { type: 'session.release' }
  | { type: 'session.pause' }
  | { type: 'session.resume' }
  | { type: 'session.reapproach'; prompt: string }
  | { type: 'session.give_up'; reason: string }
  | { type: 'session.answered' }
  // from the terminal actor
  | { type: 'session.ready' }
  | { type: 'session.resume_busy'; ticketId: string; attempt: number; finished: boolean }
  | { type: 'session.turn_ended'; source: string; summary: string | null }
  | { type: 'session.needs_human'; message: string }
  | { type: 'session.error_loop'; reason: string }
  | { type: 'session.limited'; until: string; waitMs: number; message: string }
  | { type: 'session.unreachable'; reason: string }
  | { type: 'session.reconnected' }
  | { type: 'terminal.delivered' };

/** What the session tells its parent. */
export type SessionReport =
  | { type: 'session.changed'; name: string; state: SessionState; detail: string | null; ticketId: string | null; reason: string | null }
  | { type: 'session.turn_ended'; name: string; ticketId: string; source: string; summary: string | null }
  | { type: 'session.delivered'; name: string; ticketId: string; attempt: number };

/** Commands the machine gives its terminal actor. */
export type TerminalCommand =
  | { type: 'terminal.attach' }
  | { type: 'terminal.deliver'; ticketId: string; attempt: number; prompt: string; interruptFirst: boolean }
  | { type: 'terminal.arm'; ticketId: string }
  | { type: 'terminal.disarm' };

export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    input: {} as SessionInput,
    events: {} as SessionEvent,
  },
  actors: {
    // Supplied by actors/session.ts: attaches or starts the terminal, delivers prompts,
    // streams output and raises session.* events back.
    terminal: {} as AnyActorLogic,
  },
  actions: {
    report: (_, _report: SessionReport) => {
      /* supplied by the parent: forwards to the orchestrator */
    },
  },
  guards: {
    delivered: ({ context }) => context.ticket?.delivered === true,
    pausing: ({ context }) => context.pausing,
  },
  delays: {
    busyLimit: ({ context }) => context.busyLimitMs,
    limitReset: ({ context }) => context.waitMs ?? 0,
  },
}).createMachine({
  id: 'session',
  context: ({ input }) => ({
    name: input.name,
    ticket: input.resume ? { id: input.resume.ticketId, attempt: input.resume.attempt, prompt: '', delivered: true } : null,
    pausing: false,
    reason: null,
    until: null,
    waitMs: null,
    busyLimitMs: input.busyLimitMs,
  }),
  invoke: {
    id: 'terminal',
    src: 'terminal',
    input: ({ context }: { context: SessionContext }) => ({ name: context.name, resume: context.ticket ? { ticketId: context.ticket.id, attempt: context.ticket.attempt } : null }),
  },
  initial: 'UNKNOWN',
  states: {
    UNKNOWN: {
      entry: [
        assign({ reason: null }),
        { type: 'report', params: ({ context }) => changed(context, 'UNKNOWN', null) },
      ],
      on: {
        'session.ready': { target: edge('UNKNOWN', 'session.ready', 'IDLE'), actions: assign({ ticket: null }) },
        'session.resume_busy': {
          target: edge('UNKNOWN', 'session.resume_busy', 'BUSY'),
          actions: assign({
            ticket: ({ event }) => ({ id: event.ticketId, attempt: event.attempt, prompt: '', delivered: true }),
          }),
        },
        'session.pause': { target: edge('UNKNOWN', 'session.pause', 'PAUSED') },
        'session.unreachable': {
          target: edge('UNKNOWN', 'session.unreachable', 'UNREACHABLE'),
          actions: assign({ reason: ({ event }) => event.reason }),
        },
      },
    },
    IDLE: {
      entry: [
        assign({ ticket: null, reason: null, until: null }),
        sendTo('terminal', { type: 'terminal.disarm' }),
        // A pause asked for during the turn takes effect now. The orchestrator is not told
        // IDLE on the way: it would dispatch a ticket that the PAUSED session then drops.
        enqueueActions(({ context, enqueue }) => {
          if (context.pausing) enqueue.raise({ type: 'session.pause' });
          else enqueue({ type: 'report', params: changed(context, 'IDLE', null) });
        }),
      ],
      on: {
        'session.dispatch': {
          target: edge('IDLE', 'session.dispatch', 'BUSY'),
          actions: assign({
            ticket: ({ event }) => ({ id: event.ticketId, attempt: event.attempt, prompt: event.prompt, delivered: false }),
          }),
        },
        'session.pause': { target: edge('IDLE', 'session.pause', 'PAUSED') },
        'session.unreachable': {
          target: edge('IDLE', 'session.unreachable', 'UNREACHABLE'),
          actions: assign({ reason: ({ event }) => event.reason }),
        },
      },
    },
    BUSY: {
      initial: 'entering',
      states: {
        entering: {
          always: [{ guard: 'delivered', target: 'working' }, { target: 'delivering' }],
        },
        delivering: {
          entry: [
            { type: 'report', params: ({ context }) => changed(context, 'BUSY', 'delivering') },
            sendTo('terminal', ({ context }) => ({
              type: 'terminal.deliver',
              ticketId: context.ticket!.id,
              attempt: context.ticket!.attempt,
              prompt: context.ticket!.prompt,
              interruptFirst: context.reason !== null,
            })),
          ],
          on: {
            'terminal.delivered': {
              target: 'working',
              actions: [
                assign({ ticket: ({ context }) => ({ ...context.ticket!, delivered: true }), reason: null }),
                {
                  type: 'report',
                  params: ({ context }) => ({ type: 'session.delivered', name: context.name, ticketId: context.ticket!.id, attempt: context.ticket!.attempt }),
                },
              ],
            },
          },
        },
        working: {
          entry: [
            sendTo('terminal', ({ context }) => ({ type: 'terminal.arm', ticketId: context.ticket!.id })),
            { type: 'report', params: ({ context }) => changed(context, 'BUSY', 'working') },
          ],
          on: {
            'session.needs_human': {
              target: 'needs_human',
              actions: assign({ reason: ({ event }) => event.message }),
            },
          },
          after: {
            busyLimit: {
              actions: raise(({ context }) => ({
                type: 'session.error_loop',
                reason: `busy for ${context.busyLimitMs >= 60_000 ? `${Math.round(context.busyLimitMs / 60_000)} min` : `${Math.round(context.busyLimitMs / 1000)} s`} without finishing`,
              })),
            },
          },
        },
        needs_human: {
          entry: { type: 'report', params: ({ context }) => changed(context, 'BUSY', 'needs_human') },
          on: {
            'session.answered': { target: 'working', actions: assign({ reason: null }) },
          },
        },
        // The turn ended; the orchestrator verifies the ticket, then releases the session.
        settling: {
          entry: { type: 'report', params: ({ context }) => changed(context, 'BUSY', 'settling') },
        },
      },
      on: {
        // The turn ended (ready signal, Stop hook, `zoro done`): the orchestrator verifies
        // the ticket, then releases the session. Accepted once per turn: not in `settling`.
        'session.turn_ended': {
          guard: and([({ context }) => context.ticket !== null, not(stateIn('#session.BUSY.settling'))]),
          target: '.settling',
          actions: [
            sendTo('terminal', { type: 'terminal.disarm' }),
            {
              type: 'report',
              params: ({ context, event }) => ({
                type: 'session.turn_ended',
                name: context.name,
                ticketId: context.ticket!.id,
                source: event.source,
                summary: event.summary,
              }),
            },
          ],
        },
        'session.pause': { actions: assign({ pausing: true }) },
        'session.release': { target: edge('BUSY', 'session.release', 'IDLE') },
        'session.error_loop': {
          target: edge('BUSY', 'session.error_loop', 'ERROR_LOOP'),
          actions: assign({ reason: ({ event }) => event.reason }),
        },
        'session.limited': {
          target: edge('BUSY', 'session.limited', 'PAUSED'),
          actions: assign({ reason: ({ event }) => event.message, until: ({ event }) => event.until, waitMs: ({ event }) => event.waitMs }),
        },
        'session.unreachable': {
          target: edge('BUSY', 'session.unreachable', 'UNREACHABLE'),
          actions: assign({ reason: ({ event }) => event.reason }),
        },
      },
    },
    ERROR_LOOP: {
      entry: [
        sendTo('terminal', { type: 'terminal.disarm' }),
        { type: 'report', params: ({ context }) => changed(context, 'ERROR_LOOP', null) },
      ],
      on: {
        'session.reapproach': {
          target: edge('ERROR_LOOP', 'session.reapproach', 'BUSY'),
          actions: assign({
            ticket: ({ context, event }) => ({ ...context.ticket!, prompt: event.prompt, delivered: false }),
          }),
        },
        'session.release': { target: edge('ERROR_LOOP', 'session.release', 'IDLE') },
        'session.give_up': {
          target: edge('ERROR_LOOP', 'session.give_up', 'UNREACHABLE'),
          actions: assign({ reason: ({ event }) => event.reason }),
        },
        'session.pause': { target: edge('ERROR_LOOP', 'session.pause', 'PAUSED') },
        'session.unreachable': {
          target: edge('ERROR_LOOP', 'session.unreachable', 'UNREACHABLE'),
          actions: assign({ reason: ({ event }) => event.reason }),
        },
      },
    },
    UNREACHABLE: {
      entry: [
        sendTo('terminal', { type: 'terminal.disarm' }),
        { type: 'report', params: ({ context }) => changed(context, 'UNREACHABLE', null) },
        assign({ ticket: null, pausing: false }),
      ],
      on: {
        'session.reconnected': { target: edge('UNREACHABLE', 'session.reconnected', 'UNKNOWN'), actions: sendTo('terminal', { type: 'terminal.attach' }) },
        'session.resume': { target: edge('UNREACHABLE', 'session.resume', 'UNKNOWN'), actions: sendTo('terminal', { type: 'terminal.attach' }) },
      },
    },
    PAUSED: {
      entry: [
        sendTo('terminal', { type: 'terminal.disarm' }),
        assign({ pausing: false }),
        { type: 'report', params: ({ context }) => changed(context, 'PAUSED', null) },
        assign({ ticket: null }),
      ],
      // A limit's wait belongs to this stay: left any other way (UNREACHABLE), a later pause
      // by hand must not resume by itself.
      exit: assign({ until: null, waitMs: null }),
      // Paused by a usage limit: resumes by itself when the limit resets.
      initial: 'held',
      states: {
        held: { always: { guard: ({ context }) => context.waitMs !== null, target: 'limited' } },
        limited: { after: { limitReset: { actions: raise({ type: 'session.resume' }) } } },
      },
      on: {
        'session.resume': { target: edge('PAUSED', 'session.resume', 'IDLE'), actions: assign({ reason: null, until: null, waitMs: null }) },
        'session.pause': {},
        'session.unreachable': {
          target: edge('PAUSED', 'session.unreachable', 'UNREACHABLE'),
          actions: assign({ reason: ({ event }) => event.reason }),
        },
      },
    },
  },
});

function changed(context: SessionContext, state: SessionState, detail: string | null): SessionReport {
  return { type: 'session.changed', name: context.name, state, detail, ticketId: context.ticket?.id ?? null, reason: context.reason };
}

export type SessionActor = ActorRefFrom<typeof sessionMachine>;
