/** What every view is given: the store, the live connection and page-level actions. */
import type { Live } from './live.js';
import type { Store } from './store.js';

export interface PageContext {
  store: Store;
  live: Live;
  openTerminal(session: string): void;
  navigate(route: string): void;
}
