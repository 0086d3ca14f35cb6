/**
 * The plan.md provider: a local file of tasks as a ticket source.
 *
 *   const plan = createPlanProvider({ name: 'plan', path: '/repo/plan.md' });
 *   const tickets = await plan.poll();           // throws ParseError listing every bad line
 *   const stop = plan.watch!(() => poller.pollNow());
 *   const id = await plan.add!({ title: 'Write docs', signalCmd: null, dependsOn: ['1'], projectId: null, context: '' });
 *
 * The user owns plan.md: zoro never rewrites what is there. `complete()` and `comment()`
 * change nothing (the run's own store records completion and comments, and a file that
 * edits itself under the user's editor loses their work). `add()` only appends, through a
 * temporary file and a rename, leaving every existing byte as it was.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ProviderError, UsageError } from '../../../lib/errors.js';
import type { NewTicket, ProviderTicket, TicketDetails, TicketProvider } from '../types.js';
import type { ProviderSection } from '../../config/types.js';
import { watchFileChanges, writeFileAtomic } from '../../config/files.js';
import { parsePlan, planParseError, type ParsedPlan, type PlanTask } from './parse.js';
import { renderProblems, renderTask } from './render.js';

export interface PlanProviderOptions {
  /** The `[provider:NAME]` name. */
  name: string;
  /** The plan.md file; relative paths resolve against the current directory. */
  path: string;
  /** Offer `watch()` (default true). */
  watch?: boolean;
  /** Quiet time before a change is reported (default 100 ms). */
  debounceMs?: number;
}

export function createPlanProvider(options: PlanProviderOptions): TicketProvider {
  const path = resolve(options.path);
  const { name } = options;
  // `add()` calls are serialised so two adds in one process never take the same id.
  let adding: Promise<unknown> = Promise.resolve();

  async function readText(): Promise<string | null> {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return null;
      const category = code === 'EACCES' || code === 'EPERM' ? 'auth' : 'server';
      throw new ProviderError(name, category, `cannot read ${path}: ${(error as Error).message}`, null, 'path', { cause: error });
    }
  }

  /** The parsed plan, or ParseError / ProviderError(not_found). */
  async function readPlan(): Promise<ParsedPlan> {
    const text = await readText();
    if (text === null) throw new ProviderError(name, 'not_found', `plan file ${path} does not exist`, null, 'path');
    const plan = parsePlan(text, path);
    if (plan.errors.length > 0) throw planParseError(path, plan.errors);
    return plan;
  }

  async function findTask(id: string): Promise<PlanTask> {
    const { tasks } = await readPlan();
    const task = tasks.find((candidate) => String(candidate.id) === id);
    if (!task) throw new ProviderError(name, 'not_found', `task ${id} is not in ${path}`);
    return task;
  }

  async function append(ticket: NewTicket): Promise<string> {
    const text = (await readText()) ?? '';
    // An add to a plan with errors still takes a fresh id: every id seen, valid or not, counts.
    const parsed = parsePlan(text, path);
    const seen = new Set(parsed.tasks.map((task) => task.id));
    const task = {
      id: parsed.highestId + 1,
      title: oneLine(ticket.title),
      signal_cmd: ticket.signalCmd === null ? null : ticket.signalCmd.trim() || null,
      depends_on: ticket.dependsOn.map((id) => dependencyId(id, seen)),
      project: ticket.projectId === null ? null : ticket.projectId.trim() || null,
      // Blank lines would end the task early; they carry nothing, so they are dropped.
      context: ticket.context.split(/\r?\n/).map((line) => line.trim()).filter(Boolean).join('\n'),
    };
    const problems = renderProblems(task);
    if (problems.length > 0) throw new UsageError(`cannot add to ${path}: ${problems.join('; ')}`);
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const separator = text === '' ? '' : text.endsWith(eol + eol) ? '' : text.endsWith(eol) ? eol : eol + eol;
    await writeFileAtomic(path, text + separator + renderTask(task, eol) + eol);
    return String(task.id);
  }

  const provider: TicketProvider = {
    name,
    type: 'plan',
    async poll(): Promise<ProviderTicket[]> {
      const { tasks } = await readPlan();
      return tasks.map(toTicket);
    },
    async details(id: string): Promise<TicketDetails> {
      const task = await findTask(id);
      return { description: task.context ? `${task.title}\n\n${task.context}` : task.title, comments: [] };
    },
    // plan.md has no place for comments and zoro does not edit the user's file; the run's
    // store keeps the comment history.
    async comment(): Promise<void> {},
    // Completion is recorded by the run, not written into plan.md (see the module comment).
    async complete(): Promise<void> {},
    add(ticket: NewTicket): Promise<string> {
      const result = adding.then(() => append(ticket));
      adding = result.catch(() => undefined); // the caller gets the failure; the queue goes on
      return result;
    },
  };
  if (options.watch !== false) {
    provider.watch = (onChange) => watchFileChanges(path, onChange, { debounceMs: options.debounceMs });
  }
  return provider;
}

/** A plan provider from its `[provider:NAME]` section (whose `path` the loader resolved). */
export function planProviderFromSection(section: ProviderSection): TicketProvider {
  const path = section.values.path?.value;
  if (!path) throw new ProviderError(section.name, 'not_found', 'has no path', null, 'path');
  return createPlanProvider({ name: section.name, path });
}

function toTicket(task: PlanTask): ProviderTicket {
  return {
    id: String(task.id),
    title: task.title,
    description: '',
    projectId: task.project,
    signalCmd: task.signal_cmd,
    dependsOn: task.depends_on.map(String),
    context: task.context,
    url: null,
    reason: 'plan',
    // plan.md has no modification stamps; the poller compares the tickets themselves.
    updatedAt: null,
  };
}

function dependencyId(id: string, seen: Set<number>): number {
  const value = Number(id.trim());
  if (!/^\d+$/.test(id.trim()) || !seen.has(value)) throw new UsageError(`depends_on names ${JSON.stringify(id)}, which is not a task in the plan`);
  return value;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
