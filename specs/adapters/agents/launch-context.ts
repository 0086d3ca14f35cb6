import type { LaunchContext } from '../../../adapters/agents/types.js';

/** A LaunchContext for profile specs, as zoro would pass it for session `api`. */
export function launchContext(options: Record<string, string> = {}): LaunchContext {
  return {
    session: 'api',
    repoPath: '/repos/api',
    zoroCommand: ['node', '/opt/zoro/dist/bin/zoro.js'],
    dataDir: '/home/me/.zoro',
    options,
  };
}
