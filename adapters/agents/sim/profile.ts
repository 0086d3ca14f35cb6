/**
 * The `sim` agent profile: how zoro starts the simulated agent (`zoro sim`) and reads its
 * screen. The screen marks it reads are the ones `program.ts` prints, imported from there so
 * the two cannot drift apart.
 *
 * Launch option: `ready_signal` in LaunchContext.options — when it differs from the default,
 * it is passed to the sim as ZORO_READY_SIGNAL.
 */
import type { AgentProfile, LaunchContext, ScreenState } from '../types.js';
import { isExitMark, plainLines } from '../screen.js';
import { DEFAULT_READY_SIGNAL } from './engine.js';
import { CRASH_LINE, EXIT_LINE, IDLE_PROMPT, WORKING_PREFIX } from './program.js';

const IDLE = new RegExp(`^${IDLE_PROMPT.trim()}(?:\\s|$)`);
/** An `ask` choice: `  1. Yes` / `  2. No` (a selection mark before it is allowed). */
const CHOICE = /^\s*(?:[❯>]\s*)?[12]\. (?:Yes|No)$/;
/** Lines printed only while a prompt is being worked on. */
const WORKING = /^(?:» |working… \(\d+\)$)/;

export const simProfile: AgentProfile = {
  name: 'sim',
  launch(context: LaunchContext) {
    const signal = context.options.ready_signal?.trim();
    const env: Record<string, string> = signal && signal !== DEFAULT_READY_SIGNAL ? { ZORO_READY_SIGNAL: signal } : {};
    return { command: [...context.zoroCommand, 'sim'], env };
  },
  classify(lines: string[]): ScreenState {
    // The newest line that means something decides; echoed or error-loop text in between
    // (anything else) is skipped.
    for (const line of plainLines(lines).reverse()) {
      if (IDLE.test(line)) return 'idle';
      if (line === EXIT_LINE || line === CRASH_LINE || isExitMark(line)) return 'exited';
      if (CHOICE.test(line)) return 'needs_human';
      if (WORKING.test(line)) return 'busy';
    }
    return 'starting';
  },
  submitted(outputSinceEnter: string): boolean {
    return outputSinceEnter.includes(WORKING_PREFIX.trim());
  },
  interruptKeys: ['C-c'],
  bracketedPaste: true,
  // The sim reads a paste as one piece of input; Enter can follow at once.
  pasteSettleMs: 0,
};
