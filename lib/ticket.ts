/**
 * The ticket record: what zoro knows about one ticket. The ticket machine's context, the
 * store's row, and (reduced) the cockpit's view.
 */
export const TICKET_STATUSES = [
  'queued',
  'dispatched',
  'verifying',
  'reviewing',
  'closing',
  'done',
  'failed',
  'escalated',
  'blocked',
  'cancelled',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Statuses a ticket never leaves by itself. */
export const SETTLED: ReadonlySet<TicketStatus> = new Set(['done', 'failed', 'escalated', 'blocked', 'cancelled']);
/** A parent in one of these makes its dependents `blocked`. */
export const BLOCKING: ReadonlySet<TicketStatus> = new Set(['failed', 'escalated', 'cancelled', 'blocked']);

export interface SignalAttempt {
  exit_code: number;
  at: string;
  output_tail: string;
}

export interface ReviewAttempt {
  verdict: 'PASS' | 'FAIL';
  reason: string;
  at: string;
}

export interface TicketComment {
  author: string;
  body: string;
  createdAt: string | null;
}

export interface TicketRecord {
  /** zoro-wide id (`3` from a plan, `owner/repo#12`, `ENG-4`…). */
  id: string;
  provider: string;
  /** The provider's own id for write-backs. */
  external_id: string;
  title: string;
  description: string;
  context: string;
  comments: TicketComment[];
  url: string | null;
  project_id: string | null;
  /** Every project the ticket is in (an Asana task can be in several); routing matches any. */
  project_ids?: string[];
  signal_cmd: string | null;
  depends_on: string[];
  /** Sessions named explicitly (`zoro add --session`); empty = routed by project. */
  sessions: string[];
  status: TicketStatus;
  session: string | null;
  attempts: number;
  signal_attempts: number;
  review_attempts: number;
  reapproaches: number;
  feedback: string | null;
  summary: string | null;
  signal_history: SignalAttempt[];
  review_history: ReviewAttempt[];
  /** Arrival order: the FIFO position. */
  seq: number;
  created_at: string;
  dispatched_at: string | null;
  finished_at: string | null;
  last_error: string | null;
  updated_at: string | null;
}
