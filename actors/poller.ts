/**
 * The poller machine's `poll` actor: ask the provider, and turn its tickets into
 * zoro-wide ones (ids made unique across providers, dependencies mapped the same way).
 */
import { fromPromise } from 'xstate';
import type { ProviderTicket, TicketProvider } from '../adapters/providers/types.js';
import type { IncomingTicket } from '../machines/ingest.js';
import type { PollResult } from '../machines/poller.js';

export interface PollDeps {
  provider(name: string): TicketProvider | null;
  /** zoro-wide id for a provider's ticket id. */
  globalId(provider: string, id: string): string;
  now(): string;
}

export function createPollLogic(deps: PollDeps) {
  return fromPromise<PollResult<IncomingTicket>, { name: string }>(async ({ input, signal }) => {
    const provider = deps.provider(input.name);
    if (!provider) return { tickets: [], at: deps.now() };
    const tickets = await provider.poll(signal);
    return { tickets: tickets.map((t) => incoming(provider, t, deps)), at: deps.now() };
  });
}

function incoming(provider: TicketProvider, ticket: ProviderTicket, deps: PollDeps): IncomingTicket {
  return {
    id: deps.globalId(provider.name, ticket.id),
    provider: provider.name,
    external_id: ticket.id,
    title: ticket.title,
    description: ticket.description,
    context: ticket.context,
    project_id: ticket.projectId,
    ...(ticket.projectIds ? { project_ids: ticket.projectIds } : {}),
    signal_cmd: ticket.signalCmd,
    depends_on: ticket.dependsOn.map((id) => deps.globalId(provider.name, id)),
    url: ticket.url,
    updated_at: ticket.updatedAt,
    // plan.md gives everything on the poll; trackers need a details call for comments.
    complete: provider.type === 'plan',
  };
}
