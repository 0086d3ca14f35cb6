import { watch, type FSWatcher } from 'node:fs';

/**
 * Calls `onStall` when nothing in `repo` has changed for `ms` (the "no file change while
 * BUSY" heuristic). Returns stop. A repo that cannot be watched (too many files for the
 * platform's watcher) simply never stalls by this rule; the busy timer still applies.
 */
export function watchRepo(repo: string, ms: number, onStall: () => void): () => void {
  let timer = setTimeout(onStall, ms);
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(repo, { recursive: true }, (_event, file) => {
      // zoro's own files (data_dir inside a demo repo) and git's bookkeeping are not work.
      if (file && /^(\.zoro|\.git|\.zoro-sim)(\/|$)/.test(String(file))) return;
      clearTimeout(timer);
      timer = setTimeout(onStall, ms);
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    // Not watchable here: documented above, the busy timer covers it.
    watcher = null;
  }
  return () => {
    clearTimeout(timer);
    watcher?.close();
  };
}
