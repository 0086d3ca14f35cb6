/**
 * One zoro per data_dir. Two processes sharing one would each dispatch the same queued
 * tickets; the lock file (`zoro.lock`, holding the owner's pid) stops the second at start.
 * A lock whose process is gone (a crash, `kill -9`) is taken over.
 */
import { open, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from './types.js';

export const LOCK_FILE = 'zoro.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else; ESRCH: gone.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What to call to release the lock. */
export type Release = () => Promise<void>;

/**
 * Takes `dir`'s lock or throws a StoreError naming the pid that holds it. A lock held by
 * this same process is taken over: that is an in-process restart (as specs simulate crashes).
 */
export async function acquireLock(dir: string): Promise<Release> {
  const path = join(dir, LOCK_FILE);
  const mine = `${process.pid}\n`;
  try {
    const file = await open(path, 'wx', 0o600);
    await file.writeFile(mine);
    await file.close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number.parseInt(await readFile(path, 'utf8'), 10);
    if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
      throw new StoreError(path, `data_dir ${dir} is in use by another zoro (pid ${holder}); stop it first, or give this one another data_dir`);
    }
    await writeFile(path, mine, { mode: 0o600 });
  }
  return async () => {
    // Only remove it if it is still ours (a takeover may have replaced it).
    const holder = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    if (holder === mine) await unlink(path);
  };
}
