/**
 * The cockpit page. Start-up: trade the `?token=` from the start-up URL for an HttpOnly
 * cookie and strip it from the address bar, load the state, open the live connection, then
 * render the chosen view (hash routes: #/, #/tickets, #/inspector/<actor>…) on every change,
 * at most once per animation frame.
 */
import type { ActorView, ApiState } from '../../actors/handle.js';
import type { CockpitInfo } from '../protocol.js';
import { ApiError, get, login } from './api.js';
import type { PageContext } from './context.js';
import { duration, h, replace } from './dom.js';
import { Live } from './live.js';
import { Store } from './store.js';
import { type View } from './ui.js';
import { chartsView } from './views/charts.js';
import { eventsView } from './views/events.js';
import { inspectorView } from './views/inspector.js';
import { providersView } from './views/providers.js';
import { sessionsView } from './views/sessions.js';
import { TerminalDrawer } from './views/terminal.js';
import { ticketsView } from './views/tickets.js';

const TABS = [
  { route: '', label: 'Overview' },
  { route: 'tickets', label: 'Tickets' },
  { route: 'providers', label: 'Providers' },
  { route: 'events', label: 'Events' },
  { route: 'charts', label: 'Charts' },
  { route: 'inspector', label: 'Inspector' },
];

async function boot(): Promise<void> {
  const app = document.getElementById('app')!;
  const params = new URLSearchParams(location.search);
  const token = params.get('token');
  if (token) {
    params.delete('token');
    history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}${location.hash}`);
    try {
      await login(token);
    } catch (error) {
      return locked(app, error instanceof ApiError && error.status === 401 ? 'The token in that address is not this zoro’s.' : String(error));
    }
  }
  let info: CockpitInfo;
  try {
    info = await get<CockpitInfo>('/api/info');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return locked(app, null);
    throw error;
  }
  const store = new Store();
  store.info = info;
  const [state, actors] = await Promise.all([get<ApiState>('/api/state'), get<ActorView[]>('/api/actors')]);
  store.applySnapshot(state, actors, true);
  const live = new Live(store);
  live.connect();
  mount(app, store, live);
}

function locked(app: HTMLElement, reason: string | null): void {
  replace(
    app,
    h(
      'div',
      { class: 'boot locked' },
      h('h1', {}, 'zoro cockpit'),
      h('p', {}, 'This cockpit needs its access token. Open the address zoro printed when it started — it looks like'),
      h('pre', {}, `http://127.0.0.1:${location.port || '7070'}/?token=…`),
      h('p', { class: 'muted' }, 'The token is kept in data_dir/cockpit.token (for example ~/.zoro/cockpit.token).'),
      reason ? h('p', { class: 'error-text' }, reason) : null,
    ),
  );
}

function mount(app: HTMLElement, store: Store, live: Live): void {
  const viewHost = h('main', { id: 'view' });
  const nav = h('nav', { class: 'tabs', 'aria-label': 'views' });
  const conn = h('span', { class: 'conn', id: 'connection' });
  const uptime = h('span', { class: 'muted small uptime' });
  const page: PageContext = {
    store,
    live,
    openTerminal: (session) => drawer.open(session),
    navigate: (route) => (location.hash = `#/${route}`),
  };
  const drawer = new TerminalDrawer(page);
  const header = h(
    'header',
    { class: 'top' },
    h('a', { class: 'brand', href: '#/' }, logo(), h('span', {}, 'zoro'), h('span', { class: 'version' }, `v${store.info?.version ?? ''}`)),
    nav,
    h('div', { class: 'top-right' }, uptime, conn),
  );
  replace(app, header, viewHost, drawer.el, h('div', { id: 'toast', role: 'status', 'aria-live': 'polite' }));

  const views = new Map<string, View>();
  let current: View | null = null;
  const route = () => {
    const [name = '', arg = null] = location.hash.replace(/^#\/?/, '').split('/');
    const known = TABS.some((t) => t.route === name) ? name : '';
    let view = views.get(known);
    if (!view) {
      view = create(known, page, arg ? decodeURIComponent(arg) : null);
      views.set(known, view);
    }
    if (known === 'inspector') (view as ReturnType<typeof inspectorView>).select(arg ? decodeURIComponent(arg) : null);
    if (current !== view) {
      current?.leave?.();
      current = view;
      replace(viewHost, view.el);
    }
    replace(nav, TABS.map((t) => h('a', { href: `#/${t.route}`, class: t.route === known ? 'on' : '', 'data-route': t.route || 'overview' }, t.label)));
    render();
  };

  let frame = 0;
  const render = () => {
    frame = 0;
    current?.update();
    drawer.refreshState();
    conn.textContent = store.connection === 'live' ? 'live' : store.connection === 'connecting' ? 'connecting…' : 'reconnecting…';
    conn.dataset.state = store.connection;
    if (store.state) uptime.textContent = `up ${duration(Date.now() - Date.parse(store.state.started_at))}`;
  };
  store.onChange(() => {
    if (!frame) frame = requestAnimationFrame(render);
  });
  // Relative times ("12s ago") age even when nothing happens.
  setInterval(() => {
    if (!frame) frame = requestAnimationFrame(render);
  }, 5000);
  window.addEventListener('hashchange', route);
  route();
}

function create(name: string, page: PageContext, arg: string | null): View {
  switch (name) {
    case 'tickets':
      return ticketsView(page);
    case 'providers':
      return providersView(page);
    case 'events':
      return eventsView(page);
    case 'charts':
      return chartsView(page);
    case 'inspector':
      return inspectorView(page, arg);
    default:
      return sessionsView(page);
  }
}

function logo(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'logo');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M5 5h14L5 19h14');
  svg.append(path);
  return svg;
}

document.getElementById('boot')?.setAttribute('hidden', '');
boot().catch((error: unknown) => {
  const app = document.getElementById('app');
  if (app) replace(app, h('div', { class: 'boot' }, h('h1', {}, 'zoro cockpit'), h('p', { class: 'error-text' }, `The page could not start: ${String(error)}`)));
});
