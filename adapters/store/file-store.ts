/**
 * The real Store: files in `data_dir` (0700), each 0600.
 *   state.json              live state (lowdb document, see StateFile), state.json.bak its previous save
 *   tickets-archive.jsonl   finished tickets, one `{rev, ticket}` a line; the newest rev of an id wins
 *   events.jsonl            the event log, one ZoroEvent a line
 *   zoro.lock               the pid of the zoro using this data_dir
 */
import { join } from 'node:path';
import { Low } from 'lowdb';
import type { ZoroEvent } from '../../lib/events.js';
import { errorMessage } from '../../lib/errors.js';
import { ensurePrivateDir, tightenFile } from './files.js';
import { JsonlAppender, readJsonl, readJsonlTail, repairTail } from './jsonl.js';
import { acquireLock, type Release } from './lock.js';
import { emptyStateDoc, isEvent, isStoredTicket, type StateDoc, type StoredTicket } from './records.js';
import { StateFile } from './state-file.js';
import { createStore, type StoreBackend } from './store.js';
import type { Store, StoreOptions } from './types.js';

export const STATE_FILE = 'state.json';
export const ARCHIVE_FILE = 'tickets-archive.jsonl';
export const EVENTS_FILE = 'events.jsonl';

export interface FileStoreOptions extends StoreOptions {
  /** The data_dir (`~/.zoro`, or `DIR/.zoro` for a demo); created 0700 if missing. */
  dir: string;
}

/**
 * @example
 *   const store = createFileStore({ dir: join(homedir(), '.zoro') });
 *   const { tickets, journal } = await store.load();
 */
export function createFileStore(options: FileStoreOptions): Store {
  return createStore(createFileBackend(options.dir), options);
}

function createFileBackend(dir: string): StoreBackend {
  const stateFile = new StateFile(join(dir, STATE_FILE));
  const db = new Low<StateDoc>(stateFile, emptyStateDoc());
  // A buffered append that fails in the background is reported; the lines stay queued for a retry.
  let report: (file: string, error: unknown) => void = () => undefined;
  const archive = new JsonlAppender(join(dir, ARCHIVE_FILE), (error) => report(ARCHIVE_FILE, error));
  const events = new JsonlAppender(join(dir, EVENTS_FILE), (error) => report(EVENTS_FILE, error));
  let release: Release | null = null;

  return {
    async open(recentLimit, log) {
      const warn = (message: string) => log('warn', message);
      report = (file, error) => log('error', `appending to ${file} failed (will retry): ${errorMessage(error)}`);
      await ensurePrivateDir(dir);
      release = await acquireLock(dir);
      try {
        for (const path of [stateFile.path, stateFile.backup, archive.path, events.path]) await tightenFile(path);
        // Read through the adapter, not db.read(): lowdb keeps the default on null, and a
        // missing file (fresh) must be told apart from an empty document.
        const doc = await stateFile.read();
        if (doc) db.data = doc;

        await repairTail(archive.path, warn);
        const archived: StoredTicket[] = [];
        await readJsonl(archive.path, warn, (value) => {
          if (isStoredTicket(value)) archived.push(value);
          else warn(`${ARCHIVE_FILE}: skipped a line that is not a {rev, ticket} record`);
        });

        await repairTail(events.path, warn);
        const recentEvents: ZoroEvent[] = [];
        for (const value of await readJsonlTail(events.path, recentLimit, warn)) {
          if (isEvent(value)) recentEvents.push(value);
          else warn(`${EVENTS_FILE}: skipped a line that is not an event`);
        }

        await archive.open();
        await events.open();
        return { doc, archive: archived, recentEvents };
      } catch (error) {
        await release();
        release = null;
        throw error;
      }
    },

    async writeState(doc, archiveBatch) {
      if (archiveBatch.length > 0) {
        for (const stored of archiveBatch) archive.append(JSON.stringify(stored));
        // On disk before the document that no longer lists them.
        await archive.sync();
      }
      db.data = doc;
      await db.write();
    },

    appendEvent(event) {
      events.appendNow(JSON.stringify(event));
    },

    flushEvents() {
      return events.drain();
    },

    async close() {
      await events.close();
      await archive.close();
      await release?.();
      release = null;
    },
  };
}
