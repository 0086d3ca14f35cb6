import { UsageError } from '../../lib/errors.js';
import { parseFlags } from '../args.js';
import { ask, dataDirFor } from '../running.js';

const HELP = `usage: zoro add TITLE [--session S] [--signal CMD] [--depends-on IDS] [--description TEXT] [--config FILE]

Adds a ticket to the running zoro: appended to the plan.md it watches when there is one,
else kept by zoro itself. Prints the new ticket's id.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { session: { type: 'string' }, signal: { type: 'string' }, 'depends-on': { type: 'string' }, description: { type: 'string' }, config: { type: 'string' } },
    HELP,
    true,
  );
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const title = positionals.join(' ').trim();
  if (!title) throw new UsageError(`a ticket needs a title\n\n${HELP}`);
  const dependsOn = values['depends-on'] ? values['depends-on'].split(/[\s,]+/).filter(Boolean) : undefined;
  const answer = (await ask(await dataDirFor(values.config), 'POST', '/tickets', {
    title,
    session: values.session,
    signal_cmd: values.signal,
    depends_on: dependsOn,
    description: values.description,
  })) as { id: string };
  console.log(answer.id);
  return 0;
}
