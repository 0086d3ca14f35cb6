/** Providers: each tracker's poller, its state, when it last polled and its last error. */
import type { ProviderView } from '../../../actors/handle.js';
import type { PageContext } from '../context.js';
import { ago, clockTime, h, keyed, replace } from '../dom.js';
import { emptyNote, pill, type View } from '../ui.js';

export function providersView(page: PageContext): View {
  const body = h('tbody', {});
  const table = h('table', { class: 'grid-table' }, h('thead', {}, h('tr', {}, h('th', {}, 'Provider'), h('th', {}, 'Type'), h('th', {}, 'State'), h('th', {}, 'Last poll'), h('th', {}, 'Last error'))), body);
  const holder = h('div', { class: 'table-wrap' }, table);
  const el = h('div', { class: 'page' }, h('section', { class: 'panel' }, h('h2', {}, 'Providers'), holder));
  return {
    el,
    update() {
      const providers = page.store.state?.providers ?? [];
      if (!providers.length) {
        replace(holder, emptyNote('No providers configured. Add a [provider:NAME] section to access.txt.'));
        return;
      }
      if (!holder.contains(table)) replace(holder, table);
      const bucket = Math.floor(Date.now() / 10_000);
      keyed(body, providers, (p) => p.name, (p) => JSON.stringify(p) + bucket, (p) =>
        h(
          'tr',
          { 'data-provider': p.name, 'data-tone': p.last_error ? 'bad' : 'ok' },
          h('td', { class: 'strong' }, p.name),
          h('td', { class: 'muted' }, p.type ?? ''),
          h('td', {}, pill(p.state)),
          h('td', { title: p.last_poll_at ?? '' }, p.last_poll_at ? `${ago(p.last_poll_at)} (${clockTime(p.last_poll_at)})` : 'never'),
          h('td', { class: p.last_error ? 'error-text' : 'muted' }, p.last_error ?? '—'),
        ),
      );
    },
  };
}

/** The compact form on the overview. */
export function providerRow(p: ProviderView): HTMLElement {
  return h(
    'div',
    { class: 'row', 'data-provider': p.name },
    h('span', { class: 'strong' }, p.name),
    pill(p.state),
    h('span', { class: 'muted small', title: p.last_poll_at ?? '' }, `polled ${ago(p.last_poll_at)}`),
    p.last_error ? h('span', { class: 'error-text small full' }, p.last_error) : null,
  );
}
