/**
 * `list-panes` and the formats zoro reads from tmux: which panes exist, in which session and
 * window, where they are, whether their program has exited and how.
 */
import type { TerminalExit } from '../types.js';

/** Fields are joined by the unit separator: names and paths may hold spaces and tabs. */
const SEPARATOR = '\x1f';

export const PANE_FORMAT = [
  '#{pane_id}',
  '#{window_id}',
  '#{session_id}',
  '#{pane_dead}',
  '#{pane_dead_status}',
  '#{pane_dead_signal}',
  '#{session_name}',
  '#{window_name}',
  '#{pane_current_path}',
].join(SEPARATOR);

/** `refresh-client -B` subscription: tmux reports changes of this, per pane, at most once a second. */
export const EXIT_SUBSCRIPTION = { name: 'zoro-pane-exit', format: '#{pane_dead} #{pane_dead_status} #{pane_dead_signal}' };

export interface PaneInfo {
  paneId: string;
  windowId: string;
  sessionId: string;
  dead: boolean;
  /** How a dead pane's program ended; null while it runs or before tmux has its status. */
  exit: TerminalExit | null;
  sessionName: string;
  windowName: string;
  /** Empty for a dead pane. */
  path: string;
}

export function parsePaneLines(lines: string[]): PaneInfo[] {
  const panes: PaneInfo[] = [];
  for (const line of lines) {
    const fields = line.split(SEPARATOR);
    if (fields.length < 9 || !fields[0]!.startsWith('%')) continue;
    const [paneId, windowId, sessionId, dead, status, signal, sessionName, windowName, ...path] = fields as [
      string, string, string, string, string, string, string, string, ...string[],
    ];
    panes.push({
      paneId,
      windowId,
      sessionId,
      dead: dead === '1',
      exit: dead === '1' ? exitFrom(status, signal) : null,
      sessionName,
      windowName,
      path: path.join(SEPARATOR),
    });
  }
  return panes;
}

/**
 * The subscription's value: `1 7 ` = dead, status 7. tmux can report a pane dead (its pty
 * closed) a moment before it has reaped the process, so `dead` may come with no exit yet.
 */
export function exitFields(value: string): { dead: boolean; exit: TerminalExit | null } {
  const [dead = '', status = '', signal = ''] = value.trim().split(' ');
  return { dead: dead === '1', exit: dead === '1' ? exitFrom(status, signal) : null };
}

function exitFrom(status: string, signal: string): TerminalExit | null {
  if (signal !== '') return { code: null, reason: `killed by signal ${signal}` };
  if (status !== '') return { code: Number(status), reason: `exited with status ${status}` };
  return null;
}
