/**
 * The root: spawns one poller per provider, one session per `[session:*]` and one ticket
 * actor per live ticket; keeps a mirror of what they report; routes and dispatches; and
 * supervises (a child that fails is restarted with backoff, and the restart is logged).
 *
 * Every decision is made in `reconcile`, after each report, from the mirror alone.
 */
import { assign, emit, enqueueActions, setup, stopChild, type AnyActorLogic, type AnyActorRef } from 'xstate';
import { buildPrompt } from '../lib/prompt.js';
import { SETTLED, type TicketRecord } from '../lib/ticket.js';
import { blockingParent, nextDispatches } from './routing.js';
import { changedSince, newRecord, type IncomingTicket } from './ingest.js';
import type { OrchestratorContext, OrchestratorEmitted, OrchestratorEvent, OrchestratorInput, SessionEntry, TicketEntry } from './orchestrator-types.js';
import { describeTicket, log, logged, reapproachPrompt, respawnTicket, resumeFor, spawnTickets, toSession } from './orchestrator-support.js';

export type * from './orchestrator-types.js';

const ACTIVE_TICKET = new Set(['dispatched', 'verifying', 'reviewing']);

export const orchestratorMachine = setup({
  types: {
    context: {} as OrchestratorContext,
    input: {} as OrchestratorInput,
    events: {} as OrchestratorEvent,
    emitted: {} as OrchestratorEmitted,
  },
  actors: {
    session: {} as AnyActorLogic,
    ticket: {} as AnyActorLogic,
    poller: {} as AnyActorLogic,
  },
  actions: {
    applyConfig: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'config.loaded') return;
      const sessions = { ...context.sessions };
      const pollers = { ...context.pollers };
      const wanted = new Set(event.sessions.map((s) => s.name));
      for (const spec of event.sessions) {
        const entry = sessions[spec.name];
        if (entry) {
          sessions[spec.name] = { ...entry, spec, retiring: false };
          continue;
        }
        log(enqueue, { type: 'session.added', message: `session ${spec.name} added (${spec.agent} in ${spec.repo_path})`, session: spec.name });
        sessions[spec.name] = {
          spec,
          ref: null as unknown as AnyActorRef, // spawned below
          state: 'UNKNOWN',
          detail: null,
          ticketId: null,
          reason: null,
          retiring: false,
          idleSince: 0,
          awaiting: null,
        };
      }
      for (const [name, entry] of Object.entries(sessions)) {
        if (!wanted.has(name) && !entry.retiring) {
          sessions[name] = { ...entry, retiring: true };
          log(enqueue, { type: 'session.retiring', message: `session ${name} was removed from the config; it stops after its current ticket`, session: name });
        }
      }
      const wantedProviders = new Set(event.providers.map((p) => p.name));
      for (const spec of event.providers) {
        const entry = pollers[spec.name];
        if (entry) {
          if (entry.spec.intervalMs !== spec.intervalMs) enqueue.sendTo(entry.ref, { type: 'poller.set_interval', intervalMs: spec.intervalMs });
          pollers[spec.name] = { ...entry, spec };
          continue;
        }
        pollers[spec.name] = { spec, ref: null as unknown as AnyActorRef, state: 'polling', last_poll_at: null, last_error: null };
      }
      for (const [name, entry] of Object.entries(pollers)) {
        if (wantedProviders.has(name)) continue;
        enqueue(stopChild(entry.ref));
        delete pollers[name];
        log(enqueue, { type: 'provider.removed', message: `provider ${name} was removed from the config`, provider: name });
      }
      enqueue.assign(({ spawn }) => {
        for (const [name, entry] of Object.entries(sessions)) {
          if (entry.ref === null) {
            sessions[name] = {
              ...entry,
              ref: spawn('session', { id: `session:${name}`, input: { name, busyLimitMs: event.settings.busyLimitMs, resume: resumeFor(context, name) } }),
            };
          }
        }
        for (const [name, entry] of Object.entries(pollers)) {
          if (entry.ref === null) {
            pollers[name] = { ...entry, ref: spawn('poller', { id: `poller:${name}`, input: { name, type: entry.spec.type, intervalMs: entry.spec.intervalMs } }) };
          }
        }
        return { sessions, pollers, settings: event.settings };
      });
    }),

    ingest: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'provider.polled') return;
      const incoming = event.tickets as IncomingTicket[];
      const seen = new Set(incoming.map((t) => t.id));
      const added: TicketRecord[] = [];
      let seq = context.nextSeq;
      for (const ticket of incoming) {
        const entry = context.tickets[ticket.id];
        if (!entry) {
          added.push(newRecord(ticket, seq++, event.at));
        } else if (entry.ref && !SETTLED.has(entry.record.status) && changedSince(entry.record, ticket)) {
          enqueue.sendTo(entry.ref, { type: 'ticket.update', ...ticket });
        }
      }
      // Gone from the source (closed or unassigned upstream, removed from plan.md): no longer ours.
      for (const entry of Object.values(context.tickets)) {
        if (entry.record.provider === event.provider && entry.record.status === 'queued' && entry.ref && !seen.has(entry.record.id)) {
          enqueue.sendTo(entry.ref, { type: 'ticket.cancel', at: event.at });
          log(enqueue, { type: 'ticket.gone', message: `${entry.record.id} is no longer in ${event.provider}; cancelled`, ticket: entry.record.id, provider: event.provider });
        }
      }
      if (added.length > 0) {
        log(enqueue, { type: 'provider.tickets', message: `${event.provider}: ${added.length} new ticket(s)`, provider: event.provider, data: { ids: added.map((r) => r.id) } });
        enqueue.assign(spawnTickets(added, new Set(incoming.filter((t) => t.complete).map((t) => t.id))));
      }
    }),

    addTicket: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'ctl.add') return;
      if (context.tickets[event.ticket.id]) return;
      const record = newRecord(event.ticket, context.nextSeq, context.clock.now());
      log(enqueue, { type: 'ticket.added', message: `${record.id} added: ${record.title}`, ticket: record.id });
      enqueue.assign(spawnTickets([record], new Set([record.id])));
    }),

    mirrorTicket: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'ticket.changed') return;
      const before = context.tickets[event.record.id];
      if (!before) return;
      const record = event.record;
      enqueue.assign({ tickets: { ...context.tickets, [record.id]: { ...before, record, dispatchable: event.dispatchable } } });
      enqueue.emit({ type: 'persist.ticket', record });
      if (before.record.status !== record.status && record.status !== 'dispatched') {
        log(enqueue, {
          type: `ticket.${record.status}`,
          message: describeTicket(record),
          ticket: record.id,
          session: record.session ?? before.record.session ?? undefined,
          data: { attempts: record.attempts, signal_attempts: record.signal_attempts, from: before.record.status },
        });
      }
    }),

    mirrorSession: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'session.changed') return;
      const entry = context.sessions[event.name];
      if (!entry) return;
      const key = `${event.state}/${event.detail}`;
      const tick = context.tick + 1;
      const next: SessionEntry = {
        ...entry,
        state: event.state,
        detail: event.detail,
        ticketId: event.ticketId,
        reason: event.reason,
        awaiting: entry.awaiting === key ? entry.awaiting : null,
        idleSince: event.state === 'IDLE' && entry.state !== 'IDLE' ? tick : entry.idleSince,
      };
      const sessions = { ...context.sessions, [event.name]: next };
      const tickets = { ...context.tickets };
      if (entry.state !== event.state) {
        log(enqueue, {
          type: 'session.state',
          message: `${event.name}: ${entry.state} → ${event.state}${event.reason ? ` (${event.reason})` : ''}`,
          session: event.name,
          data: { from: entry.state, to: event.state, detail: event.detail },
        });
      }
      enqueue.emit({ type: 'persist.session', session: { name: event.name, state: event.state, ticketId: event.ticketId } });

      // A session that stopped holding its ticket without finishing the turn gives it back.
      if (event.state === 'IDLE' || event.state === 'UNREACHABLE' || event.state === 'PAUSED') {
        for (const t of Object.values(tickets)) {
          if (t.record.status === 'dispatched' && t.record.session === event.name && t.ref) {
            const reason = `session ${event.name} went ${event.state}${event.reason ? `: ${event.reason}` : ''}`;
            // An agent that dies on a ticket every time must not get it forever (and hold up
            // the queue behind it): after max_signal_attempts attempts it goes to a human.
            if (event.state === 'UNREACHABLE' && t.record.attempts >= context.settings.limits.maxSignalAttempts) {
              // Its own report (escalated) updates the mirror and logs it.
              enqueue.sendTo(t.ref, { type: 'ticket.escalate', reason: `${reason}, after ${t.record.attempts} attempts`, at: context.clock.now() });
              continue;
            }
            enqueue.sendTo(t.ref, { type: 'ticket.requeue', reason });
            // The mirror below already says queued, so the ticket's own report will not log it.
            log(enqueue, { type: 'ticket.queued', message: `${t.record.id} re-queued (${reason})`, ticket: t.record.id, session: event.name });
            tickets[t.record.id] = { ...t, record: { ...t.record, status: 'queued', session: null }, dispatchable: false };
          }
        }
      }
      // An error loop: re-approach with a new prompt, at most max_reapproach times, then escalate.
      if (event.state === 'ERROR_LOOP' && event.ticketId) {
        const ticket = tickets[event.ticketId];
        if (ticket?.ref && ticket.record.status === 'dispatched') {
          const reason = event.reason ?? 'error loop';
          if (ticket.record.reapproaches < context.settings.maxReapproach) {
            const record = { ...ticket.record, reapproaches: ticket.record.reapproaches + 1 };
            enqueue.sendTo(ticket.ref, { type: 'ticket.reapproach', reason });
            enqueue.sendTo(entry.ref, { type: 'session.reapproach', prompt: reapproachPrompt(context, record, next.spec, reason) });
            log(enqueue, { type: 'session.reapproach', message: `${event.name} is stuck on ${record.id} (${reason}); re-approach ${record.reapproaches} of ${context.settings.maxReapproach}`, session: event.name, ticket: record.id });
            tickets[record.id] = { ...ticket, record };
          } else {
            enqueue.sendTo(ticket.ref, { type: 'ticket.escalate', reason: `stuck after ${ticket.record.reapproaches} re-approaches: ${reason}`, at: context.clock.now() });
            enqueue.sendTo(entry.ref, { type: 'session.give_up', reason: `escalated ${ticket.record.id}: ${reason}` });
          }
        } else {
          // Its ticket is no longer in its hands (cancelled, or already being verified):
          // nothing to re-approach, and left alone the session would stay in ERROR_LOOP.
          enqueue.sendTo(entry.ref, { type: 'session.release' });
        }
        sessions[event.name] = { ...next, awaiting: key };
      }
      enqueue.assign({ sessions, tickets, tick });
    }),

    /** Every decision that follows from the mirror: block, release, retire, dispatch. */
    reconcile: enqueueActions(({ context, enqueue }) => {
      const tickets = { ...context.tickets };
      const sessions = { ...context.sessions };
      const ticketMap = new Map(Object.entries(tickets));
      const now = context.clock.now();
      let changed = false;

      for (const entry of Object.values(tickets)) {
        if (entry.record.status !== 'queued' || !entry.ref) continue;
        const parent = blockingParent(entry.record, ticketMap);
        if (!parent) continue;
        enqueue.sendTo(entry.ref, { type: 'ticket.block', reason: `depends on ${parent.id}, which is ${parent.status}`, at: now });
        tickets[entry.record.id] = { ...entry, record: { ...entry.record, status: 'blocked' }, dispatchable: false };
        changed = true;
      }

      for (const [name, s] of Object.entries(sessions)) {
        if (s.awaiting) continue;
        if (s.state === 'BUSY' && s.detail === 'settling' && s.ticketId) {
          const t = tickets[s.ticketId];
          if (!t || !ACTIVE_TICKET.has(t.record.status)) {
            enqueue.sendTo(s.ref, { type: 'session.release' });
            sessions[name] = { ...s, awaiting: `${s.state}/${s.detail}` };
            changed = true;
          }
        } else if (s.retiring && s.state !== 'BUSY' && s.state !== 'ERROR_LOOP') {
          enqueue(stopChild(s.ref));
          delete sessions[name];
          log(enqueue, { type: 'session.removed', message: `session ${name} stopped`, session: name });
          changed = true;
        }
      }

      const routeSessions = Object.values(sessions).map((s) => s.spec);
      const idle = Object.values(sessions)
        .filter((s) => s.state === 'IDLE' && !s.awaiting && !s.retiring)
        .sort((a, b) => a.idleSince - b.idleSince)
        .map((s) => s.spec);
      for (const { session, ticket } of nextDispatches(idle, routeSessions, new Map(Object.entries(tickets)))) {
        const t = tickets[ticket]!;
        const s = sessions[session]!;
        const attempt = t.record.attempts + 1;
        const prompt = buildPrompt({
          ticket: { ...t.record, comments: t.record.comments },
          session: { name: session, description: s.spec.description },
          attempt,
          feedback: t.record.feedback,
          readySignal: context.settings.readySignal,
        });
        enqueue.sendTo(t.ref!, { type: 'ticket.dispatch', session, repo: s.spec.repo_path, at: now });
        log(enqueue, { type: 'ticket.dispatched', message: `${ticket} → ${session} (attempt ${attempt}): ${t.record.title}`, ticket, session, data: { attempt } });
        enqueue.sendTo(s.ref, { type: 'session.dispatch', ticketId: ticket, attempt, prompt });
        tickets[ticket] = { ...t, record: { ...t.record, status: 'dispatched', session }, dispatchable: false };
        sessions[session] = { ...s, awaiting: 'IDLE/null' };
        changed = true;
      }
      if (changed) enqueue.assign({ tickets, sessions });
    }),

    scheduleRestart: enqueueActions(({ context, event, enqueue }) => {
      const id = event.type.slice('xstate.error.actor.'.length);
      const count = (context.restarts[id] ?? 0) + 1;
      const error = (event as { error?: unknown }).error;
      enqueue.assign({ restarts: { ...context.restarts, [id]: count } });
      log(enqueue, {
        type: 'actor.failed',
        message: `${id} failed: ${error instanceof Error ? error.message : String(error)}; restarting (attempt ${count})`,
        data: { actor: id, restarts: count },
      });
      enqueue.raise({ type: 'actor.restart', id }, { delay: 'restartBackoff' });
    }),

    restart: assign(({ context, event, spawn }) => {
      if (event.type !== 'actor.restart') return {};
      const [kind, ...rest] = event.id.split(':');
      const name = rest.join(':');
      if (kind === 'session' && context.sessions[name]) {
        const entry = context.sessions[name];
        const ref = spawn('session', { id: `session:${name}`, input: { name, busyLimitMs: context.settings.busyLimitMs, resume: resumeFor(context, name) } });
        return { sessions: { ...context.sessions, [name]: { ...entry, ref, state: 'UNKNOWN' as const, detail: null, awaiting: null } } };
      }
      if (kind === 'poller' && context.pollers[name]) {
        const entry = context.pollers[name];
        const ref = spawn('poller', { id: `poller:${name}`, input: { name, type: entry.spec.type, intervalMs: entry.spec.intervalMs } });
        return { pollers: { ...context.pollers, [name]: { ...entry, ref } } };
      }
      if (kind === 'ticket' && context.tickets[name]) {
        const entry = context.tickets[name];
        const repo = entry.record.session ? (context.sessions[entry.record.session]?.spec.repo_path ?? null) : null;
        const ref = spawn('ticket', { id: `ticket:${name}`, input: { record: entry.record, limits: context.settings.limits, detailsLoaded: true, repo } });
        return { tickets: { ...context.tickets, [name]: { ...entry, ref } } };
      }
      return {};
    }),
  },
  delays: {
    restartBackoff: ({ context, event }) => {
      // Evaluated when the restart is scheduled, with the failure (`xstate.error.actor.<id>`).
      const failed = event.type.startsWith('xstate.error.actor.') ? event.type.slice('xstate.error.actor.'.length) : null;
      const id = failed ?? (event as { id?: string }).id ?? '';
      return Math.min(60_000, 1_000 * 2 ** Math.max(0, (context.restarts[id] ?? 1) - 1));
    },
  },
}).createMachine({
  id: 'orchestrator',
  context: ({ input, spawn }) => {
    const tickets: Record<string, TicketEntry> = {};
    let nextSeq = 1;
    for (const record of input.tickets) {
      nextSeq = Math.max(nextSeq, record.seq + 1);
      const live = !SETTLED.has(record.status);
      tickets[record.id] = {
        record,
        dispatchable: false,
        ref: live
          ? spawn('ticket', {
              id: `ticket:${record.id}`,
              input: { record, limits: input.settings.limits, detailsLoaded: true, repo: record.session ? (input.repos?.[record.session] ?? null) : null },
            })
          : null,
      };
    }
    return { clock: input.clock, settings: input.settings, sessions: {}, tickets, pollers: {}, nextSeq, tick: 0, restarts: {} };
  },
  on: {
    'config.loaded': { actions: ['applyConfig', 'reconcile'] },
    'poller.changed': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const entry = context.pollers[event.name];
        if (!entry) return;
        if (event.last_error && event.last_error !== entry.last_error) {
          log(enqueue, { type: 'provider.error', message: event.last_error.startsWith(`${event.name}:`) ? event.last_error : `${event.name}: ${event.last_error}`, provider: event.name });
        }
        enqueue.assign({
          pollers: { ...context.pollers, [event.name]: { ...entry, state: event.state, last_poll_at: event.last_poll_at, last_error: event.last_error } },
        });
      }),
    },
    'provider.polled': { actions: ['ingest', 'reconcile'] },
    'session.changed': { actions: ['mirrorSession', 'reconcile'] },
    'session.delivered': {
      actions: emit(({ event }) =>
        logged({
          type: 'ticket.delivered',
          message: `${event.name} took ${event.ticketId} (attempt ${event.attempt})`,
          session: event.name,
          ticket: event.ticketId,
          data: { attempt: event.attempt },
        }),
      ),
    },
    'session.turn_ended': {
      actions: [
        enqueueActions(({ context, event, enqueue }) => {
          const ticket = context.tickets[event.ticketId];
          if (ticket?.ref && ticket.record.status === 'dispatched') {
            enqueue.sendTo(ticket.ref, { type: 'ticket.turn_ended', summary: event.summary, at: context.clock.now() });
          }
        }),
        emit(({ event }) =>
          logged({
            type: 'session.turn_ended',
            message: `${event.name} finished its turn on ${event.ticketId} (${event.source})`,
            session: event.name,
            ticket: event.ticketId,
          }),
        ),
      ],
    },
    'ticket.changed': { actions: ['mirrorTicket', 'reconcile'] },
    'ctl.pause': { actions: enqueueActions(({ context, event, enqueue }) => toSession(context, event.session, { type: 'session.pause' }, enqueue)) },
    'ctl.resume': { actions: enqueueActions(({ context, event, enqueue }) => toSession(context, event.session, { type: 'session.resume' }, enqueue)) },
    // `zoro done`, Claude Code hooks: told to the session like its own terminal would.
    'ctl.to_session': { actions: enqueueActions(({ context, event, enqueue }) => toSession(context, event.session, event.event, enqueue)) },
    'ctl.retry': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const entry = context.tickets[event.ticket];
        if (!entry || entry.record.status === 'done') return;
        if (entry.ref) enqueue.sendTo(entry.ref, { type: 'ticket.retry' });
        else enqueue.assign(respawnTicket(event.ticket));
      }),
    },
    'ctl.cancel': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const entry = context.tickets[event.ticket];
        if (entry?.ref) enqueue.sendTo(entry.ref, { type: 'ticket.cancel', at: context.clock.now() });
      }),
    },
    'ctl.add': { actions: ['addTicket', 'reconcile'] },
    'ctl.poll': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const poller = context.pollers[event.provider];
        if (poller) enqueue.sendTo(poller.ref, { type: 'poller.poll_now' });
      }),
    },
    'xstate.error.actor.*': { actions: 'scheduleRestart' },
    'actor.restart': { actions: ['restart', 'reconcile'] },
  },
});

