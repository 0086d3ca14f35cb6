import { errorMessage, UsageError, ZoroError, ConfigError } from '../lib/errors.js';
import { packageVersion } from '../actors/version.js';

/** A subcommand: parse its own argv, do the work, return the exit code. */
export type Command = (argv: string[]) => Promise<number>;

const COMMANDS = new Set(['run', 'demo', 'init', 'doctor', 'status', 'plan', 'add', 'pause', 'resume', 'done', 'sim', 'hook']);

export async function runCli(argv: string[]): Promise<number> {
  if (argv[0] === '--version' || argv[0] === '-v') {
    console.log(packageVersion);
    return 0;
  }
  const name = argv[0] && COMMANDS.has(argv[0]) ? argv[0] : 'run';
  const rest = name === 'run' && argv[0] !== 'run' ? argv : argv.slice(1);
  try {
    const module = (await import(`./commands/${name}.js`)) as { run: Command };
    return await module.run(rest);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      console.error(`zoro: ${error.message}`);
      return 2;
    }
    if (error instanceof ZoroError) {
      console.error(`zoro: ${error.message}`);
      return 1;
    }
    console.error(`zoro: unexpected failure: ${errorMessage(error)}`);
    if (error instanceof Error && error.stack) console.error(error.stack);
    return 1;
  }
}
