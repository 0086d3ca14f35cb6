/**
 * Helpers the tracker adapters share for building their poll result.
 */
import type { ProviderTicket } from './types.js';

export type Reason = ProviderTicket['reason'];

/** A tracker ticket: the plan-only fields (signal command, dependencies, context) left empty. */
export function trackerTicket(fields: {
  id: string;
  title: string;
  description?: string;
  projectId: string | null;
  projectIds?: string[];
  url: string | null;
  reason: Reason;
  updatedAt: string | null;
}): ProviderTicket {
  const ticket: ProviderTicket = {
    id: fields.id,
    title: fields.title,
    description: fields.description ?? '',
    projectId: fields.projectId,
    signalCmd: null,
    dependsOn: [],
    context: '',
    url: fields.url,
    reason: fields.reason,
    updatedAt: fields.updatedAt,
  };
  if (fields.projectIds && fields.projectIds.length > 1) ticket.projectIds = fields.projectIds;
  return ticket;
}

// When one ticket turns up in several listings, the strongest reason wins: work assigned
// to the user beats work waiting on them, which beats a mention, which beats watching.
const STRENGTH: Record<Reason, number> = { assigned: 0, waiting: 1, mentioned: 2, watched: 3, plan: 4 };

/** Merges listings into one list without duplicates, in first-seen order, keeping the strongest reason. */
export function mergeTickets(...lists: ProviderTicket[][]): ProviderTicket[] {
  const byId = new Map<string, ProviderTicket>();
  for (const ticket of lists.flat()) {
    const seen = byId.get(ticket.id);
    if (!seen) byId.set(ticket.id, ticket);
    else if (STRENGTH[ticket.reason] < STRENGTH[seen.reason]) byId.set(ticket.id, { ...seen, reason: ticket.reason });
  }
  return [...byId.values()];
}
