/**
 * Which profile runs a session's `agent` (access.txt `agent = claude | sim | a command`).
 *
 * @example
 *   profileFor('sim').launch(context).command; // [...context.zoroCommand, 'sim']
 *   profileFor('aider --yes').name;            // 'generic'
 */
import type { AgentProfile } from './types.js';
import { createGenericProfile } from './generic.js';
import { simProfile } from './sim/profile.js';
import { claudeProfile } from './claude/index.js';

export { createGenericProfile, parseCommandLine, splitWords } from './generic.js';
export { simProfile } from './sim/profile.js';
export { claudeProfile } from './claude/index.js';

/** Throws UsageError when `agent` is an empty or badly quoted command line. */
export function profileFor(agent: string): AgentProfile {
  const name = agent.trim();
  if (name === 'sim') return simProfile;
  if (name === 'claude') return claudeProfile;
  return createGenericProfile(name);
}
