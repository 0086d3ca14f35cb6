/** The fake iTerm2 for specs, and a small agent program to run inside its tabs. */
import { join } from 'node:path';
import { projectRoot } from '../../../lib/self.js';

export { startFakeIterm2, type FakeIterm2, type FakeIterm2Options } from './server.js';
export { VirtualSession } from './virtual-session.js';
export { VirtualScreen } from './virtual-screen.js';

export const ECHO_AGENT = join(projectRoot, 'specs/fakes/iterm2/echo-agent.mjs');

/** argv of the echo agent; it appends each prompt's raw bytes to `logFile` (JSON lines). */
export function echoAgentCommand(logFile: string): string[] {
  return [process.execPath, ECHO_AGENT, logFile];
}
