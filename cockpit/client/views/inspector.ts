/**
 * The live statechart inspector: every actor, and for the chosen one its machine drawn as a
 * statechart with the active state lit as it changes, and the events it received lately.
 */
import type { ActorView } from '../../../actors/handle.js';
import { get } from '../api.js';
import type { PageContext } from '../context.js';
import { clockTime, h, keyed, replace } from '../dom.js';
import type { ActorGraph } from '../../protocol.js';
import { button, emptyNote, type View } from '../ui.js';
import { drawStatechart, highlight, revealActive, sizeStatechart } from './statechart.js';
import { toneOf } from '../colors.js';

export function inspectorView(page: PageContext, initial: string | null): View & { select(id: string | null): void } {
  const list = h('ul', { class: 'actor-list', id: 'actor-list' });
  const filter = h('input', { type: 'search', placeholder: 'filter actors', 'aria-label': 'filter actors' });
  const title = h('h2', {}, 'Choose an actor');
  const valueLabel = h('span', { class: 'pill', id: 'inspector-value' });
  const canvas = h('div', { class: 'chart-canvas', id: 'statechart' }, emptyNote('Pick an actor on the left to see its machine.'));
  let zoom: number | null = null;
  const resize = (next: number | null) => {
    if (svg) zoom = next === null ? (sizeStatechart(svg, canvas, null), null) : sizeStatechart(svg, canvas, Math.min(3, Math.max(0.3, next)));
  };
  const current = () => (svg ? Number(svg.getAttribute('width')) / Number(svg.dataset.width) : 1);
  const zoomBar = h(
    'div',
    { class: 'zoom' },
    button('−', () => resize(current() / 1.2), { 'aria-label': 'zoom out' }),
    button('fit', () => resize(null), { 'aria-label': 'fit to view' }),
    button('+', () => resize(current() * 1.2), { 'aria-label': 'zoom in' }),
  );
  window.addEventListener('resize', () => {
    if (zoom === null) resize(null);
  });
  const recent = h('ol', { class: 'events compact', id: 'actor-recent' });
  const el = h(
    'div',
    { class: 'inspector' },
    h('aside', { class: 'panel actors' }, h('h2', {}, 'Actors'), filter, list),
    h('section', { class: 'panel chart-panel' }, h('div', { class: 'panel-head' }, title, valueLabel, zoomBar), canvas, h('h3', {}, 'Recent events'), recent),
  );
  let selected: string | null = initial;
  let svg: SVGSVGElement | null = null;
  let loading: string | null = null;
  let lastValue = '';

  const load = async (id: string) => {
    loading = id;
    svg = null;
    lastValue = '';
    replace(canvas, h('p', { class: 'muted' }, 'Laying out…'));
    try {
      const graph = await get<ActorGraph>(`/api/actors/${encodeURIComponent(id)}/graph`);
      if (loading !== id) return;
      svg = drawStatechart(graph.chart);
      replace(canvas, svg);
      resize(null);
      view.update();
    } catch (error) {
      if (loading === id) replace(canvas, emptyNote(`No chart: ${(error as Error).message}`));
    }
  };

  const view = {
    el,
    select(id: string | null) {
      if (id === selected && (svg || loading === id)) return;
      selected = id;
      if (id) void load(id);
      view.update();
    },
    update() {
      const needle = filter.value.trim().toLowerCase();
      const actors = [...page.store.actors.values()].filter((a) => !needle || a.id.toLowerCase().includes(needle)).sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
      keyed(list, actors, (a) => a.id, (a) => `${JSON.stringify(a.value)}|${a.id === selected}`, (a) => actorItem(a, a.id === selected));
      const actor = selected ? page.store.actors.get(selected) : undefined;
      if (!actor) return;
      title.textContent = actor.id;
      const value = JSON.stringify(actor.value);
      if (value !== lastValue && svg) {
        highlight(svg, actor.value);
        revealActive(svg, canvas);
        lastValue = value;
      }
      const shown = formatValue(actor.value);
      valueLabel.textContent = shown;
      valueLabel.dataset.tone = toneOf(shown.split('.').at(-1) ?? '');
      keyed(recent, [...actor.recent].reverse().slice(0, 20).map((r, i) => ({ ...r, i: actor.recent.length - i })), (r) => `${r.i}`, () => '', (r) =>
        h('li', { 'data-tone': 'muted' }, h('time', { datetime: r.at }, clockTime(r.at)), h('span', { class: 'etype' }, r.type)),
      );
    },
  };
  if (initial) void load(initial);
  filter.addEventListener('input', () => view.update());
  return view;
}

function actorItem(a: ActorView, chosen: boolean): HTMLElement {
  const value = formatValue(a.value);
  return h('li', { class: chosen ? 'chosen' : '', 'data-actor': a.id }, h('a', { href: `#/inspector/${encodeURIComponent(a.id)}` }, h('span', { class: 'actor-id' }, a.id), h('span', { class: 'pill small', 'data-tone': toneOf(value.split('.').at(-1) ?? '') }, value)));
}

/** `{ BUSY: 'working' }` → `BUSY.working`; `{}` (a machine without states) → `active`. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && Object.keys(value).length === 0) return 'active';
  if (value && typeof value === 'object') return Object.entries(value as Record<string, unknown>).map(([k, v]) => (v && (typeof v === 'string' || typeof v === 'object') ? `${k}.${formatValue(v)}` : k)).join(', ');
  return String(value);
}
