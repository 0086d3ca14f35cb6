import { homedir } from 'node:os';
import { join } from 'node:path';

/** iTerm2's API socket; `IT2_SUITE` (a test build of iTerm2) replaces `iTerm2` in the path. */
export function defaultIterm2SocketPath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  return join(home, 'Library', 'Application Support', env.IT2_SUITE || 'iTerm2', 'private', 'socket');
}
