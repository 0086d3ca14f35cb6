/**
 * The two file habits zoro's user-edited files need: replace a file atomically (so a reader
 * or a crash never sees half of it) and notice when an editor changed it.
 */
import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { chmod, open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Write `data` to `path` through a temporary file in the same directory and a rename, so
 * the file is either the old one or the new one, never a mix. A symlink is followed (its
 * target is replaced, the link stays). `mode` defaults to the existing file's, else 0644.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: { mode?: number } = {}): Promise<void> {
  const target = await realpath(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return path;
    throw error;
  });
  const existingMode = await stat(target).then(
    (info) => info.mode & 0o7777,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    },
  );
  const mode = options.mode ?? existingMode ?? 0o644;
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp);
    throw error;
  }
  await handle.close();
  try {
    // open() applies the umask; the caller's mode (0600 for access.txt) must hold exactly.
    await chmod(temp, mode);
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined); // best effort: the rename failure is what we report
    throw error;
  }
}

export interface FileWatchOptions {
  /** Quiet time after the last event before `onChange` runs (editors write in bursts). */
  debounceMs?: number;
  /**
   * The watcher itself failed (directory removed…) and has stopped. Default: call
   * `onChange`, so the caller re-reads the file and reports the real problem.
   */
  onError?: (error: Error) => void;
}

/**
 * Call `onChange` when `path` changes. Watches the file's directory, not the file: editors
 * save by writing a new file and renaming it over the old one, which a watch on the old
 * file's inode would miss. Returns a function that stops watching.
 */
export function watchFileChanges(path: string, onChange: () => void, options: FileWatchOptions = {}): () => void {
  const name = basename(path);
  const debounceMs = options.debounceMs ?? 100;
  let timer: NodeJS.Timeout | null = null;
  let watcher: FSWatcher | null = fsWatch(dirname(path), { persistent: false }, (_event, changed) => {
    // Some platforms do not report the name; then every change in the directory counts.
    if (changed !== null && changed.toString() !== name) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      onChange();
    }, debounceMs);
  });
  const stop = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    watcher?.close();
    watcher = null;
  };
  watcher.on('error', (error) => {
    stop();
    if (options.onError) options.onError(error);
    else onChange();
  });
  return stop;
}
