/**
 * Writing tasks back as plan.md text, the inverse of `parsePlan`: for a task that
 * `renderProblems` accepts, `parsePlan(renderTask(task))` gives the same task back.
 */
import { matchKeyLine, matchTaskLine, type PlanTask } from './parse.js';

export type RenderableTask = Omit<PlanTask, 'line'>;

const INDENT = '   ';

/** What would not survive a render → parse round trip; empty when the task is fine. */
export function renderProblems(task: RenderableTask): string[] {
  const problems: string[] = [];
  const singleLine = (label: string, value: string): void => {
    if (/[\r\n]/.test(value)) problems.push(`${label} must be a single line`);
    else if (value.trim() !== value) problems.push(`${label} must not start or end with white space`);
    else if (value === '') problems.push(`${label} must not be empty`);
  };
  if (!Number.isSafeInteger(task.id) || task.id < 0) problems.push(`id must be a whole number, got ${task.id}`);
  singleLine('title', task.title);
  if (task.signal_cmd !== null) singleLine('signal_cmd', task.signal_cmd);
  if (task.project !== null) singleLine('project', task.project);
  for (const id of task.depends_on) {
    if (!Number.isSafeInteger(id) || id < 0) problems.push(`depends_on must hold task ids, got ${id}`);
  }
  if (task.context !== '') {
    task.context.split('\n').forEach((line, index) => {
      const problem = contextLineProblem(line);
      if (problem) problems.push(`context line ${index + 1} ${problem}`);
    });
  }
  return problems;
}

/** Why a context line would be read as something else, or null when it is plain context. */
export function contextLineProblem(line: string): string | null {
  if (/\r/.test(line)) return 'must not contain a carriage return';
  if (line.trim() === '') return 'is blank (a blank line ends a task)';
  if (line.trim() !== line) return 'must not start or end with white space';
  if (matchTaskLine(line)) return `would start a new task ("${line}"); reword it`;
  const keyed = matchKeyLine(line);
  if (keyed) return `would be read as ${keyed.key} ("${line}"); reword it`;
  return null;
}

/** One task as plan.md lines (no trailing newline), with `eol` between lines. */
export function renderTask(task: RenderableTask, eol = '\n'): string {
  const lines = [`${task.id}. ${task.title}`];
  if (task.signal_cmd !== null) lines.push(`${INDENT}signal_cmd: ${task.signal_cmd}`);
  if (task.depends_on.length > 0) lines.push(`${INDENT}depends_on: [${task.depends_on.join(', ')}]`);
  if (task.project !== null) lines.push(`${INDENT}project: ${task.project}`);
  if (task.context !== '') for (const line of task.context.split('\n')) lines.push(`${INDENT}${line}`);
  return lines.join(eol);
}

/** A whole plan: tasks separated by blank lines, ending with a newline. */
export function renderPlan(tasks: RenderableTask[], eol = '\n'): string {
  return tasks.map((task) => renderTask(task, eol)).join(eol + eol) + (tasks.length ? eol : '');
}
