/**
 * `state.json` as a lowdb adapter. lowdb's own JSONFile (steno) already writes a temp file
 * and renames it over the target, which survives a killed process; but it does not fsync,
 * so a power cut can leave an empty file; it creates files with the umask's mode (0644);
 * and it keeps no previous copy. This one adds those three:
 *   write temp (0600) → fsync → copy the current file to `state.json.bak` → rename → fsync dir.
 * Writes must not overlap; the store runs one at a time.
 */
import { access, chmod, copyFile, readFile } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import { isMissing, writeFileAtomic } from './files.js';
import { parseStateDoc, type StateDoc } from './records.js';
import { StoreError } from './types.js';

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

export class StateFile implements Adapter<StateDoc> {
  readonly backup: string;

  constructor(readonly path: string) {
    this.backup = `${path}.bak`;
  }

  /** The document, or null when there is none yet. A damaged file throws a StoreError. */
  async read(): Promise<StateDoc | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (!isMissing(error)) throw error;
      // zoro never removes state.json once written: a lone backup means someone else did.
      if (await exists(this.backup)) {
        throw new StoreError(this.path, `is missing but ${this.backup} exists; \`cp ${this.backup} ${this.path}\` restores the last saved state, or remove the .bak too to start with no live tickets`);
      }
      return null;
    }
    return parseStateDoc(text, this.path, (await exists(this.backup)) ? this.backup : null);
  }

  write(doc: StateDoc): Promise<void> {
    return writeFileAtomic(this.path, JSON.stringify(doc, null, 2), () => this.#keepBackup());
  }

  // The file being replaced was written by us from a validated document: the last good copy.
  async #keepBackup(): Promise<void> {
    try {
      await copyFile(this.path, this.backup);
    } catch (error) {
      if (isMissing(error)) return; // first save: nothing to keep yet
      throw error;
    }
    await chmod(this.backup, 0o600);
  }
}
