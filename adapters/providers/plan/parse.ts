/**
 * plan.md: a list of tasks a person can write by hand.
 *
 *   1. Add the login page
 *      signal_cmd: npm test -- login
 *      project: web
 *      Use the existing form components.
 *   2. Wire the API
 *      depends_on: [1]
 *   - Write the docs          (a bullet takes the next free id: 3)
 *
 * `parsePlan` never throws: it returns the tasks it could read and every error with its
 * line, so `zoro plan check` can show them all at once.
 *
 * Decisions beyond the grammar in DESIGN.md (each keeps a mistake from passing silently):
 * - Ids are never renumbered. A numbered task keeps its number; a bullet takes one more
 *   than the highest id seen so far (including ids that turned out to be errors), so a
 *   `depends_on` always means what the file says.
 * - A line that matches a task marker starts a new task even when indented ("leading spaces
 *   before the marker are allowed"): `   - sub-step` under a task is its own task.
 * - Key names (`signal_cmd`, `signal`, `depends_on`, `depends`, `project`) match without
 *   regard to case; context lines are trimmed.
 * - `depends_on` may appear more than once (the lists add up); `project` at most once, like
 *   `signal_cmd`. An empty `signal_cmd:` or `project:` is an error; `depends_on: []` is fine.
 * - A `signal_cmd:` / `depends_on:` / `project:` line that belongs to no task (after a blank
 *   line or a heading, or not indented) is an error: silently dropping a verification
 *   command would let unverified work pass.
 * - A task with an empty title, or a duplicate id (the first one wins), is an error and is
 *   left out of `tasks`; its indented lines are still consumed so they are not misread.
 * - Other lines outside tasks (headings, prose, indented prose after a blank line) are
 *   ignored: plan.md is a Markdown document and may say anything around its tasks.
 */
import { ParseError } from '../../../lib/errors.js';

export interface PlanTask {
  id: number;
  title: string;
  signal_cmd: string | null;
  depends_on: number[];
  project: string | null;
  context: string;
  /** 1-based line of the task's marker. */
  line: number;
}

export interface PlanError {
  line: number;
  message: string;
}

export interface ParsedPlan {
  tasks: PlanTask[];
  errors: PlanError[];
  /** The highest id any task line took, including tasks left out for errors (0 if none). */
  highestId: number;
}

const NUMBERED = /^[ \t]*(\d+)\.(?:[ \t]+(.*))?$/;
const BULLET = /^[ \t]*[-*](?:[ \t]+(.*))?$/;
const KEYED = /^(signal_cmd|signal|depends_on|depends|project)[ \t]*:(.*)$/i;

/** A line that would start a task, or null. `id` is null for a bullet. */
export function matchTaskLine(line: string): { id: string | null; title: string } | null {
  const numbered = NUMBERED.exec(line);
  if (numbered) return { id: numbered[1]!, title: (numbered[2] ?? '').trim() };
  const bullet = BULLET.exec(line);
  if (bullet) return { id: null, title: (bullet[1] ?? '').trim() };
  return null;
}

/** A task line's key (`signal_cmd`, `depends_on`, `project`) and raw value, or null. */
export function matchKeyLine(trimmed: string): { key: 'signal_cmd' | 'depends_on' | 'project'; value: string } | null {
  const keyed = KEYED.exec(trimmed);
  if (!keyed) return null;
  const name = keyed[1]!.toLowerCase();
  const key = name.startsWith('signal') ? 'signal_cmd' : name.startsWith('depends') ? 'depends_on' : 'project';
  return { key, value: keyed[2]!.trim() };
}

/** `[1, 2]`, `1, 2`, `[]` or `` → ids; anything else → null. */
export function parseIdList(value: string): number[] | null {
  let inner = value.trim();
  const bracketed = inner.startsWith('[') && inner.endsWith(']');
  if (inner.startsWith('[') !== inner.endsWith(']')) return null;
  if (bracketed) inner = inner.slice(1, -1).trim();
  if (inner === '') return [];
  const ids: number[] = [];
  for (const part of inner.split(',')) {
    const item = part.trim();
    if (!/^\d+$/.test(item)) return null;
    const id = Number(item);
    if (!Number.isSafeInteger(id)) return null;
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

interface Draft extends PlanTask {
  /** Left out of `tasks` (empty title or duplicate id), but still owns its indented lines. */
  dropped: boolean;
  contextLines: string[];
  signalLine: number | null;
  projectLine: number | null;
  dependsLines: Map<number, number>;
}

export function parsePlan(text: string, _file = 'plan.md'): ParsedPlan {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const errors: PlanError[] = [];
  const drafts: Draft[] = [];
  const byId = new Map<number, Draft>();
  let highest = 0;
  let current: Draft | null = null;

  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '') {
      current = null;
      return;
    }
    const task = matchTaskLine(line);
    if (task) {
      current = startTask(task, lineNo);
      return;
    }
    const indented = /^[ \t]/.test(line);
    const keyed = matchKeyLine(trimmed);
    if (!indented || current === null) {
      current = null;
      if (keyed) errors.push({ line: lineNo, message: `${keyed.key}: belongs to no task; indent it under its task line (a blank line or an unindented line ends a task)` });
      return;
    }
    if (keyed) applyKey(current, keyed.key, keyed.value, lineNo);
    else current.contextLines.push(trimmed);
  });

  function startTask(task: { id: string | null; title: string }, lineNo: number): Draft {
    const id = task.id === null ? highest + 1 : Number(task.id);
    const draft: Draft = {
      id, title: task.title, signal_cmd: null, depends_on: [], project: null, context: '', line: lineNo,
      dropped: false, contextLines: [], signalLine: null, projectLine: null, dependsLines: new Map(),
    };
    if (!Number.isSafeInteger(id)) {
      errors.push({ line: lineNo, message: `task id ${task.id} is too large` });
      draft.dropped = true;
      return draft;
    }
    highest = Math.max(highest, id);
    const first = byId.get(id);
    if (first) {
      errors.push({ line: lineNo, message: `duplicate task id ${id} (first used on line ${first.line}); ids are never renumbered, give this task its own number` });
      draft.dropped = true;
    } else {
      byId.set(id, draft);
    }
    if (task.title === '') {
      errors.push({ line: lineNo, message: `task ${id} has an empty title` });
      draft.dropped = true;
    }
    drafts.push(draft);
    return draft;
  }

  function applyKey(draft: Draft, key: 'signal_cmd' | 'depends_on' | 'project', value: string, lineNo: number): void {
    if (key === 'depends_on') {
      const ids = parseIdList(value);
      if (ids === null) {
        errors.push({ line: lineNo, message: `depends_on must be a list of task ids like [1, 2] or 1, 2, got "${value}"` });
        return;
      }
      for (const id of ids) if (!draft.dependsLines.has(id)) draft.dependsLines.set(id, lineNo);
      return;
    }
    const firstLine = key === 'signal_cmd' ? draft.signalLine : draft.projectLine;
    if (firstLine !== null) {
      errors.push({ line: lineNo, message: `task ${draft.id} has a second ${key} (the first is on line ${firstLine})` });
      return;
    }
    if (value === '') {
      errors.push({ line: lineNo, message: `${key} is empty` });
      return;
    }
    if (key === 'signal_cmd') {
      draft.signal_cmd = value;
      draft.signalLine = lineNo;
    } else {
      draft.project = value;
      draft.projectLine = lineNo;
    }
  }

  const kept = drafts.filter((draft) => !draft.dropped);
  for (const draft of kept) {
    draft.context = draft.contextLines.join('\n');
    for (const [id, lineNo] of draft.dependsLines) {
      const parent = byId.get(id);
      if (parent && !parent.dropped) draft.depends_on.push(id);
      else if (parent) errors.push({ line: lineNo, message: `task ${draft.id} depends on ${id}, which has an error (line ${parent.line})` });
      else errors.push({ line: lineNo, message: `task ${draft.id} depends on ${id}, which is not a task in this plan` });
    }
  }
  errors.push(...findCycles(kept));
  errors.sort((a, b) => a.line - b.line);

  const tasks = kept.map(({ id, title, signal_cmd, depends_on, project, context, line }) => ({
    id, title, signal_cmd, depends_on, project, context, line,
  }));
  return { tasks, errors, highestId: highest };
}

/**
 * Every dependency cycle once, named by its ids in dependency order (`1 → 2 → 1`), reported
 * on the `depends_on` line of the cycle's first task in file order. Iterative, so a plan
 * with a very long chain cannot overflow the stack.
 */
function findCycles(tasks: Draft[]): PlanError[] {
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const state = new Map<number, 'visiting' | 'done'>();
  const errors: PlanError[] = [];

  for (const root of tasks) {
    if (state.has(root.id)) continue;
    const path: number[] = [root.id];
    const next: number[] = [0];
    state.set(root.id, 'visiting');
    while (path.length > 0) {
      const top = byId.get(path[path.length - 1]!)!;
      const index = next[next.length - 1]!;
      if (index >= top.depends_on.length) {
        state.set(top.id, 'done');
        path.pop();
        next.pop();
        continue;
      }
      next[next.length - 1] = index + 1;
      const dep = top.depends_on[index]!;
      if (state.get(dep) === 'visiting') errors.push(cycleError(path.slice(path.indexOf(dep)), byId));
      else if (!state.has(dep)) {
        state.set(dep, 'visiting');
        path.push(dep);
        next.push(0);
      }
    }
  }
  return errors;
}

function cycleError(cycle: number[], byId: Map<number, Draft>): PlanError {
  const first = cycle.map((id) => byId.get(id)!).sort((a, b) => a.line - b.line)[0]!;
  const from = cycle.indexOf(first.id);
  const ordered = [...cycle.slice(from), ...cycle.slice(0, from), first.id];
  return {
    line: first.dependsLines.get(ordered[1]!) ?? first.line,
    message: `dependency cycle: ${ordered.join(' → ')}`,
  };
}

/** The ParseError `poll()` throws: the first error's line, and every error listed. */
export function planParseError(file: string, errors: PlanError[]): ParseError {
  const [first, ...rest] = errors;
  if (!first) throw new RangeError('planParseError needs at least one error');
  const more = rest.map((error) => `\n${file}:${error.line}: ${error.message}`).join('');
  return new ParseError(file, first.line, `${first.message}${more}`);
}
