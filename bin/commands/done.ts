import { parseFlags } from '../args.js';
import { ask, dataDirFor } from '../running.js';

const HELP = `usage: zoro done [SUMMARY] [--session S] [--config FILE]

Tells zoro the agent finished its current ticket (like printing the ready signal). Agents
that zoro starts have ZORO_SESSION set; otherwise the session is the one working in the
current directory, or --session.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { session: { type: 'string' }, config: { type: 'string' } }, HELP, true);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const summary = positionals.join(' ').trim() || null;
  const answer = (await ask(await dataDirFor(values.config), 'POST', '/done', {
    session: values.session ?? process.env.ZORO_SESSION ?? null,
    cwd: process.cwd(),
    summary,
  })) as { session: string };
  console.log(`${answer.session}: turn finished`);
  return 0;
}
