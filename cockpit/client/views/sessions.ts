/**
 * The overview: a card per session (state colour, current ticket, queue, pause/resume,
 * the "needs a human" alert with an answer box, the terminal), team controls, and beside
 * them the providers and the latest events.
 */
import type { SessionView, TicketView } from '../../../actors/handle.js';
import { post } from '../api.js';
import { toneOf } from '../colors.js';
import type { PageContext } from '../context.js';
import { h, keyed, replace, shortPath } from '../dom.js';
import { act, button, emptyNote, pill, type View } from '../ui.js';
import { eventRow } from './events.js';
import { providerRow } from './providers.js';

export function sessionsView(page: PageContext): View {
  const grid = h('div', { class: 'cards', id: 'session-cards' });
  const summary = h('div', { class: 'summary' });
  const team = h('div', { class: 'team' });
  const providers = h('div', { class: 'compact-list' });
  const events = h('ol', { class: 'events compact' });
  const el = h(
    'div',
    { class: 'overview' },
    h('div', { class: 'main-col' }, h('div', { class: 'toolbar' }, summary, team), grid),
    h(
      'aside',
      { class: 'side-col' },
      h('section', { class: 'panel' }, h('h2', {}, 'Providers'), providers),
      h('section', { class: 'panel grow' }, h('h2', {}, 'Live events ', h('a', { href: '#/events', class: 'more' }, 'all →')), events),
    ),
  );
  let teamRendered = false;

  return {
    el,
    update() {
      const { state, info } = page.store;
      if (!state) return;
      if (!teamRendered && info?.capabilities.team) {
        renderTeam(team);
        teamRendered = true;
      }
      renderSummary(summary, state.sessions, state.tickets);
      const titles = new Map(state.tickets.map((t) => [t.id, t]));
      if (state.sessions.length === 0) replace(grid, emptyNote('No sessions configured. Add a [session:NAME] section to access.txt.'));
      else {
        grid.querySelector('.empty')?.remove();
        keyed(grid, state.sessions, (s) => s.name, (s) => JSON.stringify([s, s.queue.map((id) => titles.get(id)?.title)]), (s) => sessionCard(page, s, titles));
      }
      keyed(providers, state.providers, (p) => p.name, (p) => JSON.stringify(p) + Math.floor(Date.now() / 10_000), providerRow);
      const latest = page.store.events.slice(-30).reverse();
      keyed(events, latest, (e) => String(e.seq), () => '', eventRow);
    },
  };
}

function renderSummary(el: HTMLElement, sessions: SessionView[], tickets: TicketView[]): void {
  const count = <T>(items: T[], pick: (x: T) => string) => {
    const m = new Map<string, number>();
    for (const x of items) m.set(pick(x), (m.get(pick(x)) ?? 0) + 1);
    return m;
  };
  const bySession = count(sessions, (s) => (s.detail === 'needs_human' ? 'needs_human' : s.state));
  const byTicket = count(tickets, (t) => t.status);
  const chip = (label: string, n: number, tone: string) => h('span', { class: 'chip', 'data-tone': tone }, h('b', {}, n), ` ${label}`);
  replace(
    el,
    h('span', { class: 'chip-group' }, h('span', { class: 'chip-title' }, 'Sessions'), [...bySession].map(([state, n]) => chip(state.toLowerCase().replace('_', ' '), n, toneOf(state)))),
    h('span', { class: 'chip-group' }, h('span', { class: 'chip-title' }, 'Tickets'), byTicket.size ? [...byTicket].map(([status, n]) => chip(status, n, toneOf(status))) : h('span', { class: 'muted small' }, 'none yet')),
  );
}

function renderTeam(el: HTMLElement): void {
  const executors = h('input', { type: 'number', min: 1, max: 64, value: 2, 'aria-label': 'executors', class: 'narrow' });
  replace(
    el,
    h('span', { class: 'chip-title' }, 'Team'),
    executors,
    button('Start', (b) => void act(b, () => post('/api/team/start', { executors: Number(executors.value) }), 'team starting')),
    button('+ executor', (b) => void act(b, () => post('/api/team/add-executor'), 'executor added')),
    button('Stop', (b) => void act(b, () => post('/api/team/stop'), 'team stopping'), { class: 'danger' }),
  );
}

function sessionCard(page: PageContext, s: SessionView, tickets: Map<string, TicketView>): HTMLElement {
  const paused = s.state === 'PAUSED';
  const needsHuman = s.detail === 'needs_human';
  const toggle = button(paused ? 'Resume' : 'Pause', (b) => void act(b, () => post(`/api/sessions/${encodeURIComponent(s.name)}/${paused ? 'resume' : 'pause'}`)), {
    class: paused ? 'primary' : '',
    'data-action': paused ? 'resume' : 'pause',
  });
  const queue = s.queue.length
    ? h('ul', { class: 'queue' }, s.queue.slice(0, 4).map((id) => h('li', {}, h('span', { class: 'tid' }, `#${id}`), ' ', tickets.get(id)?.title ?? '')), s.queue.length > 4 ? h('li', { class: 'more' }, `+${s.queue.length - 4} more`) : null)
    : h('p', { class: 'muted small' }, 'queue empty');
  return h(
    'article',
    { class: `card session${needsHuman ? ' alert' : ''}`, 'data-tone': toneOf(s.state, s.detail), 'data-session': s.name },
    h('header', {}, h('h3', {}, s.name), pill(s.state, s.detail)),
    h('p', { class: 'meta' }, `${s.runtime} · ${s.agent} · `, h('span', { class: 'mono', title: s.repo_path }, shortPath(s.repo_path))),
    needsHuman ? answerBox(page, s.name) : null,
    h('div', { class: 'current' }, h('span', { class: 'label' }, 'Now'), s.ticket ? h('span', { class: 'ticket-ref' }, h('span', { class: 'tid' }, `#${s.ticket.id}`), ' ', s.ticket.title) : h('span', { class: 'muted' }, '—')),
    h('div', { class: 'queue-wrap' }, h('span', { class: 'label' }, `Queue${s.queue.length ? ` (${s.queue.length})` : ''}`), queue),
    h('footer', {}, toggle, button('Terminal', () => page.openTerminal(s.name), { 'data-action': 'terminal' })),
  );
}

function answerBox(page: PageContext, session: string): HTMLElement {
  const box = h('div', { class: 'needs-human', role: 'alert' }, h('strong', {}, 'Needs a human'), h('span', {}, ' — the agent is waiting for an answer.'));
  if (page.store.info?.capabilities.answer) {
    const input = h('input', { type: 'text', placeholder: 'keys to send, e.g. 1', 'aria-label': `answer for ${session}`, maxlength: 1000 });
    const send = button('Send', (b) => {
      if (input.value.trim()) void act(b, () => post(`/api/sessions/${encodeURIComponent(session)}/answer`, { text: input.value }), 'answer sent');
    });
    box.append(h('div', { class: 'answer' }, input, send, button('Look', () => page.openTerminal(session))));
  }
  return box;
}
