/**
 * The edge every ticket source implements: plan.md, Asana, Monday.com, GitHub Issues,
 * Linear, Jira. The rest of zoro never knows which one a ticket came from.
 */

/** A ticket as a provider reports it on a poll. Ids are the provider's own. */
export interface ProviderTicket {
  /** Stable id within this provider: a plan number ("3"), `owner/repo#12`, `ENG-42`, a gid. */
  id: string;
  title: string;
  /** Plain text; may be empty until `details()` fills it. */
  description: string;
  /** The project the ticket belongs to, matched against a session's `project_ids`. */
  projectId: string | null;
  /**
   * Every project the ticket belongs to, when a tracker allows several (an Asana task in
   * two projects). `projectId` is the first of them; a session whose `project_ids` names
   * any of them may take the ticket. Absent means `[projectId]`.
   */
  projectIds?: string[];
  /** Shell command that proves the work is done (plan.md `signal_cmd`). */
  signalCmd: string | null;
  /** Ids of tickets of the same provider that must be done first. */
  dependsOn: string[];
  /** Extra text for the agent (plan.md's indented lines). */
  context: string;
  url: string | null;
  /** Why this ticket concerns the user: assigned, watched, waiting, mentioned, plan. */
  reason: 'assigned' | 'watched' | 'waiting' | 'mentioned' | 'plan';
  /** Provider's last-modified stamp, when it has one; a change re-reads the details. */
  updatedAt: string | null;
}

export interface TicketComment {
  author: string;
  body: string;
  createdAt: string | null;
}

export interface TicketDetails {
  description: string;
  comments: TicketComment[];
}

export interface TicketProvider {
  /** The `[provider:NAME]` name. */
  readonly name: string;
  /** The tracker kind: asana | monday | github | linear | jira | plan. */
  readonly type: string;
  /** Tickets that concern the user now. Throws ProviderError; never returns partial garbage. */
  poll(signal?: AbortSignal): Promise<ProviderTicket[]>;
  /** Full description and comments. */
  details(id: string, signal?: AbortSignal): Promise<TicketDetails>;
  /** Post a comment on the ticket (work started, stuck, done with summary). */
  comment(id: string, body: string, signal?: AbortSignal): Promise<void>;
  /** Mark the ticket done upstream (complete, close, transition). */
  complete(id: string, summary: string, signal?: AbortSignal): Promise<void>;
  /** Push-style providers (plan.md) call back when their source changed. Returns unsubscribe. */
  watch?(onChange: () => void): () => void;
  /** Add a ticket (plan.md via `zoro add`). Returns its id. */
  add?(ticket: NewTicket): Promise<string>;
  close?(): Promise<void>;
}

export interface NewTicket {
  title: string;
  signalCmd: string | null;
  dependsOn: string[];
  projectId: string | null;
  context: string;
}
