/**
 * Escalation files: `<data_dir>/escalations/task-0007.md`, one per escalated ticket, for a
 * human to read. Removing the file is how the human marks it handled.
 *
 * Ticket and agent text is untrusted: escape sequences and control bytes are stripped, and
 * it appears only inside code spans and fenced blocks whose fences are longer than any run
 * of backticks in the text, so it cannot close its block and write markdown (or HTML) of its own.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sanitizeText } from '../../lib/sanitize.js';
import { ensurePrivateDir, isMissing, writeFileAtomic } from './files.js';
import type { TicketRecord } from '../../lib/ticket.js';

export const ESCALATIONS_DIR = 'escalations';

export interface EscalationRecord {
  /** Why: `signal_failed`, `review_failed`, `unreachable`, `error_loop`, … */
  kind: string;
  escalated_at: string;
  last_reason: string;
  ticket: Pick<TicketRecord, 'id' | 'title' | 'signal_cmd' | 'summary' | 'signal_history' | 'review_history'> &
    Partial<Pick<TicketRecord, 'provider' | 'url' | 'session' | 'attempts'>>;
}

/** One file in `escalations/`; the fields are null for a file zoro did not write. */
export interface EscalationFile {
  file: string;
  path: string;
  ticket: string | null;
  kind: string | null;
  escalated_at: string | null;
  title: string | null;
}

/** `task-0007.md` for ticket "7"; a slug plus a short hash for any other id. */
export function escalationFileName(ticketId: string): string {
  if (/^\d+$/.test(ticketId)) return `task-${ticketId.padStart(4, '0')}.md`;
  const slug = ticketId.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48);
  // Distinct ids can share a slug ("a/b", "a-b"); the hash keeps their files apart.
  const hash = createHash('sha256').update(ticketId).digest('hex').slice(0, 8);
  return `task-${slug ? `${slug}-` : ''}${hash}.md`;
}

/** Writes (atomically, 0600) the escalation file for `record.ticket`; returns its path. */
export async function writeEscalation(dataDir: string, record: EscalationRecord): Promise<string> {
  const dir = join(dataDir, ESCALATIONS_DIR);
  await ensurePrivateDir(dir);
  const path = join(dir, escalationFileName(record.ticket.id));
  await writeFileAtomic(path, renderEscalation(record));
  return path;
}

/** The escalation files still waiting for a human, by file name. */
export async function listEscalations(dataDir: string): Promise<EscalationFile[]> {
  const dir = join(dataDir, ESCALATIONS_DIR);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
  const files: EscalationFile[] = [];
  for (const file of names.filter((name) => name.endsWith('.md') && !name.startsWith('.')).sort()) {
    const path = join(dir, file);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (isMissing(error)) continue; // handled (removed) while we listed
      throw error;
    }
    files.push({ file, path, ...readHeader(text) });
  }
  return files;
}

const HEADER = /^<!-- zoro-escalation (\{.*\}) -->$/m;

function readHeader(text: string): Omit<EscalationFile, 'file' | 'path'> {
  const none = { ticket: null, kind: null, escalated_at: null, title: null };
  const match = HEADER.exec(text);
  if (!match) return none;
  let value: unknown;
  try {
    value = JSON.parse(match[1]!);
  } catch {
    // A hand-edited header: still listed, just without its fields.
    return none;
  }
  const field = (key: string) => {
    const item = (value as Record<string, unknown> | null)?.[key];
    return typeof item === 'string' ? item : null;
  };
  return { ticket: field('ticket'), kind: field('kind'), escalated_at: field('escalated_at'), title: field('title') };
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/** A fenced block whose fence no line of `text` can close. */
export function fenced(text: string, info = 'text'): string {
  const body = sanitizeText(text).replace(/\n+$/, '');
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(body) + 1));
  return `${fence}${info}\n${body}\n${fence}`;
}

/** One line of untrusted text as a code span (rendered literally, never as markdown or HTML). */
export function codeSpan(text: string): string {
  const line = sanitizeText(text).replace(/[\n\t]+/g, ' ').trim();
  if (line === '') return '(none)';
  const ticks = '`'.repeat(longestBacktickRun(line) + 1);
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${line}${pad}${ticks}`;
}

// JSON inside an HTML comment: with < and > escaped nothing in it can end the comment, and
// with U+2028/9 escaped it stays one line.
function headerComment(fields: Record<string, string>): string {
  const json = JSON.stringify(fields).replace(/[<>\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `<!-- zoro-escalation ${json} -->`;
}

export function renderEscalation(record: EscalationRecord): string {
  const { ticket } = record;
  const out: string[] = [
    headerComment({ ticket: ticket.id, kind: record.kind, escalated_at: record.escalated_at, title: sanitizeText(ticket.title) }),
    `# Escalation: ticket ${codeSpan(ticket.id)}`,
    '',
    'zoro stopped working on this ticket and needs a human. Delete this file once it is handled.',
    '',
    `- kind: ${codeSpan(record.kind)}`,
    `- escalated_at: ${codeSpan(record.escalated_at)}`,
    `- last_reason: ${codeSpan(record.last_reason)}`,
    `- title: ${codeSpan(ticket.title)}`,
    `- signal_cmd: ${ticket.signal_cmd === null ? '(none)' : codeSpan(ticket.signal_cmd)}`,
  ];
  if (ticket.provider !== undefined) out.push(`- provider: ${codeSpan(ticket.provider)}`);
  if (ticket.url) out.push(`- url: ${codeSpan(ticket.url)}`);
  if (ticket.session) out.push(`- session: ${codeSpan(ticket.session)}`);
  if (ticket.attempts !== undefined) out.push(`- attempts: ${ticket.attempts}`);
  out.push('', "## The worker's last summary", '', ticket.summary ? fenced(ticket.summary) : '(none)', '');
  out.push('## Review history', '');
  if (ticket.review_history.length === 0) out.push('(no reviews)', '');
  for (const [index, review] of ticket.review_history.entries()) {
    out.push(`### Review ${index + 1}: ${review.verdict === 'PASS' ? 'PASS' : 'FAIL'} at ${codeSpan(review.at)}`, '', fenced(review.reason), '');
  }
  out.push('## Signal history', '');
  if (ticket.signal_history.length === 0) out.push('(no signal_cmd runs)', '');
  for (const [index, run] of ticket.signal_history.entries()) {
    out.push(`### Attempt ${index + 1}: exit ${Number(run.exit_code)} at ${codeSpan(run.at)}`, '', fenced(run.output_tail), '');
  }
  return out.join('\n');
}
