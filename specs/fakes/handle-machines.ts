/**
 * Small stand-in machines for the fake ZoroHandle: real XState machines shaped like zoro's
 * (the session's six states with BUSY's sub-states, a ticket's life, a poller), so the
 * cockpit's inspector has real definitions to draw and real snapshots to follow.
 */
import { assign, setup } from 'xstate';

export interface FakeSessionContext {
  name: string;
  ticket: { id: string; title: string } | null;
  /** Deliberately holds a secret: the cockpit must never serialise actor context. */
  env: Record<string, string>;
}

export type FakeSessionEvent =
  | { type: 'CONNECTED' }
  | { type: 'DISPATCH'; ticket: { id: string; title: string } }
  | { type: 'ASK' }
  | { type: 'ANSWERED' }
  | { type: 'READY' }
  | { type: 'SETTLED' }
  | { type: 'PAUSE' }
  | { type: 'RESUME' }
  | { type: 'LOOP' }
  | { type: 'REAPPROACH' }
  | { type: 'GIVE_UP' }
  | { type: 'RECONNECT' };

export const fakeSessionMachine = setup({
  types: {} as { context: FakeSessionContext; events: FakeSessionEvent; input: { name: string; env: Record<string, string> } },
  guards: { hasTicket: ({ context }) => context.ticket !== null },
}).createMachine({
  id: 'session',
  initial: 'UNKNOWN',
  context: ({ input }) => ({ name: input.name, ticket: null, env: input.env }),
  states: {
    UNKNOWN: { on: { CONNECTED: 'IDLE', GIVE_UP: 'UNREACHABLE' } },
    IDLE: {
      entry: assign({ ticket: null }),
      on: {
        DISPATCH: { target: 'BUSY', actions: assign({ ticket: ({ event }) => event.ticket }) },
        PAUSE: 'PAUSED',
      },
    },
    BUSY: {
      initial: 'working',
      states: {
        working: { on: { ASK: 'needs_human', READY: 'settling' } },
        needs_human: { on: { ANSWERED: 'working' } },
        settling: { on: { SETTLED: '#session.IDLE' } },
      },
      on: { PAUSE: 'PAUSED', LOOP: 'ERROR_LOOP' },
    },
    ERROR_LOOP: { on: { REAPPROACH: 'BUSY', GIVE_UP: 'UNREACHABLE', PAUSE: 'PAUSED' } },
    UNREACHABLE: { on: { RECONNECT: 'IDLE' } },
    PAUSED: { on: { RESUME: [{ guard: 'hasTicket', target: 'BUSY' }, { target: 'IDLE' }] } },
  },
});

export interface FakeTicketContext {
  id: string;
  title: string;
  session: string | null;
  provider: string;
  attempts: number;
  depends_on: string[];
  dispatched_at: string | null;
  finished_at: string | null;
  last_error: string | null;
}

export type FakeTicketEvent =
  | { type: 'DISPATCH'; session: string; at: string }
  | { type: 'TURN_ENDED' }
  | { type: 'PASS'; at: string }
  | { type: 'FAIL'; error: string; at: string }
  | { type: 'REQUEUE' }
  | { type: 'ESCALATE'; at: string }
  | { type: 'BLOCK' }
  | { type: 'RETRY' }
  | { type: 'CANCEL'; at: string };

export const fakeTicketMachine = setup({
  types: {} as { context: FakeTicketContext; events: FakeTicketEvent; input: Omit<FakeTicketContext, 'attempts' | 'dispatched_at' | 'finished_at' | 'last_error'> },
}).createMachine({
  id: 'ticket',
  initial: 'queued',
  context: ({ input }) => ({ ...input, attempts: 0, dispatched_at: null, finished_at: null, last_error: null }),
  states: {
    queued: {
      on: {
        DISPATCH: {
          target: 'dispatched',
          actions: assign(({ context, event }) => ({ session: event.session, attempts: context.attempts + 1, dispatched_at: event.at, finished_at: null })),
        },
        BLOCK: 'blocked',
      },
    },
    dispatched: { on: { TURN_ENDED: 'verifying' } },
    verifying: {
      on: {
        PASS: { target: 'done', actions: assign({ finished_at: ({ event }) => event.at, last_error: null }) },
        FAIL: { target: 'retry', actions: assign({ last_error: ({ event }) => event.error }) },
      },
    },
    retry: {
      on: {
        REQUEUE: 'queued',
        ESCALATE: { target: 'escalated', actions: assign({ finished_at: ({ event }) => event.at }) },
      },
    },
    done: { type: 'final' },
    escalated: { on: { RETRY: 'queued' } },
    failed: { on: { RETRY: 'queued' } },
    blocked: { on: { RETRY: 'queued' } },
    cancelled: { on: { RETRY: 'queued' } },
  },
  on: {
    CANCEL: { target: '.cancelled', actions: assign({ finished_at: ({ event }) => event.at }) },
  },
});

export interface FakePollerContext {
  last_poll_at: string | null;
  last_error: string | null;
}

export type FakePollerEvent = { type: 'POLL' } | { type: 'POLLED'; at: string } | { type: 'POLL_FAILED'; at: string; error: string };

export const fakePollerMachine = setup({
  types: {} as { context: FakePollerContext; events: FakePollerEvent },
}).createMachine({
  id: 'poller',
  initial: 'idle',
  context: { last_poll_at: null, last_error: null },
  states: {
    idle: { on: { POLL: 'polling' } },
    polling: {
      on: {
        POLLED: { target: 'idle', actions: assign({ last_poll_at: ({ event }) => event.at, last_error: null }) },
        POLL_FAILED: { target: 'backoff', actions: assign({ last_poll_at: ({ event }) => event.at, last_error: ({ event }) => event.error }) },
      },
    },
    backoff: { after: { 30_000: 'polling' }, on: { POLL: 'polling' } },
  },
});
