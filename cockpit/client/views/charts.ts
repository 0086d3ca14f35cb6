/**
 * Charts from the event log and the snapshots: tickets finished over time, queue depth per
 * session, and a timeline of each ticket's attempts. Small SVGs in the state colours.
 */
import type { TicketView } from '../../../actors/handle.js';
import type { ZoroEvent } from '../../../lib/events.js';
import { toneOf, type Tone } from '../colors.js';
import type { PageContext } from '../context.js';
import { h, replace, s } from '../dom.js';
import type { Store } from '../store.js';
import { emptyNote, type View } from '../ui.js';
import { countAxis, scale, stepPath, svgFrame, timeAxis, type Frame } from './chart-kit.js';

const REDRAW_MS = 1000;

export function chartsView(page: PageContext): View {
  const finished = h('div', { class: 'chart-box', id: 'chart-finished' });
  const queues = h('div', { class: 'chart-box', id: 'chart-queues' });
  const attempts = h('div', { class: 'chart-box', id: 'chart-attempts' });
  const el = h(
    'div',
    { class: 'page charts' },
    h('section', { class: 'panel' }, h('h2', {}, 'Tickets finished over time'), finished),
    h('section', { class: 'panel' }, h('h2', {}, 'Queue depth per session'), queues),
    h('section', { class: 'panel wide' }, h('h2', {}, 'Attempts per ticket'), attempts),
  );
  let last = 0;
  let pending: number | undefined;
  const draw = () => {
    pending = undefined;
    last = performance.now();
    const { store } = page;
    if (!store.state) return;
    replace(finished, finishedChart(store.state.tickets, Date.parse(store.state.started_at)));
    replace(queues, queueChart(store));
    replace(attempts, attemptChart(store.state.tickets, store.events));
  };
  return {
    el,
    update() {
      // Charts need not follow every frame; once a second keeps them cheap.
      if (pending !== undefined) return;
      pending = window.setTimeout(draw, Math.max(0, last + REDRAW_MS - performance.now()));
    },
    leave() {
      clearTimeout(pending);
      pending = undefined;
    },
  };
}

function finishedChart(tickets: TicketView[], startedAt: number): Element {
  const ended = tickets.filter((t) => t.finished_at && ['done', 'failed', 'escalated'].includes(t.status));
  if (!ended.length) return emptyNote('No ticket has finished yet.');
  const now = Date.now();
  const times = ended.map((t) => Date.parse(t.finished_at!));
  const t0 = Math.min(startedAt, ...times);
  const f: Frame = { width: 560, height: 200, left: 34, right: 14, top: 12, bottom: 24 };
  const series: { tone: Tone; label: string; times: number[] }[] = [
    { tone: 'ok', label: 'done', times: ended.filter((t) => t.status === 'done').map((t) => Date.parse(t.finished_at!)) },
    { tone: 'bad', label: 'failed / escalated', times: ended.filter((t) => t.status !== 'done').map((t) => Date.parse(t.finished_at!)) },
  ];
  const max = Math.max(1, ...series.map((x) => x.times.length));
  const x = scale(t0, now, f.left, f.width - f.right);
  const y = scale(0, max, f.height - f.bottom, f.top);
  const svg = svgFrame(f, 'tickets finished over time');
  svg.append(countAxis(f, max), timeAxis(f, t0, now));
  for (const line of series) {
    if (!line.times.length) continue;
    const sorted = line.times.sort((a, b) => a - b);
    const points: [number, number][] = [[x(t0), y(0)], ...sorted.map((t, i) => [x(t), y(i + 1)] as [number, number]), [x(now), y(sorted.length)]];
    const d = stepPath(points);
    svg.append(
      s('path', { d: `${d}V${y(0)}H${x(t0)}Z`, class: 'area', 'data-tone': line.tone }),
      s('path', { d, class: 'line', 'data-tone': line.tone }),
      ...sorted.map((t, i) => s('circle', { cx: x(t), cy: y(i + 1), r: 2.6, class: 'mark', 'data-tone': line.tone })),
    );
  }
  return h('div', {}, svg, legend(series.map((x) => ({ tone: x.tone, label: `${x.label} (${x.times.length})` }))));
}

function queueChart(store: Store): Element {
  const sessions = store.state?.sessions ?? [];
  if (!sessions.length) return emptyNote('No sessions.');
  const now = Date.now();
  const rows = h('div', { class: 'sparks' });
  const history = [...store.queueHistory.values()];
  // The window starts at the first sample and grows to fill the width over its first minute.
  const t0 = Math.min(now, ...history.map((xs) => xs[0]?.[0] ?? now));
  const t1 = Math.max(now, t0 + 60_000);
  const max = Math.max(1, ...history.flatMap((xs) => xs.map((p) => p[1])));
  for (const session of sessions) {
    const samples = store.queueHistory.get(session.name) ?? [];
    const f: Frame = { width: 300, height: 34, left: 0, right: 0, top: 3, bottom: 2 };
    const x = scale(t0, t1, 0, f.width);
    const y = scale(0, max, f.height - f.bottom, f.top);
    const points: [number, number][] = samples.map(([t, depth]) => [x(t), y(depth)]);
    if (points.length) points.push([x(now), points.at(-1)![1]]);
    const svg = svgFrame(f, `queue depth of ${session.name}`);
    svg.setAttribute('preserveAspectRatio', 'none');
    const tone = toneOf(session.state, session.detail);
    svg.append(s('line', { x1: 0, x2: f.width, y1: y(0), y2: y(0), class: 'baseline' }));
    if (points.length) {
      const d = stepPath(points);
      svg.append(s('path', { d: `${d}V${y(0)}H${points[0]![0]}Z`, class: 'area', 'data-tone': tone }), s('path', { d, class: 'line', 'data-tone': tone }));
    }
    rows.append(h('div', { class: 'spark-row', 'data-tone': tone }, h('span', { class: 'strong' }, session.name), svg, h('b', { class: 'num' }, session.queue.length)));
  }
  return h('div', {}, rows, h('p', { class: 'muted small' }, `tickets waiting per session, sampled since this page opened · scale 0–${max}`));
}

interface Attempt {
  start: number;
  end: number | null;
  tone: Tone;
}

/**
 * Each ticket's attempts from its events (`ticket.dispatched` opens one; `ticket.done`,
 * `.failed`, `.escalated`, `.cancelled`, `.blocked` end it, and `ticket.queued` (sent back,
 * a failed signal_cmd or review) ends it as a failed attempt). A ticket with none logged
 * falls back to its timestamps.
 */
function attemptsOf(ticket: TicketView, events: ZoroEvent[]): Attempt[] {
  const mine = events.filter((e) => e.ticket === ticket.id && e.type.startsWith('ticket.'));
  const attempts: Attempt[] = [];
  for (const e of mine) {
    const at = Date.parse(e.at);
    const open = attempts.at(-1);
    if (e.type === 'ticket.dispatched') attempts.push({ start: at, end: null, tone: 'busy' });
    else if (open && open.end === null && /\.(done|failed|escalated|cancelled|blocked|queued)$/.test(e.type)) {
      open.end = at;
      open.tone = e.type === 'ticket.done' ? 'ok' : e.type === 'ticket.escalated' ? 'escalated' : e.type === 'ticket.cancelled' ? 'muted' : 'bad';
    }
  }
  if (!attempts.length && ticket.dispatched_at) {
    attempts.push({ start: Date.parse(ticket.dispatched_at), end: ticket.finished_at ? Date.parse(ticket.finished_at) : null, tone: toneOf(ticket.status) });
  }
  const last = attempts.at(-1);
  if (last && last.end === null && !['dispatched', 'verifying', 'reviewing'].includes(ticket.status)) last.tone = toneOf(ticket.status);
  return attempts;
}

function attemptChart(tickets: TicketView[], events: ZoroEvent[]): Element {
  const rows = tickets
    .map((t) => ({ t, attempts: attemptsOf(t, events) }))
    .filter((r) => r.attempts.length)
    .slice(-24);
  if (!rows.length) return emptyNote('No ticket has been dispatched yet.');
  const now = Date.now();
  const t0 = Math.min(...rows.flatMap((r) => r.attempts.map((a) => a.start)));
  const rowH = 22;
  const f: Frame = { width: 1000, height: rows.length * rowH + 34, left: 190, right: 16, top: 8, bottom: 24 };
  const x = scale(t0, now, f.left, f.width - f.right);
  const svg = svgFrame(f, 'attempts per ticket');
  svg.append(timeAxis(f, t0, now));
  rows.forEach(({ t, attempts }, i) => {
    const y = f.top + i * rowH;
    const label = t.title.length > 26 ? `${t.title.slice(0, 25)}…` : t.title;
    svg.append(s('text', { x: f.left - 8, y: y + 15, 'text-anchor': 'end', class: 'row-label' }, `#${t.id} ${label}`));
    for (const [n, a] of attempts.entries()) {
      const x0 = x(a.start);
      const w = Math.max(3, x(a.end ?? now) - x0);
      svg.append(s('rect', { x: x0, y: y + 4, width: w, height: rowH - 8, rx: 3, class: `bar${a.end === null ? ' running' : ''}`, 'data-tone': a.tone }, s('title', {}, `#${t.id} attempt ${n + 1}`)));
    }
  });
  return h('div', {}, svg, legend([{ tone: 'busy', label: 'running' }, { tone: 'ok', label: 'done' }, { tone: 'bad', label: 'failed attempt' }, { tone: 'escalated', label: 'escalated' }, { tone: 'muted', label: 'cancelled' }]));
}

function legend(items: { tone: Tone; label: string }[]): HTMLElement {
  return h('div', { class: 'legend' }, items.map((i) => h('span', { 'data-tone': i.tone }, h('i', { class: 'dot' }), i.label)));
}
