/**
 * One ticket provider's poll loop: idle → polling → idle, or → backoff after a failure
 * (10 s · 2^(n−1), capped at the poll interval). A provider that pushes changes (plan.md's
 * file watch) sends `poller.poll_now`. The poll itself is the invoked actor `poll`.
 */
import { assign, setup, type ActorRefFrom, type AnyActorLogic } from 'xstate';

export interface PollerContext {
  name: string;
  type: string;
  intervalMs: number;
  backoffBaseMs: number;
  failures: number;
  lastPollAt: string | null;
  lastError: string | null;
  /** A change came in while a poll ran: poll again right after it. */
  again: boolean;
}

export interface PollerInput {
  name: string;
  type: string;
  intervalMs: number;
  backoffBaseMs?: number;
}

export type PollerEvent = { type: 'poller.poll_now' } | { type: 'poller.set_interval'; intervalMs: number };

export interface PollResult<T = unknown> {
  tickets: T[];
  at: string;
}

export type PollerReport =
  | { type: 'poller.changed'; name: string; state: 'idle' | 'polling' | 'backoff'; last_poll_at: string | null; last_error: string | null }
  | { type: 'provider.polled'; provider: string; tickets: unknown[]; at: string };

export const pollerMachine = setup({
  types: {
    context: {} as PollerContext,
    input: {} as PollerInput,
    events: {} as PollerEvent,
  },
  actors: {
    poll: {} as AnyActorLogic,
  },
  actions: {
    report: (_, _report: PollerReport) => {
      /* supplied by the parent */
    },
    recordSuccess: assign((_, result: PollResult) => ({ failures: 0, lastError: null, lastPollAt: result.at })),
  },
  delays: {
    interval: ({ context }) => context.intervalMs,
    backoff: ({ context }) => Math.min(context.intervalMs, context.backoffBaseMs * 2 ** Math.max(0, context.failures - 1)),
  },
}).createMachine({
  id: 'poller',
  context: ({ input }) => ({
    name: input.name,
    type: input.type,
    intervalMs: input.intervalMs,
    backoffBaseMs: input.backoffBaseMs ?? 10_000,
    failures: 0,
    lastPollAt: null,
    lastError: null,
    again: false,
  }),
  on: {
    'poller.set_interval': { actions: assign({ intervalMs: ({ event }) => event.intervalMs }) },
  },
  initial: 'polling',
  states: {
    idle: {
      entry: { type: 'report', params: ({ context }) => changed(context, 'idle') },
      on: { 'poller.poll_now': 'polling' },
      after: { interval: 'polling' },
    },
    polling: {
      entry: [assign({ again: false }), { type: 'report', params: ({ context }) => changed(context, 'polling') }],
      on: { 'poller.poll_now': { actions: assign({ again: true }) } },
      invoke: {
        src: 'poll',
        input: ({ context }: { context: PollerContext }) => ({ name: context.name }),
        onDone: [
          {
            guard: ({ context }) => context.again,
            target: 'polling',
            reenter: true,
            actions: succeeded(),
          },
          { target: 'idle', actions: succeeded() },
        ],
        onError: {
          target: 'backoff',
          actions: assign({
            failures: ({ context }) => context.failures + 1,
            lastError: ({ event }) => String((event.error as Error)?.message ?? event.error),
          }),
        },
      },
    },
    backoff: {
      entry: { type: 'report', params: ({ context }) => changed(context, 'backoff') },
      on: { 'poller.poll_now': 'polling' },
      after: { backoff: 'polling' },
    },
  },
});

function succeeded() {
  return [
    { type: 'recordSuccess', params: ({ event }: { event: { output: unknown } }) => event.output as PollResult },
    {
      type: 'report',
      params: ({ context, event }: { context: PollerContext; event: { output: unknown } }) => {
        const result = event.output as PollResult;
        return { type: 'provider.polled', provider: context.name, tickets: result.tickets, at: result.at } as PollerReport;
      },
    },
  ] as const;
}

function changed(context: PollerContext, state: 'idle' | 'polling' | 'backoff'): PollerReport {
  return { type: 'poller.changed', name: context.name, state, last_poll_at: context.lastPollAt, last_error: context.lastError };
}

export type PollerActor = ActorRefFrom<typeof pollerMachine>;
