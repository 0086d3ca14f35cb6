/**
 * The Store's in-memory twin, for specs. A MemoryDisk plays data_dir: it holds the same
 * text the files would, so a record comes back exactly as from disk, and a second store on
 * the same disk is a restart. What a crash would lose is what was never flushed: pending
 * state writes (events here reach the disk at once).
 */
import type { ZoroEvent } from '../../lib/events.js';
import { isEvent, isStoredTicket, parseStateDoc, type StoredTicket } from './records.js';
import { createStore, type StoreBackend } from './store.js';
import type { Store, StoreOptions } from './types.js';

export interface MemoryDisk {
  /** `state.json`'s text, null before the first write. */
  state: string | null;
  /** `tickets-archive.jsonl`, one line an element. */
  archive: string[];
  /** `events.jsonl`, one line an element. */
  events: string[];
}

export function createMemoryDisk(): MemoryDisk {
  return { state: null, archive: [], events: [] };
}

/**
 * @example
 *   const disk = createMemoryDisk();
 *   const store = createMemoryStore(disk);
 *   await store.load();
 *   // …later, a restart:
 *   const again = createMemoryStore(disk);
 */
export function createMemoryStore(disk: MemoryDisk = createMemoryDisk(), options: StoreOptions = {}): Store {
  return createStore(createMemoryBackend(disk), options);
}

function parseLines<T>(lines: string[], name: string, valid: (value: unknown) => value is T, warn: (m: string) => void): T[] {
  const records: T[] = [];
  for (const [index, line] of lines.entries()) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // Matches the file store: a line that is not JSON is skipped, not fatal.
      value = undefined;
    }
    if (valid(value)) records.push(value);
    else warn(`${name}:${index + 1}: skipped a line that is not a valid record`);
  }
  return records;
}

function createMemoryBackend(disk: MemoryDisk): StoreBackend {
  return {
    async open(recentLimit, log) {
      const warn = (message: string) => log('warn', message);
      return {
        doc: disk.state === null ? null : parseStateDoc(disk.state, 'memory:state.json', null),
        archive: parseLines<StoredTicket>(disk.archive, 'memory:tickets-archive.jsonl', isStoredTicket, warn),
        recentEvents: parseLines<ZoroEvent>(disk.events.slice(-recentLimit), 'memory:events.jsonl', isEvent, warn),
      };
    },
    async writeState(doc, archive) {
      for (const stored of archive) disk.archive.push(JSON.stringify(stored));
      disk.state = JSON.stringify(doc);
    },
    appendEvent(event) {
      disk.events.push(JSON.stringify(event));
    },
    async flushEvents() {},
    async close() {},
  };
}
