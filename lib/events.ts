/**
 * The event log's record: one line of `events.jsonl`, one entry in `/api/state.events`,
 * one `{"type":"event"}` WebSocket message. Never carries a secret.
 */
export interface ZoroEvent {
  /** Monotonic within a data_dir. */
  seq: number;
  at: string;
  /** Dotted name: `ticket.dispatched`, `session.state`, `actor.restarted`, `config.reloaded`… */
  type: string;
  session?: string;
  ticket?: string;
  provider?: string;
  message: string;
  data?: Record<string, unknown>;
}
