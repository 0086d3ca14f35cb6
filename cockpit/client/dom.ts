/**
 * A few DOM helpers instead of a framework. Everything from the server (ticket titles,
 * terminal lines, event messages) is untrusted: it only ever becomes `textContent` or an
 * attribute value, never HTML.
 */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  applyAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  applyAttrs(el, attrs);
  append(el, children);
  return el;
}

function applyAttrs(el: Element, attrs: Attrs): void {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.replace(/^on/, ''), value);
    else if (key === 'class') el.setAttribute('class', String(value));
    else el.setAttribute(key, value === true ? '' : String(value));
  }
}

function append(el: Element, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function replace(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, children);
}

/**
 * Keeps `container`'s children in step with `items`, rebuilding only the items whose
 * signature changed: with 100 sessions updating often, most cards stay untouched.
 */
export function keyed<T>(container: Element, items: T[], key: (item: T) => string, signature: (item: T) => string, render: (item: T) => Element): void {
  const existing = new Map<string, Element>();
  for (const child of Array.from(container.children)) {
    const k = (child as HTMLElement).dataset.key;
    if (k !== undefined) existing.set(k, child);
  }
  let cursor: Element | null = container.firstElementChild;
  for (const item of items) {
    const k = key(item);
    const sig = signature(item);
    const old = existing.get(k);
    existing.delete(k);
    let el = old;
    if (!old || (old as HTMLElement).dataset.sig !== sig) {
      el = render(item);
      (el as HTMLElement).dataset.key = k;
      (el as HTMLElement).dataset.sig = sig;
      if (old) {
        if (cursor === old) cursor = el;
        old.replaceWith(el);
      }
    }
    if (el === cursor) cursor = cursor.nextElementSibling;
    else container.insertBefore(el!, cursor);
  }
  for (const stale of existing.values()) stale.remove();
}

export function clockTime(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

/** `12s ago`, `4 min ago`, `2 h ago`. */
export function ago(iso: string | null, now = Date.now()): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** Shortens a home-relative path for display: `/home/ann/src/x` → `~/src/x`. */
export function shortPath(path: string): string {
  return path.replace(/^\/(?:home|Users)\/[^/]+/, '~');
}
