/**
 * Whether Claude Code already holds a conversation, so a restart knows to `--resume` it
 * (a `--session-id` that exists makes Claude Code exit with "already in use", a `--resume`
 * that does not exist with "No conversation found").
 */
import { access, readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ZoroError } from '../../../lib/errors.js';

/**
 * True when `~/.claude/projects/<any project>/<sessionId>.jsonl` exists: Claude Code keeps each
 * conversation's transcript there, in a folder named after the working directory.
 */
export async function claudeSessionExists(sessionId: string, home = homedir()): Promise<boolean> {
  const projects = join(home, '.claude', 'projects');
  const folders = await readdir(projects).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw new ZoroError(`cannot list ${projects}: ${error.message}`, { cause: error });
  });
  for (const folder of folders) {
    const found = await access(join(projects, folder, `${sessionId}.jsonl`)).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return false;
        throw new ZoroError(`cannot check ${join(projects, folder)}: ${error.message}`, { cause: error });
      },
    );
    if (found) return true;
  }
  return false;
}
