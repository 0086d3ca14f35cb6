/**
 * The shapes on disk and their validation at the edge. Both backends (file and memory) hold
 * the same text, so a record survives the memory twin exactly as it survives a JSON file.
 */
import type { ZoroEvent } from '../../lib/events.js';
import { errorMessage } from '../../lib/errors.js';
import { TICKET_STATUSES } from '../../lib/ticket.js';
import { StoreError, type JournalEntry, type PersistedTicket, type SessionRecord } from './types.js';

/** A ticket with the store's revision: of two records for one id, the higher `rev` is newer. */
export interface StoredTicket {
  rev: number;
  ticket: PersistedTicket;
}

/** `state.json`: live state only. Finished tickets live in `tickets-archive.jsonl`. */
export interface StateDoc {
  format: 'zoro-state';
  version: 1;
  saved_at: string;
  /** Highest ticket revision handed out. */
  rev: number;
  /** Highest event seq handed out when this was saved (the event log may lose its last few on a crash). */
  event_seq: number;
  tickets: Record<string, StoredTicket>;
  sessions: Record<string, SessionRecord>;
  /** Open journal entries (ended ones are dropped). */
  journal: JournalEntry[];
}

export function emptyStateDoc(): StateDoc {
  return { format: 'zoro-state', version: 1, saved_at: '', rev: 0, event_seq: 0, tickets: {}, sessions: {}, journal: [] };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why `value` is not a ticket record, or null when it is one. Checks what the store relies on. */
export function ticketProblem(value: unknown): string | null {
  if (!isObject(value)) return 'not an object';
  if (typeof value.id !== 'string' || value.id === '') return 'id is not a non-empty string';
  if (!(TICKET_STATUSES as readonly unknown[]).includes(value.status)) return `status ${JSON.stringify(value.status)} is not one of ${TICKET_STATUSES.join(', ')}`;
  if (typeof value.seq !== 'number') return 'seq is not a number';
  return null;
}

export function isStoredTicket(value: unknown): value is StoredTicket {
  return isObject(value) && typeof value.rev === 'number' && ticketProblem(value.ticket) === null;
}

export function isEvent(value: unknown): value is ZoroEvent {
  return isObject(value) && typeof value.seq === 'number' && typeof value.type === 'string';
}

/**
 * Parses `state.json` text. A file that is not JSON, or not zoro's, is a StoreError naming the
 * file and the backup: the caller stops instead of starting empty and losing tickets.
 */
export function parseStateDoc(text: string, file: string, backup: string | null): StateDoc {
  const restore = backup
    ? `The previous good copy is ${backup}: \`cp ${backup} ${file}\` restores it (changes saved after it are lost), or repair ${file} by hand.`
    : `There is no backup copy; repair ${file} by hand, or move it aside to start with no live tickets.`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StoreError(file, `is not valid JSON (${errorMessage(error)}); zoro stopped rather than start empty and lose tickets. ${restore}`, { cause: error });
  }
  const problem = stateDocProblem(value);
  if (problem) throw new StoreError(file, `is not a zoro state file (${problem}); zoro stopped rather than overwrite it. ${restore}`);
  return value as StateDoc;
}

function stateDocProblem(value: unknown): string | null {
  if (!isObject(value)) return 'not a JSON object';
  if (value.format !== 'zoro-state') return 'format is not "zoro-state"';
  if (value.version !== 1) return `version ${JSON.stringify(value.version)} is not 1 (written by a newer zoro?)`;
  if (typeof value.rev !== 'number' || typeof value.event_seq !== 'number') return 'rev or event_seq is not a number';
  if (!isObject(value.tickets)) return 'tickets is not an object';
  for (const [id, stored] of Object.entries(value.tickets)) {
    if (!isStoredTicket(stored)) return `tickets.${id} is not {rev, ticket} (${isObject(stored) ? ticketProblem(stored.ticket) : 'not an object'})`;
  }
  if (!isObject(value.sessions)) return 'sessions is not an object';
  if (!Array.isArray(value.journal)) return 'journal is not a list';
  for (const entry of value.journal) {
    if (!isObject(entry) || typeof entry.id !== 'string' || typeof entry.ticket !== 'string') return 'a journal entry lacks id or ticket';
  }
  return null;
}

/** JSON round trip: what comes back from disk, so memory and file stores hold identical values. */
export function jsonClone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** FNV-1a: a cheap fingerprint to skip re-archiving a ticket that has not changed. */
export function fingerprint(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

