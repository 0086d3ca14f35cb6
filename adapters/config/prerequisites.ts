/**
 * What zoro needs on this machine, checked by `zoro init` and `zoro doctor`.
 *
 *   for (const check of checkPrerequisites()) console.log(formatCheck(check));
 */
import { systemConfigEnv, type ConfigEnv } from './env.js';

export interface PrerequisiteCheck {
  name: string;
  ok: boolean;
  /** What was found (`v20.11.1`, `/usr/bin/tmux`) or what is missing. */
  detail: string;
  /** What to do when not ok. */
  hint: string | null;
  /** False for things zoro can run without (it falls back or the feature is optional). */
  required: boolean;
}

export interface PrerequisiteEnv {
  nodeVersion: string;
  env: ConfigEnv;
}

export const MINIMUM_NODE_MAJOR = 20;

export function checkPrerequisites(options: Partial<PrerequisiteEnv> = {}): PrerequisiteCheck[] {
  const nodeVersion = options.nodeVersion ?? process.versions.node;
  const env = options.env ?? systemConfigEnv();
  const major = Number(nodeVersion.replace(/^v/, '').split('.')[0]);
  return [
    {
      name: 'node',
      ok: major >= MINIMUM_NODE_MAJOR,
      detail: `Node.js ${nodeVersion}`,
      hint: major >= MINIMUM_NODE_MAJOR ? null : `install Node.js ${MINIMUM_NODE_MAJOR} or newer (https://nodejs.org)`,
      required: true,
    },
    commandCheck(env, 'tmux', 'tmux', 'install tmux (apt install tmux / brew install tmux) to watch sessions in a terminal; without it zoro runs agents in headless ptys'),
    commandCheck(env, 'claude', 'Claude Code (claude)', 'install Claude Code (npm install -g @anthropic-ai/claude-code), or use agent = sim to try zoro without it'),
  ];
}

/** An optional command on PATH: `label` names it in the report, `hint` says how to get it. */
export function commandCheck(env: ConfigEnv, command: string, label: string, hint: string, required = false): PrerequisiteCheck {
  const ok = env.onPath(command);
  return { name: command, ok, detail: `${label} is ${ok ? '' : 'not '}on PATH`, hint: ok ? null : hint, required };
}

/** `✔ node: Node.js v20.11.1` or `✘ tmux: tmux is not on PATH — install tmux …`. */
export function formatCheck(check: PrerequisiteCheck): string {
  const mark = check.ok ? '✔' : check.required ? '✘' : '!';
  return `${mark} ${check.name}: ${check.detail}${check.hint ? ` — ${check.hint}` : ''}`;
}
