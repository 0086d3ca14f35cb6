/** The event log, live: newest first, filterable by text. */
import type { ZoroEvent } from '../../../lib/events.js';
import type { PageContext } from '../context.js';
import { clockTime, h, keyed } from '../dom.js';
import { toneOf, type Tone } from '../colors.js';
import type { View } from '../ui.js';

export function eventsView(page: PageContext): View {
  const filter = h('input', { type: 'search', placeholder: 'filter: type, session, ticket or text', 'aria-label': 'filter events' });
  const list = h('ol', { class: 'events', id: 'event-log' });
  const count = h('span', { class: 'muted small' });
  const el = h('div', { class: 'page' }, h('section', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h2', {}, 'Event log'), count, filter), list));
  const update = () => {
    const needle = filter.value.trim().toLowerCase();
    const all = page.store.events;
    const shown = (needle ? all.filter((e) => eventText(e).includes(needle)) : all).slice(-300).reverse();
    count.textContent = needle ? `${shown.length} of ${all.length}` : `${all.length} events`;
    keyed(list, shown, (e) => String(e.seq), () => '', eventRow);
  };
  filter.addEventListener('input', update);
  return { el, update };
}

function eventText(e: ZoroEvent): string {
  return `${e.type} ${e.session ?? ''} ${e.ticket ?? ''} ${e.provider ?? ''} ${e.message}`.toLowerCase();
}

export function eventTone(e: Pick<ZoroEvent, 'type' | 'data'>): Tone {
  const type = e.type;
  // `session.state` is coloured by the state the session entered (`sim-1: IDLE → BUSY`).
  if (type === 'session.state' && typeof e.data?.to === 'string') return toneOf(e.data.to, typeof e.data.detail === 'string' ? e.data.detail : null);
  if (/fail|error|unreachable|crash/.test(type)) return 'bad';
  if (/escalat/.test(type)) return 'escalated';
  if (/needs_human|ask/.test(type)) return 'human';
  if (/done|complete|passed/.test(type)) return 'ok';
  if (/retry|loop|backoff|restart|reapproach/.test(type)) return 'warn';
  if (/pause/.test(type)) return 'paused';
  if (/block/.test(type)) return 'blocked';
  if (/queued/.test(type)) return 'queued';
  if (/dispatch|deliver|typed|started/.test(type)) return 'busy';
  if (/verif|review|closing/.test(type)) return 'check';
  return 'muted';
}

export function eventRow(e: ZoroEvent): HTMLElement {
  return h(
    'li',
    { 'data-tone': eventTone(e), 'data-seq': e.seq },
    h('time', { datetime: e.at, title: e.at }, clockTime(e.at)),
    h('span', { class: 'etype' }, e.type),
    h(
      'span',
      { class: 'emsg' },
      e.message,
      e.session ? h('span', { class: 'tag' }, e.session) : null,
      e.ticket ? h('span', { class: 'tag' }, `#${e.ticket}`) : null,
      e.provider && !e.ticket ? h('span', { class: 'tag' }, e.provider) : null,
    ),
  );
}
