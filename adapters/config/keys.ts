/**
 * Every access.txt key zoro knows, with its default (as it would be written in the file)
 * and what it means. The loader, the docs table and the spec that checks
 * access.example.txt all read this one catalogue.
 *
 * To add a key: add it here (and to ZoroSettings / SessionConfig in types.ts), document it
 * in access.example.txt; the example spec fails until you do.
 */
import type { SessionRole, ZoroSettings } from './types.js';
import * as v from './values.js';

export const RUNTIMES = ['tmux', 'pty', 'iterm2'] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

/** `runtime = auto` (the default): iTerm2 on macOS when its socket exists, else tmux, else pty. */
export const runtimeSetting = v.oneOf([...RUNTIMES, 'auto'] as const);

export interface KeySpec<T> {
  convert: v.Converter<T>;
  /** The default as written in access.txt; converted like a written value. */
  default: string;
  doc: string;
}

type ZoroKeySpecs = { [K in keyof ZoroSettings]: KeySpec<K extends 'runtime' ? RuntimeName | 'auto' : ZoroSettings[K]> };

export const ZORO_KEYS: ZoroKeySpecs = {
  web_port: { convert: v.port, default: '7070', doc: 'port of the web cockpit' },
  web_host: { convert: v.text, default: '127.0.0.1', doc: 'address the cockpit listens on (keep 127.0.0.1 unless you know why)' },
  poll_interval_seconds: { convert: v.positiveNumber, default: '120', doc: 'seconds between polls of each provider' },
  data_dir: { convert: v.path, default: '~/.zoro', doc: 'where tickets, the event log and the cockpit token are kept' },
  runtime: { convert: runtimeSetting, default: 'auto', doc: 'tmux | pty | iterm2 | auto (iTerm2 on macOS when its socket exists, else tmux when installed, else pty)' },
  iterm2_socket: { convert: v.path, default: '~/Library/Application Support/iTerm2/private/socket', doc: "iTerm2's API socket" },
  ready_signal: { convert: v.text, default: 'READY FOR NEW TASKS', doc: 'the line an agent prints, alone, when it has finished a ticket' },
  buffer_lines: { convert: v.integer(1), default: '500', doc: 'lines of terminal output kept per session' },
  anthropic_api_key: { convert: v.optionalText, default: '', doc: 'for the brain (diagnosis, strict review, chat); empty disables it' },
  anthropic_base_url: { convert: v.optionalUrl, default: '', doc: 'another Anthropic API endpoint (a proxy); empty = the public API' },
  model: { convert: v.text, default: 'claude-sonnet-4-5', doc: 'model the brain uses' },
  verifier_model: { convert: v.text, default: 'claude-sonnet-4-5', doc: 'model the strict reviewer uses' },
  strict_review: { convert: v.boolean, default: 'false', doc: 'review every finished ticket with the verifier (PASS/FAIL)' },
  max_signal_attempts: { convert: v.integer(1), default: '5', doc: 'failed signal_cmd runs before a ticket is escalated' },
  max_review_attempts: { convert: v.integer(1), default: '3', doc: 'failed reviews before a ticket is escalated' },
  max_reapproach: { convert: v.integer(0), default: '2', doc: 're-approaches of a stuck session before it is marked UNREACHABLE' },
  error_repeat_threshold: { convert: v.integer(2), default: '3', doc: 'the same error line this many times means an error loop' },
  error_window_lines: { convert: v.integer(1), default: '100', doc: 'last output lines searched for repeated errors' },
  busy_no_comment_minutes: { convert: v.positiveNumber, default: '30', doc: 'minutes BUSY without a ticket comment before it counts as stuck' },
  no_file_change_minutes: { convert: v.positiveNumber, default: '20', doc: 'minutes BUSY without a file change in the repo before it counts as stuck' },
};

export const ROLES: readonly SessionRole[] = ['executor', 'planner', 'supervisor'];

/** `[session:NAME]` keys. `repo_path` has no default: it is required. */
export const SESSION_KEYS = {
  repo_path: { doc: 'the repository the agent works in (required)' },
  provider: { doc: 'provider names to take tickets from, comma-separated; empty = every provider' },
  project_ids: { doc: "project ids (tracker projects, boards, repos, plan.md `project:`) routed here, comma-separated" },
  description: { doc: 'what this session works on (shown in the cockpit, given to the brain)' },
  agent: { doc: 'claude | sim | a command line to run (default claude)' },
  runtime: { doc: "tmux | pty | iterm2 | auto (default: [zoro]'s runtime)" },
  role: { doc: 'executor | planner | supervisor (default executor)' },
} as const;

/**
 * Per-session agent options, kept in `SessionConfig.options` for the agent profiles.
 * Other keys there still load but draw an "unknown key" warning. Extend this list when a
 * profile reads a new option.
 */
export const AGENT_OPTIONS: Record<string, string> = {
  permission_mode: 'Claude Code --permission-mode (default, acceptEdits, plan, bypassPermissions)',
  agent_args: 'extra command-line arguments for the agent',
  auto_create: 'iTerm2: open a tab running the agent in repo_path when none is there: true | false',
  model: "the agent's own model (claude --model)",
  claude_command: 'the command that runs Claude Code (default claude)',
  claude_args: 'more arguments for Claude Code (like agent_args)',
  claude_session_id: 'the Claude conversation id (a UUID) zoro starts or resumes; zoro picks one when unset',
  claude_resume: 'true: continue claude_session_id (--resume) instead of starting it',
  claude_hooks: 'false: no per-run hooks for sessions zoro starts (rely on the screen, or on `zoro init` hooks)',
  anthropic_base_url: 'run this Claude Code against another Messages API, with an offline HOME (claude_home)',
  claude_home: 'the HOME Claude Code gets when anthropic_base_url is set (default <data_dir>/claude-home)',
  claude_trust_repo: 'true: Claude Code starts in repo_path without asking whether to trust it (for folders zoro made, like the demo repo)',
};

export const PROVIDER_TYPES = ['asana', 'monday', 'github', 'linear', 'jira', 'plan'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/** Keys every `[provider:NAME]` section understands. */
export const PROVIDER_COMMON_KEYS = {
  type: { doc: 'asana | monday | github | linear | jira | plan (default: the section name)' },
  poll_interval_seconds: { doc: "overrides [zoro]'s poll_interval_seconds for this provider" },
  api_url: { doc: 'another API host: GitHub Enterprise, a proxy, a test server' },
} as const;

/**
 * Each tracker's own keys (its adapter validates them); others draw a warning. Extend a
 * list when an adapter reads a new key.
 */
export const PROVIDER_KEYS: Record<ProviderType, Record<string, string>> = {
  asana: { personal_access_token: 'Asana personal access token', my_user_gid: 'your user gid', workspace_gid: 'the workspace to poll' },
  monday: {
    api_token: 'Monday.com API token',
    board_ids: 'boards to poll, comma-separated',
    my_user_id: 'your user id',
    status_column: 'the status column id',
    done_label: 'the status label that means done',
    api_version: 'the API-Version header (default 2026-01)',
  },
  github: { token: 'GitHub token (repo scope)', username: 'your login (else asked of the API)', repos: 'owner/name, comma-separated; empty = all' },
  linear: { api_key: 'Linear API key', team_keys: 'team keys, comma-separated' },
  jira: {
    site_url: 'https://your-site.atlassian.net',
    email: 'your Atlassian account email',
    api_token: 'Atlassian API token',
    jql: 'which issues to poll',
    done_transition: 'the transition that completes an issue',
  },
  plan: { path: 'the plan.md file, relative to this access.txt' },
};

/** The nearest known key to a misspelt one (case, or up to two edits), or null. */
export function suggestKey(key: string, known: Iterable<string>): string | null {
  let best: { key: string; distance: number } | null = null;
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, candidate);
    if (distance <= 2 && (best === null || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key ?? null;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
