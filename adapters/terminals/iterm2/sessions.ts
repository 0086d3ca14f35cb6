/**
 * What the runtime knows about every iTerm2 session: its working directory (the `path`
 * variable, `~` and symlinks resolved), its foreground job, zoro's tag, and when its screen
 * last changed. Kept current from notifications, so matching a zoro session to a tab never
 * has to poll.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { realpathSync } from 'node:fs';
import { getVariables, listSessions, type SessionRef } from './api.js';
import type { Iterm2Connection } from './connection.js';

export const PATH_VARIABLE = 'path';
export const JOB_VARIABLE = 'jobName';
/** Set by zoro on the sessions it drives, so the same tab wins again after a restart. */
export const TAG_VARIABLE = 'user.zoro_session';

const SHELLS = new Set(['zsh', 'bash', 'fish', 'sh', 'dash', 'ksh', 'tcsh', 'csh', 'login', 'nu', 'xonsh', 'pwsh']);

export interface KnownSession {
  id: string;
  /** Resolved working directory; null while iTerm2 does not know it. */
  path: string | null;
  jobName: string | null;
  tag: string | null;
  /** Clock time of the last screen update seen, null when none since zoro connected. */
  lastActivity: number | null;
  /** Position in iTerm2's window/tab order (later = opened later, usually). */
  order: number;
}

/** `~` expanded, made absolute, symlinks resolved (as written when it does not exist). */
export function resolveDirectory(path: string, home: string = homedir()): string {
  const expanded = path === '~' ? home : path.startsWith('~/') ? join(home, path.slice(2)) : path;
  const absolute = resolve(expanded);
  try {
    return realpathSync.native(absolute);
  } catch (error) {
    // A directory that is gone or unreadable still compares by its spelled-out path.
    if (error instanceof Error && 'code' in error) return absolute;
    throw error;
  }
}

export class SessionIndex {
  private readonly sessions = new Map<string, KnownSession>();
  /** Ids terminated while their variables were being fetched, so a late add is ignored. */
  private readonly removed = new Set<string>();
  private nextOrder = 0;

  constructor(private readonly home: string = homedir()) {}

  /**
   * Re-reads every session (after connecting or reconnecting). Returns the sessions that
   * are new or whose directory changed meanwhile.
   */
  async refresh(connection: Iterm2Connection): Promise<KnownSession[]> {
    const refs = await listSessions(connection);
    const changed: KnownSession[] = [];
    const present = new Set(refs.map((ref) => ref.id));
    for (const id of [...this.sessions.keys()]) if (!present.has(id)) this.sessions.delete(id);
    for (const ref of refs) {
      const before = this.sessions.get(ref.id);
      const after = await this.read(connection, ref);
      if (after && (!before || before.path !== after.path)) changed.push(after);
    }
    return changed;
  }

  /** A session iTerm2 just announced. Null when it vanished before its variables came. */
  async add(connection: Iterm2Connection, id: string): Promise<KnownSession | null> {
    this.removed.delete(id);
    return this.read(connection, { id, tabId: null, windowId: null, title: '' });
  }

  remove(id: string): KnownSession | null {
    this.removed.add(id);
    const known = this.sessions.get(id) ?? null;
    this.sessions.delete(id);
    return known;
  }

  /** A `path` change; returns the session with its new directory (null if unknown). */
  setPath(id: string, rawPath: unknown): KnownSession | null {
    const known = this.sessions.get(id);
    if (!known) return null;
    known.path = typeof rawPath === 'string' && rawPath !== '' ? resolveDirectory(rawPath, this.home) : null;
    return known;
  }

  setTag(id: string, tag: string): void {
    const known = this.sessions.get(id);
    if (known) known.tag = tag;
  }

  touch(id: string, at: number): void {
    const known = this.sessions.get(id);
    if (known) known.lastActivity = at;
  }

  all(): KnownSession[] {
    return [...this.sessions.values()].map((known) => ({ ...known }));
  }

  get(id: string): KnownSession | undefined {
    return this.sessions.get(id);
  }

  has(id: string): boolean {
    return this.sessions.has(id);
  }

  /** Sessions whose directory is `cwd` (already resolved). */
  candidates(cwd: string): KnownSession[] {
    return [...this.sessions.values()].filter((known) => known.path === cwd);
  }

  private async read(connection: Iterm2Connection, ref: SessionRef): Promise<KnownSession | null> {
    const values = await getVariables(connection, ref.id, [PATH_VARIABLE, JOB_VARIABLE, TAG_VARIABLE]);
    if (!values || this.removed.has(ref.id)) return null;
    const [path, jobName, tag] = values;
    const previous = this.sessions.get(ref.id);
    const known: KnownSession = {
      id: ref.id,
      path: typeof path === 'string' && path !== '' ? resolveDirectory(path, this.home) : null,
      jobName: typeof jobName === 'string' ? jobName : null,
      tag: typeof tag === 'string' ? tag : null,
      lastActivity: previous?.lastActivity ?? null,
      order: previous?.order ?? this.nextOrder++,
    };
    this.sessions.set(ref.id, known);
    return known;
  }
}

/**
 * Orders the sessions that share a directory, best first:
 * 1. tagged by zoro for this zoro session (the tab it drove before, even across restarts);
 * 2. the most recent screen activity zoro has seen;
 * 3. a foreground program that is not a shell (the agent, rather than a spare shell);
 * 4. later in iTerm2's order (the tab opened last).
 * Returns the ranking and why the first one won.
 */
export function rankCandidates(candidates: KnownSession[], name: string): { ranked: KnownSession[]; why: string } {
  const key = (known: KnownSession): number[] => [
    known.tag === name ? 1 : 0,
    known.lastActivity ?? -Infinity,
    known.jobName !== null && !SHELLS.has(known.jobName.replace(/^-/, '')) ? 1 : 0,
    known.order,
  ];
  const ranked = [...candidates].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return (kb[i] ?? 0) - (ka[i] ?? 0);
    return 0;
  });
  const [first, second] = ranked;
  let why = 'the only one';
  if (first && second) {
    const [k1, k2] = [key(first), key(second)];
    why =
      k1[0] !== k2[0]
        ? `zoro drove it before`
        : k1[1] !== k2[1]
          ? 'the most recently active'
          : k1[2] !== k2[2]
            ? `it runs ${first.jobName} rather than a shell`
            : 'the most recently opened';
  }
  return { ranked, why };
}
