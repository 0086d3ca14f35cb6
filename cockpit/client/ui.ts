/** Small shared pieces of the page: state pills, buttons that call the API, toasts. */
import { ApiError } from './api.js';
import { toneOf } from './colors.js';
import { h } from './dom.js';

export interface View {
  readonly el: HTMLElement;
  update(): void;
  /** Called when the view is left (stop terminals, timers). */
  leave?(): void;
}

/** A coloured state label: `● BUSY · working`. */
export function pill(state: string, detail: string | null = null): HTMLElement {
  return h('span', { class: 'pill', 'data-tone': toneOf(state, detail), 'data-state': state }, h('i', { class: 'dot' }), detail ? `${state} · ${detail}` : state);
}

let toastTimer: number | undefined;

export function toast(message: string, kind: 'ok' | 'error' = 'ok'): void {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = message;
  el.dataset.kind = kind;
  el.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => el.classList.remove('show'), kind === 'error' ? 6000 : 2500);
}

/** Runs an API action from a button: disabled while in flight, errors shown as a toast. */
export async function act(button: HTMLButtonElement | null, action: () => Promise<unknown>, done?: string): Promise<boolean> {
  if (button) button.disabled = true;
  try {
    await action();
    if (done) toast(done);
    return true;
  } catch (error) {
    toast(error instanceof ApiError ? error.message : `failed: ${String(error)}`, 'error');
    return false;
  } finally {
    if (button) button.disabled = false;
  }
}

export function button(label: string, onClick: (b: HTMLButtonElement) => void, attrs: Record<string, string> = {}): HTMLButtonElement {
  const b = h('button', { type: 'button', ...attrs }, label);
  b.addEventListener('click', () => onClick(b));
  return b;
}

export function emptyNote(text: string): HTMLElement {
  return h('p', { class: 'empty' }, text);
}

export function section(title: string, ...children: (Node | string | null)[]): HTMLElement {
  return h('section', { class: 'panel' }, h('h2', {}, title), ...children);
}
