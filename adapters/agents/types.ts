/**
 * An agent profile: how to start one kind of agent and how to read its screen.
 * Every screen rule for an agent lives in its profile, beside a spec built from real screens.
 */
import type { Key } from '../terminals/types.js';

export interface LaunchContext {
  /** zoro session name. */
  session: string;
  repoPath: string;
  /** The command zoro itself runs as (`node …/zoro.js`), for agents that call back (`zoro sim`, hooks). */
  zoroCommand: string[];
  dataDir: string;
  /** Per-session overrides from access.txt (e.g. `agent_args`, `permission_mode`). */
  options: Record<string, string>;
}

export type ScreenState = 'starting' | 'idle' | 'busy' | 'needs_human' | 'exited';

export interface AgentProfile {
  readonly name: string;
  /** argv + env to start the agent in `repoPath`. */
  launch(context: LaunchContext): { command: string[]; env: Record<string, string> };
  /** What the screen's last lines say about the agent. */
  classify(lines: string[]): ScreenState;
  /**
   * True when output seen after Enter shows the agent took the prompt.
   * Delivery presses Enter once more if this stays false (one retry).
   */
  submitted(outputSinceEnter: string, screen: string[]): boolean;
  /**
   * A usage-limit message on screen and when it resets, or null. The session then waits
   * (PAUSED) until `resetAt` and resumes by itself; a `resetAt` in the past means now.
   */
  parseUsageLimit?(lines: string[], now: Date): { resetAt: Date } | null;
  /**
   * True once output seen after the paste shows the agent took the paste in, for agents that
   * drop an Enter pressed before that (Claude Code). Delivery waits for it (a few seconds at
   * most) before the settle time and Enter.
   */
  pasted?(outputSincePaste: string, prompt: string): boolean;
  /** Keys that interrupt the agent's current turn. */
  readonly interruptKeys: Key[];
  /**
   * Keys that empty the input box, pressed after an interrupt once the screen is quiet:
   * Claude Code puts an interrupted prompt back in the box, and a new paste would join it.
   */
  readonly clearInputKeys?: Key[];
  /** Multi-line prompts go as a bracketed paste; false types them line by line. */
  readonly bracketedPaste: boolean;
  /**
   * Quiet time to wait after the paste before pressing Enter, for agents that take a
   * moment to ingest a paste. @default 80
   */
  readonly pasteSettleMs?: number;
}
