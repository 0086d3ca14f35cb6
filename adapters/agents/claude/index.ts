/**
 * The `claude` agent profile: how zoro starts Claude Code and reads its screen.
 *
 * Per-session options (access.txt `[session:NAME]` keys, all optional):
 *   claude_command     the command that runs Claude Code (default `claude`)
 *   model              Claude Code's model (`--model`)
 *   agent_args         more arguments, shell-style words (`--verbose`); also `claude_args`
 *   permission_mode    acceptEdits (default) | default | plan | auto | dontAsk | bypassPermissions
 *   claude_session_id  the Claude session (conversation) id, a UUID, so zoro can resume it
 *   claude_resume      `true`: continue that conversation (`--resume`) instead of starting it
 *   claude_hooks       `false`: no per-run hooks (rely on the screen, or on `zoro init`'s hooks)
 *   claude_trust_repo  `true`: start without the "do you trust this folder?" question, for a
 *                      folder zoro made itself (`zoro demo`'s scratch repo)
 *   anthropic_base_url run against this Messages API with an offline HOME (`claude_home`,
 *                      default `<data_dir>/claude-home`) — what `zoro demo --agent claude` uses
 */
import type { AgentProfile, LaunchContext } from '../types.js';
import { ConfigError } from '../../../lib/errors.js';
import { join } from 'node:path';
import { classifyScreen, parseUsageLimit, pasteShown, promptTakenSince } from './screen.js';
import { sessionSettings } from './hooks.js';
import { claudeTestEnv } from './env.js';
import { splitWords } from './shell.js';

export { classifyScreen, parseUsageLimit, promptTaken, promptTakenSince, pasteShown, inputBoxEmpty, type UsageLimit } from './screen.js';
export { hookSignal, installHooks, uninstallHooks, initHooks, sessionSettings, HOOK_EVENTS, HOOK_MARKER, type HookSignal, type HookEvent } from './hooks.js';
export { claudeTestEnv, prepareClaudeHome } from './env.js';
export { claudeSessionExists } from './sessions.js';

export const PERMISSION_MODES = ['acceptEdits', 'default', 'plan', 'auto', 'dontAsk', 'bypassPermissions'] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ClaudeLaunchOptions {
  /** The conversation id: a new conversation gets `--session-id`, a resumed one `--resume`. */
  sessionId?: string | null;
  /** Continue the conversation `sessionId` names (it must exist, else Claude Code exits 1). */
  resume?: boolean;
  permissionMode?: PermissionMode;
  /** Inline JSON (or a file path) for `--settings`; adds to the user's settings. */
  settings?: string | null;
  extraArgs?: string[];
}

/**
 * Claude Code's arguments (checked against 2.1.197, which rejects a malformed UUID, an
 * unknown `--resume` id and a `--session-id` already in use, each with exit 1).
 *
 * @example claudeLaunchArgs({ sessionId: id, permissionMode: 'acceptEdits' })
 *   // → ['--permission-mode', 'acceptEdits', '--session-id', id]
 */
export function claudeLaunchArgs(options: ClaudeLaunchOptions = {}): string[] {
  const args = ['--permission-mode', options.permissionMode ?? 'acceptEdits'];
  if (options.sessionId) {
    if (!UUID.test(options.sessionId)) {
      throw new ConfigError('access.txt', null, 'claude_session_id', `"${options.sessionId}" is not a UUID (Claude Code needs one, e.g. from crypto.randomUUID())`);
    }
    args.push(options.resume ? '--resume' : '--session-id', options.sessionId);
  } else if (options.resume) {
    throw new ConfigError('access.txt', null, 'claude_resume', 'resuming needs claude_session_id: the conversation to resume');
  }
  if (options.settings) args.push('--settings', options.settings);
  return [...args, ...(options.extraArgs ?? [])];
}

function permissionMode(value: string | undefined, session: string): PermissionMode {
  if (value === undefined || value === '') return 'acceptEdits';
  const mode = PERMISSION_MODES.find((m) => m.toLowerCase() === value.toLowerCase());
  if (!mode) {
    throw new ConfigError('access.txt', null, 'permission_mode', `session ${session}: "${value}" is not one of ${PERMISSION_MODES.join(', ')}`);
  }
  return mode;
}

function launch(context: LaunchContext): { command: string[]; env: Record<string, string> } {
  const { options } = context;
  const mode = permissionMode(options.permission_mode, context.session);
  const hooks = options.claude_hooks?.toLowerCase() !== 'false';
  const command = splitWords(options.claude_command || 'claude', 'claude_command');
  const args = claudeLaunchArgs({
    sessionId: options.claude_session_id || null,
    resume: options.claude_resume?.toLowerCase() === 'true',
    permissionMode: mode,
    settings: hooks ? JSON.stringify(sessionSettings(context.zoroCommand, { permissionMode: mode })) : null,
    extraArgs: [
      ...(options.model ? ['--model', options.model] : []),
      ...splitWords(options.agent_args ?? '', 'agent_args'),
      ...splitWords(options.claude_args ?? '', 'claude_args'),
    ],
  });
  const env: Record<string, string> = {
    ZORO_SESSION: context.session,
    ZORO_DATA_DIR: context.dataDir,
    ...(hooks ? { ZORO_SESSION_HOOKS: '1' } : {}),
    // Claude Code 2.1.x reads this variable only to treat the workspace as trusted (checked
    // in 2.1.197's code); nothing is written to the user's ~/.claude.json.
    ...(options.claude_trust_repo?.toLowerCase() === 'true' ? { CLAUDE_CODE_SANDBOXED: '1' } : {}),
  };
  if (options.anthropic_base_url) {
    Object.assign(env, claudeTestEnv(options.claude_home || join(context.dataDir, 'claude-home'), options.anthropic_base_url));
  }
  return { command: [...command, ...args], env };
}

export const claudeProfile: AgentProfile = {
  name: 'claude',
  launch,
  classify: classifyScreen,
  // Only what Claude Code drew after Enter counts: the assembled screen still shows the
  // empty input box from before the paste.
  submitted: (outputSinceEnter) => promptTakenSince(outputSinceEnter),
  pasted: (outputSincePaste, prompt) => pasteShown(outputSincePaste, prompt),
  parseUsageLimit: (lines, now) => parseUsageLimit(lines, now),
  // Esc stops the turn and puts its prompt back in the input box; Esc twice empties the box.
  interruptKeys: ['Escape'],
  clearInputKeys: ['Escape', 'Escape'],
  bracketedPaste: true,
};
