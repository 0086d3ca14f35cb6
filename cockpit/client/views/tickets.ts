/** Tickets: the add form and a table with status, attempts and retry / cancel. */
import type { TicketView } from '../../../actors/handle.js';
import { post } from '../api.js';
import { toneOf } from '../colors.js';
import type { PageContext } from '../context.js';
import { clockTime, h, keyed, replace } from '../dom.js';
import { act, button, emptyNote, pill, toast, type View } from '../ui.js';

const RETRYABLE = new Set(['failed', 'escalated', 'blocked', 'cancelled']);
const FINISHED = new Set(['done', 'failed', 'escalated', 'cancelled']);

export function ticketsView(page: PageContext): View {
  const body = h('tbody', {});
  const table = h(
    'table',
    { class: 'grid-table tickets' },
    h('thead', {}, h('tr', {}, ...['#', 'Title', 'Status', 'Session', 'Attempts', 'Provider', 'Dispatched', 'Finished', ''].map((t) => h('th', {}, t)))),
    body,
  );
  const holder = h('div', { class: 'table-wrap' }, table);
  const filters = h('div', { class: 'filters', role: 'group', 'aria-label': 'filter by status' });
  let statusFilter: string | null = null;
  const el = h('div', { class: 'page' }, addTicketForm(page), h('section', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h2', {}, 'Tickets'), filters), holder));

  const update = () => {
    const tickets = page.store.state?.tickets ?? [];
    renderFilters(filters, tickets, statusFilter, (s) => {
      statusFilter = s;
      update();
    });
    const shown = statusFilter ? tickets.filter((t) => t.status === statusFilter) : tickets;
    if (!shown.length) {
      replace(holder, emptyNote(tickets.length ? 'No ticket has this status.' : 'No tickets yet. Add one above, or let a provider bring some in.'));
      return;
    }
    if (!holder.contains(table)) replace(holder, table);
    keyed(body, shown, (t) => t.id, (t) => JSON.stringify(t), ticketRow);
  };
  return { el, update };
}

function renderFilters(el: HTMLElement, tickets: TicketView[], active: string | null, choose: (s: string | null) => void): void {
  const counts = new Map<string, number>();
  for (const t of tickets) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  const key = JSON.stringify([...counts, active]);
  if (el.dataset.sig === key) return;
  el.dataset.sig = key;
  replace(
    el,
    button(`all ${tickets.length}`, () => choose(null), { class: active === null ? 'chip on' : 'chip' }),
    [...counts].map(([status, n]) => button(`${status} ${n}`, () => choose(active === status ? null : status), { class: active === status ? 'chip on' : 'chip', 'data-tone': toneOf(status) })),
  );
}

function ticketRow(t: TicketView): HTMLElement {
  const actions = h('td', { class: 'actions' });
  if (RETRYABLE.has(t.status)) actions.append(button('Retry', (b) => void act(b, () => post(`/api/tickets/${encodeURIComponent(t.id)}/retry`), `ticket #${t.id} queued again`), { 'data-action': 'retry' }));
  if (!FINISHED.has(t.status)) actions.append(button('Cancel', (b) => void act(b, () => post(`/api/tickets/${encodeURIComponent(t.id)}/cancel`), `ticket #${t.id} cancelled`), { class: 'danger', 'data-action': 'cancel' }));
  return h(
    'tr',
    { 'data-ticket': t.id, 'data-tone': toneOf(t.status) },
    h('td', { class: 'tid' }, t.id),
    h('td', { class: 'title' }, h('span', {}, t.title), t.depends_on?.length ? h('span', { class: 'muted small' }, ` after #${t.depends_on.join(', #')}`) : null, lastError(t)),
    h('td', {}, pill(t.status)),
    h('td', {}, t.session ?? h('span', { class: 'muted' }, '—')),
    h('td', { class: 'num' }, t.attempts),
    h('td', { class: 'muted' }, t.provider),
    h('td', { class: 'muted mono small' }, clockTime(t.dispatched_at ?? null)),
    h('td', { class: 'muted mono small' }, clockTime(t.finished_at ?? null)),
    actions,
  );
}

/** A done ticket keeps the error of an earlier attempt: shown as history, not as a failure. */
function lastError(t: TicketView): HTMLElement | null {
  if (!t.last_error) return null;
  if (t.status === 'done') return h('div', { class: 'muted small' }, `earlier attempt: ${t.last_error}`);
  return h('div', { class: 'error-text small' }, t.last_error);
}

function addTicketForm(page: PageContext): HTMLElement {
  const title = h('input', { type: 'text', name: 'title', required: true, maxlength: 500, placeholder: 'What should an agent do?', 'aria-label': 'title' });
  const session = h('select', { name: 'session', 'aria-label': 'session' });
  const signal = h('input', { type: 'text', name: 'signal_cmd', placeholder: 'signal_cmd (optional), e.g. npm test', 'aria-label': 'signal_cmd', maxlength: 2000 });
  const depends = h('input', { type: 'text', name: 'depends_on', placeholder: 'depends on, e.g. 3, 4', 'aria-label': 'depends on' });
  const description = h('textarea', { name: 'description', rows: 2, placeholder: 'Description and context (optional)', 'aria-label': 'description', maxlength: 20000 });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Add ticket');
  const form = h('form', { class: 'panel add-ticket', id: 'add-ticket' }, h('h2', {}, 'New ticket'), h('div', { class: 'form-row' }, title, session, submit), h('div', { class: 'form-row' }, signal, depends), description);
  const fillSessions = () => {
    const names = page.store.state?.sessions.map((s) => s.name) ?? [];
    if (session.dataset.sig === names.join()) return;
    session.dataset.sig = names.join();
    const chosen = session.value;
    replace(session, h('option', { value: '' }, 'any session (routed)'), names.map((n) => h('option', { value: n }, n)));
    session.value = names.includes(chosen) ? chosen : '';
  };
  fillSessions();
  page.store.onChange(fillSessions);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body: Record<string, unknown> = { title: title.value };
    if (session.value) body.session = session.value;
    if (signal.value.trim()) body.signal_cmd = signal.value.trim();
    if (description.value.trim()) body.description = description.value;
    const ids = depends.value.split(/[\s,]+/).filter(Boolean);
    if (ids.length) body.depends_on = ids;
    void act(submit, async () => {
      const { id } = await post<{ id: string }>('/api/tickets', body);
      toast(`ticket #${id} added`);
      form.reset();
    });
  });
  return form;
}
