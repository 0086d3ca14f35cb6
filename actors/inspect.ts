import type { AnyActorRef, InspectionEvent } from 'xstate';
import type { ActorView } from './handle.js';

const RECENT = 20;

/**
 * Follows every actor in the system through XState's inspection events: its current state
 * value and its recent events, for the cockpit's statechart inspector.
 */
export class ActorWatch {
  private readonly actors = new Map<string, { ref: AnyActorRef; view: ActorView }>();

  constructor(private readonly onChange: (view: ActorView) => void) {}

  inspect(event: InspectionEvent): void {
    const ref = event.actorRef as AnyActorRef;
    const id = ref.id;
    if (event.type === '@xstate.actor') {
      const machine = logicOf(ref)?.id;
      if (!machine) return; // promise and callback actors are not drawn
      this.actors.set(id, { ref, view: { id, machine, value: null, recent: [] } });
      return;
    }
    const entry = this.actors.get(id);
    if (!entry) return;
    if (event.type === '@xstate.event') {
      entry.view.recent = [...entry.view.recent, { type: event.event.type, at: new Date().toISOString() }].slice(-RECENT);
    } else if (event.type === '@xstate.snapshot') {
      const snapshot = event.snapshot as { value?: unknown; status?: string };
      if (snapshot.status === 'stopped') {
        this.actors.delete(id);
        return;
      }
      const value = snapshot.value ?? null;
      if (JSON.stringify(value) === JSON.stringify(entry.view.value)) return;
      entry.view = { ...entry.view, value };
      this.onChange(entry.view);
    }
  }

  views(): ActorView[] {
    return [...this.actors.values()].map((e) => e.view);
  }

  machineOf(id: string): unknown | null {
    const entry = this.actors.get(id);
    return entry ? logicOf(entry.ref) : null;
  }
}

/** The machine behind an actor (xstate's Actor keeps it as `logic`). */
function logicOf(ref: AnyActorRef): { id?: string } | null {
  return (ref as unknown as { logic?: { id?: string } }).logic ?? null;
}
