/**
 * Driving the cockpit page in real headless Chromium (Debian's /usr/bin/chromium through
 * playwright-core; playwright never downloads a browser). Reusable against any cockpit
 * URL: the fake handle here, a real `zoro demo` in the end-to-end walk.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.ZORO_CHROMIUM ?? '/usr/bin/chromium';
const TIMEOUT_MS = 10_000;

export interface BrowserSession {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile (deleted on close). */
export async function launchBrowser(): Promise<BrowserSession> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'zoro-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 800 },
  });
  context.setDefaultTimeout(TIMEOUT_MS);
  return {
    context,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Console errors, page errors and CSP violations seen on a page (a spec asserts it stays empty). */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
  return problems;
}

/** Opens the start-up URL (with its token) and waits for the overview. */
export async function openCockpit(session: BrowserSession, url: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const page = await session.context.newPage();
  await page.setViewportSize(viewport);
  await page.goto(url);
  await page.locator('#session-cards').waitFor();
  return page;
}

export async function gotoView(page: Page, route: 'overview' | 'tickets' | 'providers' | 'events' | 'charts' | 'inspector'): Promise<void> {
  await page.locator(`nav.tabs a[data-route="${route}"]`).click();
  await page.locator(`nav.tabs a.on[data-route="${route}"]`).waitFor();
}

export function sessionCard(page: Page, name: string) {
  return page.locator(`#session-cards [data-session="${name}"]`);
}

/** Waits until a session card shows this state (`IDLE`, `BUSY`, `PAUSED`…). */
export async function waitForSessionState(page: Page, name: string, state: string): Promise<void> {
  await sessionCard(page, name).locator(`.pill[data-state="${state}"]`).waitFor();
}

export async function clickSessionAction(page: Page, name: string, action: 'pause' | 'resume' | 'terminal'): Promise<void> {
  await sessionCard(page, name).locator(`button[data-action="${action}"]`).click();
}

/** Waits until the tickets table shows this status for a ticket (the Tickets view must be open). */
export async function waitForTicketStatus(page: Page, id: string, status: string): Promise<void> {
  await page.locator(`tr[data-ticket="${id}"] .pill[data-state="${status}"]`).waitFor();
}

export async function openTerminal(page: Page, session: string): Promise<void> {
  await clickSessionAction(page, session, 'terminal');
  await page.locator(`#terminal[data-session="${session}"] .xterm-rows`).waitFor();
}

/** Waits until the open terminal shows `text`. */
export async function waitForTerminalText(page: Page, text: string): Promise<void> {
  await page.locator('#terminal .xterm-rows').filter({ hasText: text }).waitFor();
}

export async function openInspector(page: Page, actorId: string): Promise<void> {
  await gotoView(page, 'inspector');
  await page.locator(`#actor-list [data-actor="${actorId}"] a`).click();
  await page.locator('#statechart svg.statechart g.state').first().waitFor();
}

/** Waits until the inspector lights the state at this path (`IDLE`, `BUSY.working`). */
export async function waitForActiveState(page: Page, path: string): Promise<void> {
  await page.locator(`#statechart g.state.active[data-path="${path}"]`).waitFor();
}

export async function screenshot(page: Page, dir: string, name: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}.png`);
  // A toast from the last action would sit over the view; screenshots show the view.
  await page.evaluate("document.getElementById('toast')?.classList.remove('show')");
  await page.waitForTimeout(250);
  await page.screenshot({ path: file });
  return file;
}
