/**
 * What travels between the cockpit server and its page, typed once for both sides (the page
 * imports these types; this file must stay free of Node imports).
 */
import type { ActorView, ApiState } from '../actors/handle.js';
import type { ZoroEvent } from '../lib/events.js';

/** Server → page over `/ws`. */
export type ServerMessage =
  /**
   * The whole state (coalesced: at most one per client per tick) and the actors that changed;
   * `full`: `actors` lists every actor (on connect, and after a slow client caught up).
   */
  | { type: 'snapshot'; state: ApiState; actors: ActorView[]; full?: boolean }
  | { type: 'event'; event: ZoroEvent }
  /** Terminal output of a subscribed session. `reset`: clear first (first message, or a resync after a slow patch). */
  | { type: 'screen'; session: string; data: string; reset: boolean }
  | { type: 'error'; message: string };

/** Page → server over `/ws`. */
export type ClientMessage = { type: 'subscribe'; session: string } | { type: 'unsubscribe'; session: string };

/** `GET /api/info`: what this zoro can do, so the page shows only the controls that work. */
export interface CockpitInfo {
  version: string;
  capabilities: { answer: boolean; team: boolean; chat: boolean };
}

export interface ChartNode {
  id: string;
  key: string;
  /** Keys from the machine's root, as a state value names them (`['BUSY', 'working']`). */
  path: string[];
  /** `initial`: the dot marking a initial state; `any`: where the machine's root transitions start. */
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history' | 'initial' | 'any';
  parent: string | null;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ChartEdge {
  id: string;
  source: string;
  target: string;
  label: string;
  /** Transitions with no target (actions only), drawn as dashed self-loops. */
  internal: boolean;
  points: { x: number; y: number }[];
  labelBox: { x: number; y: number; width: number; height: number } | null;
}

/** A machine laid out for drawing (absolute coordinates, nested states inside their parents). */
export interface Statechart {
  machine: string;
  width: number;
  height: number;
  nodes: ChartNode[];
  edges: ChartEdge[];
}

/** `GET /api/actors/:id/graph`. */
export interface ActorGraph {
  actor: ActorView;
  chart: Statechart;
}
