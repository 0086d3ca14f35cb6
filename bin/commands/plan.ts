/**
 * `zoro plan check FILE [--json]`: parse a plan.md and report its tasks and errors.
 * Exit 0 when the plan is clean, 2 when it has errors or the command was misused.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../../lib/errors.js';
import { parsePlan, type ParsedPlan } from '../../adapters/providers/plan/parse.js';

const HELP = `usage: zoro plan check FILE [--json]

Parse a plan.md and list its tasks, their dependencies and every error with its line.
  --json   print {"tasks":[…],"errors":[{"line":N,"message":"…"}]} on stdout
Exits 0 when the plan is valid, 2 when it has errors.

plan.md grammar:
  1. Title            a task with id 1 (ids are never renumbered)
  - Title             a task with the next free id
     signal_cmd: CMD  a shell command that proves the task is done
     depends_on: [1]  tasks that must be done first
     project: ID      the project this task belongs to
     any other line   context for the agent
`;

export async function run(argv: string[]): Promise<number> {
  if (argv.length === 0) {
    console.error(HELP);
    return 2;
  }
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    console.log(HELP);
    return 0;
  }
  const [sub, ...rest] = argv;
  if (sub !== 'check') throw new UsageError(`plan: unknown subcommand "${sub}"; try \`zoro plan check FILE\``);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  const json = rest.includes('--json');
  const unknown = rest.filter((arg) => arg.startsWith('-') && arg !== '--json');
  if (unknown.length) throw new UsageError(`plan check: unknown option ${unknown[0]}; see \`zoro plan check --help\``);
  const files = rest.filter((arg) => !arg.startsWith('-'));
  if (files.length !== 1) throw new UsageError('plan check: expected exactly one FILE; see `zoro plan check --help`');
  const file = files[0]!;

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new UsageError(`plan check: cannot read ${file}: ${why}`, { cause: error });
  }
  const plan = parsePlan(text, file);
  if (json) console.log(JSON.stringify(planJson(plan)));
  else printSummary(file, plan);
  return plan.errors.length > 0 ? 2 : 0;
}

/** DESIGN.md's `plan check --json` document: tasks without their line numbers. */
export function planJson(plan: ParsedPlan): { tasks: Omit<ParsedPlan['tasks'][number], 'line'>[]; errors: ParsedPlan['errors'] } {
  return {
    tasks: plan.tasks.map(({ id, title, signal_cmd, depends_on, project, context }) => ({ id, title, signal_cmd, depends_on, project, context })),
    errors: plan.errors.map(({ line, message }) => ({ line, message })),
  };
}

function printSummary(file: string, plan: ParsedPlan): void {
  const count = plan.tasks.length;
  console.log(`${file}: ${count} task${count === 1 ? '' : 's'}, ${plan.errors.length} error${plan.errors.length === 1 ? '' : 's'}`);
  for (const task of plan.tasks) {
    console.log(`  ${task.id}. ${task.title}`);
    if (task.depends_on.length) console.log(`       depends on ${task.depends_on.join(', ')}`);
    if (task.signal_cmd !== null) console.log(`       signal_cmd: ${task.signal_cmd}`);
    if (task.project !== null) console.log(`       project: ${task.project}`);
  }
  for (const error of plan.errors) console.error(`${file}:${error.line}: ${error.message}`);
}
