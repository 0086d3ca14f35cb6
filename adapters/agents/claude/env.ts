/**
 * Running Claude Code with no internet, against a local Messages API (a fake in specs, or
 * any compatible endpoint in `zoro demo --agent claude`), in a HOME of its own so the user's
 * real `~/.claude` is never touched.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ZoroError } from '../../../lib/errors.js';

/**
 * The environment for an offline Claude Code. `ANTHROPIC_AUTH_TOKEN` (a Bearer token) is used
 * rather than an API key because a custom API key triggers a connectivity check against a
 * public host on first run, and an approval dialog.
 */
export function claudeTestEnv(home: string, baseUrl: string, token = 'zoro-offline-token'): Record<string, string> {
  return {
    HOME: home,
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_AUTH_TOKEN: token,
    // Empty counts as unset: a key or login inherited from the user's shell would make
    // Claude Code ask "Do you want to use this API key?" or talk to a real account.
    ANTHROPIC_API_KEY: '',
    CLAUDE_CODE_OAUTH_TOKEN: '',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    // A bare environment (a tmux pane started by a spec) may have no terminal type or locale;
    // Claude Code's UI then falls back to ASCII and the screen rules would not match.
    TERM: process.env.TERM && process.env.TERM !== 'dumb' ? process.env.TERM : 'xterm-256color',
    LANG: process.env.LANG?.toLowerCase().includes('utf') ? process.env.LANG : 'C.UTF-8',
  };
}

/**
 * Writes `<home>/.claude.json` so the first-run dialogs do not appear: onboarding done and
 * each of `cwds` trusted. Existing keys in the file are kept.
 */
export async function prepareClaudeHome(home: string, cwds: string[]): Promise<void> {
  await mkdir(join(home, '.claude'), { recursive: true });
  const file = join(home, '.claude.json');
  let state: ClaudeState = {};
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new ZoroError(`cannot read ${file}: ${error.message}`, { cause: error });
  });
  if (existing) state = JSON.parse(existing) as ClaudeState;
  state.hasCompletedOnboarding = true;
  state.projects ??= {};
  for (const cwd of cwds) {
    const key = resolve(cwd);
    state.projects[key] = { ...state.projects[key], hasTrustDialogAccepted: true };
  }
  await writeFile(file, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
}

interface ClaudeState {
  hasCompletedOnboarding?: boolean;
  projects?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}
