/**
 * A machine definition laid out for drawing: `xstate/graph`'s `toDirectedGraph` gives the
 * states and transitions, `elkjs` places them (nested states inside their parents, edges
 * routed orthogonally with their labels), and the page draws the result as its own SVG.
 * Layout runs here, on the server, so the page bundle stays small and works offline.
 * Only ids, keys and event names leave this module: never context, which may hold config.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { toDirectedGraph, type DirectedGraphNode } from 'xstate/graph';
import ElkModule from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { ChartEdge, ChartNode, Statechart } from './protocol.js';

export type { ChartEdge, ChartNode, Statechart };

// Labels are drawn in a monospace face at these sizes, so widths can be computed here.
const STATE_CHAR = 7.8;
const EDGE_CHAR = 6.6;

// elkjs ships CommonJS whose default export is the constructor; under NodeNext the default
// import is the module object, whose own `default` is the same constructor.
type ElkCtor = new () => { layout(graph: ElkNode): Promise<ElkNode> };
const ELK = ((ElkModule as unknown as { default?: ElkCtor }).default ?? (ElkModule as unknown as ElkCtor));

const cache = new WeakMap<object, Promise<Statechart>>();

export function isStateMachine(value: unknown): value is AnyStateMachine {
  const m = value as { root?: unknown; transition?: unknown; config?: unknown } | null;
  return typeof m === 'object' && m !== null && typeof m.root === 'object' && typeof m.transition === 'function' && typeof m.config === 'object';
}

/** Lays out a machine once; later calls for the same definition reuse the result. */
export function layoutMachine(machine: AnyStateMachine): Promise<Statechart> {
  let chart = cache.get(machine);
  if (!chart) {
    chart = computeLayout(machine);
    cache.set(machine, chart);
  }
  return chart;
}

async function computeLayout(machine: AnyStateMachine): Promise<Statechart> {
  const graph = toDirectedGraph(machine);
  if (graph.children.length === 0) return statelessChart(machine.id, graph);
  const types = new Map<string, ChartNode['type']>();
  const edges: ElkExtendedEdge[] = [];
  const internal = new Set<string>();
  const children = withInitialDot(graph, graph.children.map((child) => toElkNode(child, types, edges, internal)), types, edges);
  if (graph.edges.length) {
    // Transitions declared on the machine's root (a CANCEL every state takes) start from an
    // "any state" box rather than from every state; one with no target loops on that box
    // (an edge to the root itself is one ELK cannot lay out).
    const any = `${graph.id}#any`;
    types.set(any, 'any');
    children.push({ id: any, width: 96, height: 30 });
    for (const edge of graph.edges) addEdge(edges, internal, edge.id, any, edge.target.id === graph.id ? any : edge.target.id, edge.transition);
  }
  const root: ElkNode = {
    id: graph.id,
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '46',
      'elk.spacing.nodeNode': '34',
      'elk.spacing.edgeLabel': '4',
      'elk.spacing.edgeNode': '16',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
      // Keep the states in the order the machine declares them and break cycles by that
      // order too: the initial state ends up on top and the happy path reads downwards.
      // (ELK takes these on the root only: set on a nested node they make it fail.)
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.nodePlacement.bk.fixedAlignment': 'BALANCED',
    },
    children,
    edges,
  };
  const laid = await new ELK().layout(root);
  return flatten(machine.id, graph, laid, types, internal);
}

/**
 * A machine without states (the orchestrator: one context, many handlers) is one box named
 * after the machine, the events it handles listed inside it in columns (self-loops by the
 * dozen would only tangle). No layout engine needed.
 */
function statelessChart(machineId: string, graph: DirectedGraphNode): Statechart {
  const labels = graph.edges.map((edge) => ({ id: edge.id, text: transitionLabel(edge.transition), width: transitionLabel(edge.transition).length * EDGE_CHAR + 10 }));
  const columns = labels.length > 8 ? 2 : 1;
  const rows = Math.ceil(labels.length / columns);
  const pad = 14;
  const top = 42;
  const rowH = 25;
  const colW = Math.max(0, ...labels.map((l) => l.width)) + 12;
  const width = Math.max(machineId.length * STATE_CHAR + 28, pad * 2 + columns * colW);
  const height = top + rows * rowH + pad - 8;
  const self = `${graph.id}#self`;
  const node: ChartNode = { id: self, key: machineId, path: [], type: 'compound', parent: null, x: 0, y: 0, width: round(width), height: round(height) };
  const edges: ChartEdge[] = labels.map((l, i) => ({
    id: l.id,
    source: self,
    target: self,
    label: l.text,
    internal: true,
    points: [],
    labelBox: { x: round(pad + Math.floor(i / rows) * colW), y: top + (i % rows) * rowH, width: round(l.width), height: 17 },
  }));
  return { machine: machineId, width: round(width), height: round(height), nodes: [node], edges };
}

function toElkNode(node: DirectedGraphNode, types: Map<string, ChartNode['type']>, edges: ElkExtendedEdge[], internal: Set<string>): ElkNode {
  const state = node.stateNode;
  types.set(node.id, state.type);
  for (const edge of node.edges) addEdge(edges, internal, edge.id, node.id, edge.target.id, edge.transition);
  state.always?.forEach((t: AnyTransitionDefinition, i: number) => {
    for (const [j, target] of (t.target ?? [state]).entries()) addEdge(edges, internal, `${node.id}:always:${i}:${j}`, node.id, target.id, t);
  });
  const labelWidth = state.key.length * STATE_CHAR + 28;
  if (node.children.length === 0) return { id: node.id, width: Math.max(72, labelWidth), height: 36 };
  const children = withInitialDot(node, node.children.map((child) => toElkNode(child, types, edges, internal)), types, edges);
  return {
    id: node.id,
    children,
    layoutOptions: {
      'elk.padding': '[top=34,left=14,bottom=14,right=14]',
      'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      'elk.nodeSize.minimum': `(${Math.ceil(labelWidth)}, 60)`,
    },
  };
}

/** A dot with an arrow into the initial child, as statecharts are usually drawn. */
function withInitialDot(node: DirectedGraphNode, children: ElkNode[], types: Map<string, ChartNode['type']>, edges: ElkExtendedEdge[]): ElkNode[] {
  const state = node.stateNode;
  const initialTarget = state.type === 'parallel' ? undefined : (state.initial?.target as AnyStateNode[] | undefined)?.[0];
  if (!initialTarget) return children;
  const dot = `${node.id}#initial`;
  types.set(dot, 'initial');
  edges.push({ id: `${dot}->`, sources: [dot], targets: [initialTarget.id] });
  return [{ id: dot, width: 10, height: 10 }, ...children];
}

function addEdge(edges: ElkExtendedEdge[], internal: Set<string>, id: string, source: string, target: string, t: AnyTransitionDefinition): void {
  const label = transitionLabel(t);
  if (!t.target) internal.add(id);
  edges.push({ id, sources: [source], targets: [target], labels: [{ text: label, width: label.length * EDGE_CHAR + 10, height: 17 }] });
}

/**
 * `xstate.after.1000.session.BUSY` → `after 1s`, a named delay
 * (`xstate.after.busyLimit.session.BUSY.working`) → `after busyLimit`, `''` → `always`,
 * plus `[guard]`.
 */
export function transitionLabel(t: Pick<AnyTransitionDefinition, 'eventType' | 'guard'>): string {
  const type = t.eventType;
  let label = type;
  const after = /^xstate\.after\.([^.]+)\./.exec(type);
  if (type === '') label = 'always';
  else if (after) label = `after ${/^\d+$/.test(after[1]!) ? formatDelay(Number(after[1])) : after[1]}`;
  else if (type.startsWith('xstate.done.actor.')) label = invoked('done', type.slice('xstate.done.actor.'.length));
  else if (type.startsWith('xstate.error.actor.')) label = invoked('error', type.slice('xstate.error.actor.'.length));
  else if (type.startsWith('xstate.done.state.')) label = 'done';
  const guard = guardName(t.guard);
  return guard ? `${label} [${guard}]` : label;
}

/** `done: poll` for a named invoke; plain `done` for one xstate named (`0.ticket.verifying`). */
function invoked(outcome: 'done' | 'error', id: string): string {
  return /^\d+\./.test(id) ? outcome : `${outcome}: ${id}`;
}

function guardName(guard: unknown): string | null {
  if (!guard) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && typeof (guard as { type?: unknown }).type === 'string') return (guard as { type: string }).type;
  return 'guard';
}

function formatDelay(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}min`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

function flatten(machineId: string, graph: DirectedGraphNode, laid: ElkNode, types: Map<string, ChartNode['type']>, internal: Set<string>): Statechart {
  const nodes: ChartNode[] = [];
  const offsets = new Map<string, { x: number; y: number }>([[laid.id, { x: 0, y: 0 }]]);
  const paths = new Map<string, string[]>();
  const collectPaths = (node: DirectedGraphNode) => {
    paths.set(node.id, node.stateNode.path as string[]);
    node.children.forEach(collectPaths);
  };
  collectPaths(graph);
  const walk = (node: ElkNode, parent: ElkNode) => {
    const base = offsets.get(parent.id)!;
    const x = base.x + (node.x ?? 0);
    const y = base.y + (node.y ?? 0);
    offsets.set(node.id, { x, y });
    const path = paths.get(node.id) ?? [];
    nodes.push({
      id: node.id,
      key: path.at(-1) ?? machineId,
      path,
      type: types.get(node.id) ?? 'atomic',
      parent: parent.id === laid.id ? null : parent.id,
      x: round(x),
      y: round(y),
      width: round(node.width ?? 0),
      height: round(node.height ?? 0),
    });
    node.children?.forEach((child) => walk(child, node));
  };
  laid.children?.forEach((child) => walk(child, laid));

  const edges: ChartEdge[] = (laid.edges ?? []).map((edge) => {
    // Edge coordinates are relative to the node ELK placed the edge in (its `container`).
    const container = (edge as ElkExtendedEdge & { container?: string }).container ?? laid.id;
    const base = offsets.get(container) ?? { x: 0, y: 0 };
    const at = (p: { x: number; y: number }) => ({ x: round(base.x + p.x), y: round(base.y + p.y) });
    const points = (edge.sections ?? []).flatMap((s) => [at(s.startPoint), ...(s.bendPoints ?? []).map(at), at(s.endPoint)]);
    const label = edge.labels?.[0];
    return {
      id: edge.id,
      source: edge.sources[0]!,
      target: edge.targets[0]!,
      label: label?.text ?? '',
      internal: internal.has(edge.id),
      points,
      labelBox: label ? { ...at({ x: label.x ?? 0, y: label.y ?? 0 }), width: round(label.width ?? 0), height: round(label.height ?? 0) } : null,
    };
  });
  return { machine: machineId, width: round(laid.width ?? 0), height: round(laid.height ?? 0), nodes, edges };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
