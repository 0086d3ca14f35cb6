/**
 * Draws a laid-out machine (from `/api/actors/:id/graph`) as SVG: rounded state boxes,
 * nested states inside their parents, orthogonal edges with arrowheads and event labels.
 * `highlight` marks the active states (and the transitions that leave them) without redrawing.
 */
import type { ChartEdge, ChartNode, Statechart } from '../../protocol.js';
import { toneOf } from '../colors.js';
import { s } from '../dom.js';

export function drawStatechart(chart: Statechart): SVGSVGElement {
  const pad = 8;
  const svg = s('svg', {
    class: 'statechart',
    viewBox: `${-pad} ${-pad} ${chart.width + 2 * pad} ${chart.height + 2 * pad}`,
    role: 'img',
    'aria-label': `statechart of ${chart.machine}`,
  });
  svg.dataset.width = String(chart.width + 2 * pad);
  svg.dataset.height = String(chart.height + 2 * pad);
  svg.append(
    s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M0 1L9 5L0 9z', class: 'arrow-head' }))),
  );
  const nodeLayer = s('g', { class: 'nodes' });
  const edgeLayer = s('g', { class: 'edges' });
  for (const node of chart.nodes) nodeLayer.append(drawNode(node));
  for (const edge of chart.edges) edgeLayer.append(drawEdge(edge));
  svg.append(nodeLayer, edgeLayer);
  return svg;
}

function drawNode(node: ChartNode): SVGGElement {
  const pseudo = node.type === 'initial' || node.type === 'any';
  const g = s('g', { class: `state ${node.type}`, 'data-path': pseudo ? null : node.path.join('.'), 'data-id': node.id, 'data-tone': toneOf(node.key) });
  if (node.type === 'initial') {
    g.append(s('circle', { cx: node.x + node.width / 2, cy: node.y + node.height / 2, r: node.width / 2, class: 'initial-dot' }));
    return g;
  }
  const box = { x: node.x, y: node.y, width: node.width, height: node.height };
  if (node.type === 'any') {
    g.append(s('rect', { ...box, rx: box.height / 2, class: 'box' }), s('text', { x: box.x + box.width / 2, y: box.y + box.height / 2 + 4, 'text-anchor': 'middle', class: 'label' }, 'any state'));
    return g;
  }
  g.append(s('rect', { ...box, rx: node.type === 'atomic' || node.type === 'final' ? 9 : 12, class: 'box' }));
  if (node.type === 'final') g.append(s('rect', { x: box.x + 3, y: box.y + 3, width: box.width - 6, height: box.height - 6, rx: 7, class: 'inner' }));
  const nested = node.type === 'compound' || node.type === 'parallel';
  if (nested) {
    g.append(s('text', { x: box.x + 12, y: box.y + 21, class: 'label nested-label' }, node.key));
    g.append(s('line', { x1: box.x, x2: box.x + box.width, y1: box.y + 30, y2: box.y + 30, class: 'divider' }));
  } else {
    g.append(s('text', { x: box.x + box.width / 2, y: box.y + box.height / 2 + 4.5, 'text-anchor': 'middle', class: 'label' }, node.key));
  }
  g.append(s('title', {}, node.id));
  return g;
}

function drawEdge(edge: ChartEdge): SVGGElement {
  const g = s('g', { class: `transition${edge.internal ? ' internal' : ''}`, 'data-source': edge.source });
  if (edge.points.length >= 2) g.append(s('path', { d: roundedPath(edge.points, 6), class: 'edge', 'marker-end': 'url(#arrow)' }));
  if (edge.label && edge.labelBox) {
    const b = edge.labelBox;
    g.append(s('rect', { x: b.x, y: b.y, width: b.width, height: b.height, rx: 4, class: 'edge-label-bg' }));
    g.append(s('text', { x: b.x + b.width / 2, y: b.y + b.height / 2 + 4, 'text-anchor': 'middle', class: 'edge-label' }, edge.label));
  }
  return g;
}

/**
 * Sizes the drawing: `zoom` null fits it into the space left in the window (never below 85 %
 * of its natural size, so labels stay legible: past that the canvas scrolls).
 */
export function sizeStatechart(svg: SVGSVGElement, canvas: HTMLElement, zoom: number | null): number {
  const w = Number(svg.dataset.width);
  const h = Number(svg.dataset.height);
  let k = zoom;
  if (k === null) {
    const availW = canvas.clientWidth - 30;
    const availH = Math.max(360, window.innerHeight - canvas.getBoundingClientRect().top - 40);
    k = Math.max(0.85, Math.min(availW / w, availH / h, 1.3));
  }
  svg.setAttribute('width', String(Math.round(w * k)));
  svg.setAttribute('height', String(Math.round(h * k)));
  return k;
}

/** A polyline whose corners are rounded with radius r (ELK routes orthogonally). */
function roundedPath(points: { x: number; y: number }[], r: number): string {
  let d = `M${points[0]!.x} ${points[0]!.y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [a, b, c] = [points[i - 1]!, points[i]!, points[i + 1]!];
    const r1 = Math.min(r, Math.hypot(b.x - a.x, b.y - a.y) / 2, Math.hypot(c.x - b.x, c.y - b.y) / 2);
    const p1 = toward(b, a, r1);
    const p2 = toward(b, c, r1);
    d += `L${p1.x} ${p1.y}Q${b.x} ${b.y} ${p2.x} ${p2.y}`;
  }
  const last = points.at(-1)!;
  return `${d}L${last.x} ${last.y}`;
}

function toward(from: { x: number; y: number }, to: { x: number; y: number }, dist: number): { x: number; y: number } {
  const len = Math.hypot(to.x - from.x, to.y - from.y) || 1;
  return { x: +(from.x + ((to.x - from.x) / len) * dist).toFixed(1), y: +(from.y + ((to.y - from.y) / len) * dist).toFixed(1) };
}

/** `{ BUSY: 'working' }` → {'BUSY', 'BUSY.working'}; `{}` (a machine without states) → {''}. */
export function activePaths(value: unknown, prefix: string[] = []): Set<string> {
  const out = new Set<string>();
  if (typeof value === 'string') out.add([...prefix, value].join('.'));
  else if (prefix.length === 0 && value && typeof value === 'object' && Object.keys(value).length === 0) out.add('');
  else if (value && typeof value === 'object') {
    for (const [key, sub] of Object.entries(value as Record<string, unknown>)) {
      out.add([...prefix, key].join('.'));
      for (const p of activePaths(sub, [...prefix, key])) out.add(p);
    }
  }
  return out;
}

/** Marks active states and the transitions that can fire from them. */
export function highlight(svg: SVGSVGElement, value: unknown): void {
  const active = activePaths(value);
  const activeIds = new Set<string>();
  for (const g of svg.querySelectorAll<SVGGElement>('g.state')) {
    const on = g.dataset.path !== undefined && active.has(g.dataset.path);
    g.classList.toggle('active', on);
    if (on && g.dataset.id) activeIds.add(g.dataset.id);
  }
  for (const g of svg.querySelectorAll<SVGGElement>('g.transition')) g.classList.toggle('live', activeIds.has(g.dataset.source ?? ''));
}

/**
 * Scrolls the canvas so the lit state is in sight: the outermost active state that fits
 * (`BUSY` with its sub-states), else the innermost (`working`). A real machine (a
 * session's) is larger than the canvas at a legible zoom, so its lit state can be out of view.
 */
export function revealActive(svg: SVGSVGElement, canvas: HTMLElement): void {
  const lit = [...svg.querySelectorAll<SVGGElement>('g.state.active')].map((g) => g.getBoundingClientRect());
  if (!lit.length) return;
  const view = canvas.getBoundingClientRect();
  const box = lit.find((b) => b.width <= view.width - 20 && b.height <= view.height - 20) ?? lit.at(-1)!;
  const inside = box.left >= view.left && box.right <= view.right && box.top >= view.top && box.bottom <= view.bottom;
  if (inside) return;
  canvas.scrollBy({ left: box.left + box.width / 2 - (view.left + view.width / 2), top: box.top + box.height / 2 - (view.top + view.height / 2) });
}
