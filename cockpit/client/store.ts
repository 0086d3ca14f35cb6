/**
 * What the page knows: the latest state, every actor's view, the event log it has seen, and
 * a short history of queue depths (sampled from snapshots) for the charts. Views read it;
 * only the live connection and the first load write it.
 */
import type { ActorView, ApiState } from '../../actors/handle.js';
import type { ZoroEvent } from '../../lib/events.js';
import type { CockpitInfo } from '../protocol.js';

const MAX_EVENTS = 1000;
const SAMPLE_MS = 1000;
const HISTORY_MS = 30 * 60 * 1000;

export type Connection = 'connecting' | 'live' | 'offline';

export class Store {
  info: CockpitInfo | null = null;
  state: ApiState | null = null;
  readonly actors = new Map<string, ActorView>();
  events: ZoroEvent[] = [];
  /** session → [time ms, queue depth] samples. */
  readonly queueHistory = new Map<string, [number, number][]>();
  connection: Connection = 'connecting';
  private listeners = new Set<() => void>();

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setConnection(connection: Connection): void {
    this.connection = connection;
    this.changed();
  }

  /** `full`: `actors` is every actor, so ones no longer listed are gone. */
  applySnapshot(state: ApiState, actors: ActorView[], full = false): void {
    this.state = state;
    if (full) this.actors.clear();
    for (const actor of actors) this.actors.set(actor.id, actor);
    this.addEvents(state.events);
    this.sampleQueues(state);
    this.changed();
  }

  addEvents(events: ZoroEvent[]): void {
    if (!events.length) return;
    const last = this.events.at(-1)?.seq ?? -Infinity;
    // The common case (live events in order) appends; a reconnect merges by seq.
    if (events.every((e, i) => e.seq > (i === 0 ? last : events[i - 1]!.seq))) this.events.push(...events);
    else {
      const bySeq = new Map(this.events.map((e) => [e.seq, e]));
      for (const e of events) bySeq.set(e.seq, e);
      this.events = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    }
    if (this.events.length > MAX_EVENTS) this.events = this.events.slice(-MAX_EVENTS);
    this.changed();
  }

  private sampleQueues(state: ApiState): void {
    const now = Date.now();
    for (const session of state.sessions) {
      let samples = this.queueHistory.get(session.name);
      if (!samples) this.queueHistory.set(session.name, (samples = []));
      const depth = session.queue.length;
      const last = samples.at(-1);
      if (last && now - last[0] < SAMPLE_MS) last[1] = Math.max(last[1], depth);
      else samples.push([now, depth]);
      while (samples.length && samples[0]![0] < now - HISTORY_MS) samples.shift();
    }
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
