/**
 * One ticket: queued → dispatched → verifying → reviewing → closing → done, or retry,
 * failed, escalated, blocked, cancelled. Pure: fetching details, running `signal_cmd`, the
 * strict review and the write-back are invoked actors supplied by actors/ticket.ts, and
 * every timestamp arrives on an event (no clock in here).
 */
import { assign, setup, type ActorRefFrom, type AnyActorLogic } from 'xstate';
import type { TicketRecord, TicketStatus, TicketComment, SignalAttempt, ReviewAttempt } from '../lib/ticket.js';

export interface TicketLimits {
  maxSignalAttempts: number;
  maxReviewAttempts: number;
  strictReview: boolean;
}

export interface TicketContext {
  record: TicketRecord;
  limits: TicketLimits;
  /** Where `signal_cmd` runs: the repo of the session that did the work. */
  repo: string | null;
  detailsLoaded: boolean;
}

export interface TicketInput {
  record: TicketRecord;
  limits: TicketLimits;
  /** The repo of the session a restored in-flight ticket was on. */
  repo?: string | null;
  detailsLoaded?: boolean;
}

export type TicketEvent =
  | { type: 'ticket.update'; title: string; description: string; context: string; signal_cmd: string | null; depends_on: string[]; project_id: string | null; url: string | null; updated_at: string | null }
  | { type: 'ticket.dispatch'; session: string; repo: string; at: string }
  | { type: 'ticket.turn_ended'; summary: string | null; at: string }
  | { type: 'ticket.requeue'; reason: string }
  | { type: 'ticket.reapproach'; reason: string }
  | { type: 'ticket.escalate'; reason: string; at: string }
  | { type: 'ticket.block'; reason: string; at: string }
  | { type: 'ticket.cancel'; at: string }
  | { type: 'ticket.retry' };

export interface VerifyResult extends SignalAttempt {}
export interface ReviewResult extends ReviewAttempt {}
export interface DetailsResult {
  description: string;
  comments: TicketComment[];
}

export type TicketReport = { type: 'ticket.changed'; record: TicketRecord; dispatchable: boolean; machineState: string };

// The escalation (file, upstream comment) for the record as it is after the edge's assign.
const escalateWithRecord = { type: 'escalate', params: ({ context }: { context: TicketContext }) => context.record } as const;

export const ticketMachine = setup({
  types: {
    context: {} as TicketContext,
    input: {} as TicketInput,
    events: {} as TicketEvent,
  },
  actors: {
    details: {} as AnyActorLogic,
    verify: {} as AnyActorLogic,
    review: {} as AnyActorLogic,
    writeBack: {} as AnyActorLogic,
  },
  actions: {
    report: (_, _report: TicketReport) => {
      /* supplied by the parent */
    },
    escalate: (_, _record: TicketRecord) => {
      /* supplied by actors/ticket.ts: the escalations/ file and an upstream comment */
    },
    // A human's retry starts the counts again.
    resetAttempts: assign({
      record: ({ context }) => ({
        ...context.record,
        signal_attempts: 0,
        review_attempts: 0,
        reapproaches: 0,
        finished_at: null,
        last_error: null,
      }),
    }),
  },
  guards: {
    hasSignal: ({ context }) => context.record.signal_cmd !== null && context.record.signal_cmd.trim() !== '',
    // A passing signal_cmd is proof enough: the review is for tickets without one.
    needsReview: ({ context }) => context.limits.strictReview && !context.record.signal_cmd,
    wasStatus: ({ context }, status: TicketStatus) => context.record.status === status,
  },
}).createMachine({
  id: 'ticket',
  context: ({ input }) => ({
    record: input.record,
    limits: input.limits,
    repo: input.repo ?? null,
    detailsLoaded: input.detailsLoaded ?? false,
  }),
  initial: 'restoring',
  on: {
    'ticket.update': {
      actions: assign({
        record: ({ context, event }) => ({
          ...context.record,
          title: event.title,
          description: event.description || context.record.description,
          context: event.context,
          signal_cmd: event.signal_cmd,
          depends_on: event.depends_on,
          project_id: event.project_id,
          url: event.url,
          updated_at: event.updated_at,
        }),
        detailsLoaded: ({ context, event }) => context.detailsLoaded && event.updated_at === context.record.updated_at,
      }),
    },
  },
  states: {
    // Where a stored ticket was when zoro last stopped.
    restoring: {
      always: [
        { guard: { type: 'wasStatus', params: 'done' }, target: 'done' },
        { guard: { type: 'wasStatus', params: 'failed' }, target: 'failed' },
        { guard: { type: 'wasStatus', params: 'escalated' }, target: 'escalated' },
        { guard: { type: 'wasStatus', params: 'blocked' }, target: 'blocked' },
        { guard: { type: 'wasStatus', params: 'cancelled' }, target: 'cancelled' },
        { guard: { type: 'wasStatus', params: 'dispatched' }, target: 'dispatched' },
        // interrupted mid-check: check again (signal_cmd is idempotent by contract)
        { guard: { type: 'wasStatus', params: 'verifying' }, target: 'verifying' },
        { guard: { type: 'wasStatus', params: 'reviewing' }, target: 'verifying' },
        { guard: { type: 'wasStatus', params: 'closing' }, target: 'closing' },
        { target: 'queued' },
      ],
    },
    queued: {
      initial: 'fetching',
      entry: assign({ record: ({ context }) => ({ ...context.record, status: 'queued', session: null }) }),
      states: {
        fetching: {
          always: { guard: ({ context }) => context.detailsLoaded, target: 'ready' },
          entry: { type: 'report', params: ({ context }) => report(context, false, 'queued.fetching') },
          invoke: {
            src: 'details',
            input: ({ context }: { context: TicketContext }) => ({ record: context.record }),
            onDone: {
              target: 'ready',
              actions: assign({
                record: ({ context, event }) => {
                  const details = event.output as DetailsResult;
                  return { ...context.record, description: details.description || context.record.description, comments: details.comments };
                },
                detailsLoaded: true,
              }),
            },
            onError: {
              // The ticket is still workable from what the poll gave; say why details are missing.
              target: 'ready',
              actions: assign({
                record: ({ context, event }) => ({ ...context.record, last_error: `details: ${String((event.error as Error)?.message ?? event.error)}` }),
                detailsLoaded: true,
              }),
            },
          },
        },
        ready: {
          entry: { type: 'report', params: ({ context }) => report(context, true, 'queued.ready') },
        },
      },
      on: {
        'ticket.dispatch': {
          target: 'dispatched',
          actions: assign({
            record: ({ context, event }) => ({
              ...context.record,
              status: 'dispatched',
              session: event.session,
              attempts: context.record.attempts + 1,
              dispatched_at: event.at,
            }),
            repo: ({ event }) => event.repo,
          }),
        },
        'ticket.block': { target: 'blocked', actions: assign({ record: ({ context, event }) => finish(context.record, 'blocked', event.at, event.reason) }) },
        'ticket.cancel': { target: 'cancelled', actions: assign({ record: ({ context, event }) => finish(context.record, 'cancelled', event.at, null) }) },
      },
    },
    dispatched: {
      entry: [
        assign({ record: ({ context }) => ({ ...context.record, status: 'dispatched' }) }),
        { type: 'report', params: ({ context }) => report(context, false, 'dispatched') },
      ],
      on: {
        'ticket.turn_ended': {
          target: 'verifying',
          actions: assign({ record: ({ context, event }) => ({ ...context.record, summary: event.summary ?? context.record.summary }) }),
        },
        'ticket.requeue': {
          target: 'queued',
          actions: assign({ record: ({ context, event }) => ({ ...context.record, last_error: event.reason }) }),
        },
        'ticket.reapproach': {
          actions: [
            assign({
              record: ({ context, event }) => ({ ...context.record, reapproaches: context.record.reapproaches + 1, last_error: event.reason }),
            }),
            { type: 'report', params: ({ context }) => report(context, false, 'dispatched') },
          ],
        },
        'ticket.escalate': {
          target: 'escalated',
          actions: [assign({ record: ({ context, event }) => finish(context.record, 'escalated', event.at, event.reason) }), escalateWithRecord],
        },
        'ticket.cancel': { target: 'cancelled', actions: assign({ record: ({ context, event }) => finish(context.record, 'cancelled', event.at, null) }) },
      },
    },
    verifying: {
      entry: [
        assign({ record: ({ context }) => ({ ...context.record, status: 'verifying' }) }),
        { type: 'report', params: ({ context }) => report(context, false, 'verifying') },
      ],
      always: { guard: ({ context }) => !context.record.signal_cmd?.trim(), target: 'reviewing' },
      invoke: {
        src: 'verify',
        input: ({ context }: { context: TicketContext }) => ({ command: context.record.signal_cmd!, cwd: context.repo }),
        onDone: [
          {
            guard: ({ event }) => (event.output as VerifyResult).exit_code === 0,
            target: 'reviewing',
            actions: assign({ record: ({ context, event }) => withSignal(context.record, event.output as VerifyResult) }),
          },
          {
            guard: ({ context }) => context.record.signal_attempts + 1 >= context.limits.maxSignalAttempts,
            target: 'escalated',
            actions: [
              assign({
                record: ({ context, event }) => {
                  const result = event.output as VerifyResult;
                  const record = withSignal(context.record, result);
                  return finish(record, 'escalated', result.at, `signal_cmd failed ${record.signal_attempts} times (exit ${result.exit_code})`);
                },
              }),
              escalateWithRecord,
            ],
          },
          {
            // re-queued with the output tail as feedback for the next attempt
            target: 'queued',
            actions: assign({
              record: ({ context, event }) => {
                const result = event.output as VerifyResult;
                return { ...withSignal(context.record, result), feedback: result.output_tail, last_error: `signal_cmd exited ${result.exit_code}` };
              },
              detailsLoaded: true,
            }),
          },
        ],
        // A check that cannot run (repo gone, no shell) counts as a failed attempt: left
        // uncounted, the ticket would be re-queued and re-typed into the agent forever.
        onError: [
          {
            guard: ({ context }) => context.record.signal_attempts + 1 >= context.limits.maxSignalAttempts,
            target: 'escalated',
            actions: [
              assign({
                record: ({ context, event }) => {
                  const error = event.error as Error & { at?: string };
                  const record = { ...context.record, signal_attempts: context.record.signal_attempts + 1 };
                  return finish(record, 'escalated', error.at ?? context.record.dispatched_at ?? context.record.created_at, `signal_cmd could not run: ${String(error?.message ?? error)}`);
                },
              }),
              escalateWithRecord,
            ],
          },
          {
            target: 'queued',
            actions: assign({
              record: ({ context, event }) => ({
                ...context.record,
                signal_attempts: context.record.signal_attempts + 1,
                last_error: `signal_cmd could not run: ${String((event.error as Error)?.message ?? event.error)}`,
              }),
            }),
          },
        ],
      },
    },
    reviewing: {
      always: { guard: ({ context }) => !(context.limits.strictReview && !context.record.signal_cmd), target: 'closing' },
      entry: [
        assign({ record: ({ context }) => ({ ...context.record, status: 'reviewing' }) }),
        { type: 'report', params: ({ context }) => report(context, false, 'reviewing') },
      ],
      invoke: {
        src: 'review',
        input: ({ context }: { context: TicketContext }) => ({ record: context.record, cwd: context.repo }),
        onDone: [
          {
            guard: ({ event }) => (event.output as ReviewResult).verdict === 'PASS',
            target: 'closing',
            actions: assign({ record: ({ context, event }) => withReview(context.record, event.output as ReviewResult) }),
          },
          {
            guard: ({ context }) => context.record.review_attempts + 1 >= context.limits.maxReviewAttempts,
            target: 'escalated',
            actions: [
              assign({
                record: ({ context, event }) => {
                  const result = event.output as ReviewResult;
                  return finish(withReview(context.record, result), 'escalated', result.at, `review failed: ${result.reason}`);
                },
              }),
              escalateWithRecord,
            ],
          },
          {
            target: 'queued',
            actions: assign({
              record: ({ context, event }) => {
                const result = event.output as ReviewResult;
                return { ...withReview(context.record, result), feedback: `Review: ${result.reason}` };
              },
            }),
          },
        ],
        onError: {
          // No reviewer (no API key, API down): the work stands on what it has; say so.
          target: 'closing',
          actions: assign({
            record: ({ context, event }) => ({ ...context.record, last_error: `review skipped: ${String((event.error as Error)?.message ?? event.error)}` }),
          }),
        },
      },
    },
    // Writing the result back to the tracker (journaled by the actor that does it).
    closing: {
      entry: [
        assign({ record: ({ context }) => ({ ...context.record, status: 'closing' }) }),
        { type: 'report', params: ({ context }) => report(context, false, 'closing') },
      ],
      invoke: {
        src: 'writeBack',
        input: ({ context }: { context: TicketContext }) => ({ record: context.record }),
        onDone: {
          target: 'done',
          actions: assign({ record: ({ context, event }) => finish(context.record, 'done', (event.output as { at: string }).at, null) }),
        },
        onError: {
          target: 'done',
          actions: assign({
            record: ({ context, event }) => {
              const error = event.error as Error & { at?: string };
              return finish(context.record, 'done', error.at ?? context.record.dispatched_at ?? context.record.created_at, `write-back failed: ${error.message}`);
            },
          }),
        },
      },
    },
    done: {
      type: 'final',
      entry: { type: 'report', params: ({ context }) => report(context, false, 'done') },
    },
    failed: {
      entry: { type: 'report', params: ({ context }) => report(context, false, 'failed') },
      on: { 'ticket.retry': { target: 'queued', actions: 'resetAttempts' } },
    },
    // `escalate` runs on the edges into this state, not on entry: a ticket restored here
    // was escalated in an earlier run and must not be escalated (file, comment) again.
    escalated: {
      entry: { type: 'report', params: ({ context }) => report(context, false, 'escalated') },
      on: { 'ticket.retry': { target: 'queued', actions: 'resetAttempts' } },
    },
    blocked: {
      entry: { type: 'report', params: ({ context }) => report(context, false, 'blocked') },
      on: { 'ticket.retry': { target: 'queued', actions: 'resetAttempts' } },
    },
    cancelled: {
      entry: { type: 'report', params: ({ context }) => report(context, false, 'cancelled') },
      on: { 'ticket.retry': { target: 'queued', actions: 'resetAttempts' } },
    },
  },
});

function report(context: TicketContext, dispatchable: boolean, machineState: string): TicketReport {
  return { type: 'ticket.changed', record: context.record, dispatchable, machineState };
}

function finish(record: TicketRecord, status: TicketStatus, at: string, reason: string | null): TicketRecord {
  return { ...record, status, finished_at: at, session: status === 'done' ? record.session : null, last_error: reason ?? record.last_error };
}

function withSignal(record: TicketRecord, result: VerifyResult): TicketRecord {
  return {
    ...record,
    signal_attempts: result.exit_code === 0 ? record.signal_attempts : record.signal_attempts + 1,
    signal_history: [...record.signal_history, { exit_code: result.exit_code, at: result.at, output_tail: result.output_tail }],
  };
}

function withReview(record: TicketRecord, result: ReviewResult): TicketRecord {
  return {
    ...record,
    review_attempts: result.verdict === 'PASS' ? record.review_attempts : record.review_attempts + 1,
    review_history: [...record.review_history, { verdict: result.verdict, reason: result.reason, at: result.at }],
  };
}

export type TicketActor = ActorRefFrom<typeof ticketMachine>;
