/**
 * `zoro sim`: run the simulated agent in this terminal (what `agent = sim` sessions run).
 * The ready signal comes from ZORO_READY_SIGNAL when zoro's `ready_signal` is customised.
 */
import { UsageError } from '../../lib/errors.js';
import { DEFAULT_READY_SIGNAL } from '../../adapters/agents/sim/engine.js';
import { runSim } from '../../adapters/agents/sim/program.js';

const HELP = `usage: zoro sim

Runs the simulated agent: paste or type a prompt, Enter submits. Directives in the prompt
(one per line, e.g. "sim: sleep 2", "sim: write out.txt hello", "sim: fail-times 2") say
what it does; it prints ${DEFAULT_READY_SIGNAL} on its own line when done.
Ctrl-C or Escape interrupts the work; Ctrl-D at an empty prompt exits.`;

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  if (argv.length > 0) throw new UsageError(`sim takes no arguments, got "${argv.join(' ')}" (see zoro sim --help)`);
  return runSim({
    input: process.stdin,
    output: process.stdout,
    cwd: process.cwd(),
    readySignal: process.env.ZORO_READY_SIGNAL?.trim() || DEFAULT_READY_SIGNAL,
  });
}
