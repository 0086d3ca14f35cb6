/** Private directories and atomic file replacement, shared by state.json and escalation files. */
import { chmod, mkdir, open, rename, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/** Makes `dir` (0700), or tightens an existing one this user owns to 0700. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await stat(dir);
  if ((info.mode & 0o077) !== 0 && info.uid === process.getuid?.()) await chmod(dir, 0o700);
}

/** Sets an existing file to 0600 if it is readable by others; a missing file is fine. */
export async function tightenFile(path: string): Promise<void> {
  try {
    const info = await stat(path);
    if ((info.mode & 0o077) !== 0) await chmod(path, 0o600);
  } catch (error) {
    if (code(error) !== 'ENOENT') throw error;
  }
}

/** fsyncs a directory, so a rename inside it survives a power cut. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some filesystems cannot fsync a directory; the rename is still atomic there.
    if (code(error) !== 'EINVAL' && code(error) !== 'EISDIR') throw error;
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` with `text` so that a reader (or a crash) sees the old file or the new one,
 * never half of either: temp file (0600) → fsync → `beforeRename()` → rename → fsync dir.
 */
export async function writeFileAtomic(path: string, text: string, beforeRename?: () => Promise<void>): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.tmp`);
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await beforeRename?.();
  await rename(temp, path);
  await syncDir(dirname(path));
}

export function isMissing(error: unknown): boolean {
  return code(error) === 'ENOENT';
}
