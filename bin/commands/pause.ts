import { UsageError } from '../../lib/errors.js';
import { parseFlags } from '../args.js';
import { ask, dataDirFor } from '../running.js';

/** `zoro pause SESSION` and `zoro resume SESSION` (resume.ts re-exports this with its verb). */
export function sessionCommand(verb: 'pause' | 'resume') {
  const help = `usage: zoro ${verb} SESSION [--config FILE]

${verb === 'pause' ? 'Stops giving the session tickets; a ticket it is working on is finished first.' : 'Gives a paused (or unreachable) session tickets again.'}`;
  return async (argv: string[]): Promise<number> => {
    const { values, positionals } = parseFlags(argv, { config: { type: 'string' } }, help, true);
    if (values.help) {
      console.log(help);
      return 0;
    }
    const [session, ...extra] = positionals;
    if (!session || extra.length) throw new UsageError(`name one session\n\n${help}`);
    await ask(await dataDirFor(values.config), 'POST', `/sessions/${encodeURIComponent(session)}/${verb}`);
    console.log(`${session}: ${verb === 'pause' ? 'paused' : 'resumed'}`);
    return 0;
  };
}

export const run = sessionCommand('pause');
