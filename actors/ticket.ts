/**
 * The ticket machine's effects: read details from the provider, run `signal_cmd` in the
 * repo, write the result back (journaled first), and write the escalation file.
 */
import { spawn } from 'node:child_process';
import { fromPromise } from 'xstate';
import type { TicketProvider } from '../adapters/providers/types.js';
import { writeEscalation } from '../adapters/store/escalations.js';
import { errorMessage, ZoroError } from '../lib/errors.js';
import { stripAnsi } from '../lib/ansi.js';
import type { TicketRecord } from '../lib/ticket.js';
import type { DetailsResult, ReviewResult, VerifyResult } from '../machines/ticket.js';

export interface TicketDeps {
  provider(name: string): TicketProvider | null;
  now(): string;
  dataDir: string;
  signalTimeoutMs: number;
  journal: {
    begin(entry: { id: string; kind: 'writeback'; ticket: string }): Promise<void>;
    end(id: string): Promise<void>;
  };
  /** Journal entries for write-backs begun before a crash: do not comment twice. */
  openWriteBacks: Set<string>;
  log(entry: { type: string; message: string; ticket?: string; data?: Record<string, unknown> }): void;
  /** Strict review (team mode / `strict_review`), when a reviewer is configured. */
  review?(record: TicketRecord, cwd: string | null): Promise<ReviewResult>;
}

export function createTicketLogic(deps: TicketDeps) {
  return {
    details: fromPromise<DetailsResult, { record: TicketRecord }>(async ({ input, signal }) => {
      const provider = deps.provider(input.record.provider);
      if (!provider) return { description: input.record.description, comments: input.record.comments };
      const details = await provider.details(input.record.external_id, signal);
      return { description: details.description, comments: details.comments };
    }),

    verify: fromPromise<VerifyResult, { command: string; cwd: string | null }>(async ({ input, signal }) => {
      const { code, output } = await runShell(input.command, input.cwd ?? process.cwd(), deps.signalTimeoutMs, signal);
      return { exit_code: code, output_tail: tail(output, 40), at: deps.now() };
    }),

    review: fromPromise<ReviewResult, { record: TicketRecord; cwd: string | null }>(async ({ input }) => {
      if (!deps.review) throw new ZoroError('no reviewer configured (set anthropic_api_key for strict_review)');
      return deps.review(input.record, input.cwd);
    }),

    writeBack: fromPromise<{ at: string }, { record: TicketRecord }>(async ({ input, signal }) => {
      const record = input.record;
      const provider = deps.provider(record.provider);
      if (!provider) return { at: deps.now() };
      const id = `writeback:${record.id}`;
      const resumed = deps.openWriteBacks.delete(id);
      await deps.journal.begin({ id, kind: 'writeback', ticket: record.id });
      try {
        // complete() posts its text as the closing comment. After a crash mid-write-back that
        // comment may already be there: complete again, without the text.
        await provider.complete(record.external_id, resumed ? '' : doneComment(record), signal);
      } catch (error) {
        throw Object.assign(new ZoroError(`${provider.name}: ${errorMessage(error)}`, { cause: error }), { at: deps.now() });
      } finally {
        await deps.journal.end(id);
      }
      return { at: deps.now() };
    }),

    escalate: (record: TicketRecord) => {
      const at = record.finished_at ?? deps.now();
      writeEscalation(deps.dataDir, {
        kind: record.signal_attempts > 0 && record.last_error?.startsWith('signal_cmd') ? 'signal_failed' : record.review_attempts > 0 ? 'review_failed' : 'stuck',
        escalated_at: at,
        last_reason: record.last_error ?? 'escalated',
        ticket: record,
      })
        .then((path) => deps.log({ type: 'ticket.escalation_written', message: `${record.id}: escalation written to ${path}`, ticket: record.id, data: { path } }))
        .catch((error) => deps.log({ type: 'ticket.escalation_failed', message: `${record.id}: could not write the escalation file: ${errorMessage(error)}`, ticket: record.id }));
      const provider = deps.provider(record.provider);
      provider
        ?.comment(record.external_id, `zoro: this ticket needs a human. ${record.last_error ?? ''}`.trim())
        .catch((error) => deps.log({ type: 'provider.write_failed', message: `${record.id}: could not comment on ${provider.name}: ${errorMessage(error)}`, ticket: record.id }));
    },
  };
}

function doneComment(record: TicketRecord): string {
  const lines = [`zoro: done by session ${record.session ?? '?'} after ${record.attempts} attempt(s).`];
  if (record.signal_cmd) lines.push(`Check passed: ${record.signal_cmd}`);
  if (record.summary) lines.push('', record.summary);
  return lines.join('\n');
}

/** Run a shell command (signal_cmd is the plan author's shell command by design). */
export function runShell(command: string, cwd: string, timeoutMs: number, signal?: AbortSignal): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-64_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already exited
      }
    };
    const timer = setTimeout(() => {
      output += `\n[zoro] signal_cmd timed out after ${timeoutMs / 1000} s`;
      kill();
    }, timeoutMs);
    signal?.addEventListener('abort', kill, { once: true });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new ZoroError(`cannot run signal_cmd in ${cwd}: ${error.message}`, { cause: error }));
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      resolve({ code: code ?? (sig ? 128 : 1), output });
    });
  });
}

function tail(text: string, lines: number): string {
  return stripAnsi(text).split('\n').slice(-lines).join('\n').trimEnd();
}
