/**
 * The cockpit in real headless Chromium against the fake handle: open it with the token,
 * watch sessions and tickets change live, act from the page, open a terminal and the
 * inspector. Screenshots of the main views go to a temporary folder to look at; the
 * committed ones in docs/screenshots/ come from the real demo (demo.spec.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { FAKE_SECRET } from '../fakes/handle.js';
import { createDemoFake } from '../fakes/handle-scenario.js';
import { startHarness, type Harness } from './helpers.js';
import {
  clickSessionAction,
  gotoView,
  launchBrowser,
  openCockpit,
  openInspector,
  openTerminal,
  screenshot,
  sessionCard,
  waitForActiveState,
  waitForSessionState,
  waitForTerminalText,
  waitForTicketStatus,
  watchProblems,
  type BrowserSession,
} from './browser-helpers.js';

const SHOTS = join(tmpdir(), 'zoro-cockpit-screenshots');

let h: Harness;
let browser: BrowserSession;
let page: Page;
let problems: string[] = [];

test.before(async () => {
  h = await startHarness(createDemoFake());
  browser = await launchBrowser();
});
test.after(async () => {
  await browser.close();
  await h.close();
});

test('without the token the page shows only how to get in', async () => {
  const locked = await browser.context.newPage();
  const seen = watchProblems(locked);
  await locked.goto(`${h.origin}/`);
  await locked.locator('.locked').waitFor();
  assert.match(await locked.locator('.locked').innerText(), 'access token');
  assert.is(await locked.locator('#session-cards').count(), 0);
  assert.not.ok((await locked.content()).includes('billing'), 'no session name leaks to a page without the token');
  assert.ok(seen.every((p) => p.includes('401')), `only the expected 401 was logged: ${seen.join('; ')}`);
  await locked.close();
});

test('the start-up URL logs in: the token moves into an HttpOnly cookie and leaves the address bar', async () => {
  page = await openCockpit(browser, h.cockpit.url);
  problems = watchProblems(page);
  assert.not.match(page.url(), 'token');
  const cookies = await browser.context.cookies(h.origin);
  const cookie = cookies.find((c) => c.name === `zoro_token_${h.cockpit.port}`);
  assert.ok(cookie, 'the cookie is set');
  assert.is(cookie.httpOnly, true);
  assert.is(cookie.sameSite, 'Strict');
  assert.is(await page.evaluate('document.cookie'), '', 'page scripts cannot read the token');
});

test('every session is shown with its state, ticket and queue', async () => {
  for (const name of ['api', 'web', 'billing', 'docs', 'infra', 'mobile']) await sessionCard(page, name).waitFor();
  await waitForSessionState(page, 'billing', 'BUSY');
  await waitForSessionState(page, 'docs', 'PAUSED');
  await waitForSessionState(page, 'infra', 'ERROR_LOOP');
  assert.match(await sessionCard(page, 'billing').innerText(), 'Migrate Stripe webhooks');
  assert.match(await sessionCard(page, 'api').innerText(), 'Cache the pricing API');
  assert.match(await sessionCard(page, 'mobile').locator('[role=alert]').innerText(), 'Needs a human');
  await page.evaluate('window.__sameDocument = true');
  await screenshot(page, SHOTS, 'overview');
});

test('a ticket moves to done on the page without a reload', async () => {
  await gotoView(page, 'tickets');
  await waitForTicketStatus(page, '13', 'queued');
  h.fake.dispatch('13', 'web');
  await waitForTicketStatus(page, '13', 'dispatched');
  h.fake.finish('13');
  await waitForTicketStatus(page, '13', 'done');
  assert.is(await page.evaluate('window.__sameDocument'), true, 'the page was never reloaded');
  await screenshot(page, SHOTS, 'tickets');
});

test('a ticket added from the form appears, its hostile title shown as plain text', async () => {
  const title = '<img src=x onerror="window.__pwned=1"> Tidy the README';
  await page.locator('#add-ticket input[name=title]').fill(title);
  await page.locator('#add-ticket select[name=session]').selectOption('api');
  await page.locator('#add-ticket button[type=submit]').click();
  const row = page.locator('tr[data-ticket="15"]');
  await row.waitFor();
  assert.is(await row.locator('td.title span').first().innerText(), title);
  assert.is(await page.evaluate('window.__pwned'), undefined);
  assert.equal(h.fake.calls.at(-1), { method: 'addTicket', args: [{ title, session: 'api' }] });
});

test('retry and cancel from the tickets table reach zoro', async () => {
  await page.locator('tr[data-ticket="4"] button[data-action=retry]').click();
  await waitForTicketStatus(page, '4', 'queued');
  await page.locator('tr[data-ticket="4"] button[data-action=cancel]').click();
  await waitForTicketStatus(page, '4', 'cancelled');
  assert.equal(h.fake.calls.slice(-2).map((c) => c.method), ['retry', 'cancel']);
});

test('a session is paused and resumed from its card', async () => {
  await gotoView(page, 'overview');
  await waitForSessionState(page, 'web', 'IDLE');
  await clickSessionAction(page, 'web', 'pause');
  await waitForSessionState(page, 'web', 'PAUSED');
  await clickSessionAction(page, 'web', 'resume');
  await waitForSessionState(page, 'web', 'IDLE');
  assert.equal(h.fake.calls.slice(-2), [{ method: 'pause', args: ['web'] }, { method: 'resume', args: ['web'] }]);
});

test('a session that needs a human is answered from its card', async () => {
  const card = sessionCard(page, 'mobile');
  await card.locator('.answer input').fill('1');
  await card.locator('.answer button', { hasText: 'Send' }).click();
  await waitForSessionState(page, 'mobile', 'BUSY');
  await card.locator('[role=alert]').waitFor({ state: 'detached' });
  assert.equal(h.fake.calls.at(-1), { method: 'answer', args: ['mobile', '1'] });
});

test("a session's live terminal shows its buffer, then new output as it arrives", async () => {
  await openTerminal(page, 'billing');
  await waitForTerminalText(page, 'Reading src/webhooks/stripe.ts');
  h.fake.emitScreen('billing', '\x1b[1;32m✓ 12 tests passed\x1b[0m\r\n');
  await waitForTerminalText(page, '✓ 12 tests passed');
  await screenshot(page, SHOTS, 'terminal');
  await page.keyboard.press('Escape');
  await page.locator('#terminal').waitFor({ state: 'hidden' });
});

test('the inspector draws the machine and lights the active state as it changes', async () => {
  await openInspector(page, 'session:web');
  await waitForActiveState(page, 'IDLE');
  assert.ok((await page.locator('#statechart g.state').count()) >= 8, 'states and sub-states are drawn');
  assert.ok((await page.locator('#statechart g.transition text').count()) >= 10, 'transitions carry their event names');
  h.fake.dispatch('14', 'web');
  await waitForActiveState(page, 'BUSY.working');
  await waitForActiveState(page, 'BUSY');
  assert.is(await page.locator('#statechart g.state.active[data-path="IDLE"]').count(), 0);
  assert.match(await page.locator('#actor-recent').innerText(), 'DISPATCH');
  await screenshot(page, SHOTS, 'inspector');
});

test('the charts and the event log render from the live data', async () => {
  await gotoView(page, 'charts');
  await page.locator('#chart-finished svg .line').first().waitFor();
  await page.locator('#chart-attempts svg rect.bar').first().waitFor();
  assert.is(await page.locator('#chart-queues .spark-row').count(), 6);
  await screenshot(page, SHOTS, 'charts');
  await gotoView(page, 'events');
  h.fake.log('test.live', 'an event logged just now');
  await page.locator('#event-log li', { hasText: 'an event logged just now' }).waitFor();
  await screenshot(page, SHOTS, 'events');
});

test('at phone width the overview is one readable column', async () => {
  const phone = await openCockpit(browser, h.origin + '/', { width: 390, height: 844 });
  const seen = watchProblems(phone);
  const widths = await phone.locator('#session-cards > *').evaluateAll((cards) => cards.map((c) => c.getBoundingClientRect().width));
  assert.ok(widths.every((w) => w > 300 && w <= 390), `cards fit the screen: ${widths.join(', ')}`);
  const overflow = await phone.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
  assert.is(overflow, 0, 'no sideways scrolling');
  await screenshot(phone, SHOTS, 'overview-phone');
  assert.equal(seen, []);
  await phone.close();
});

test('the walk logged no error, no CSP violation, and no secret reached the page', async () => {
  assert.equal(problems, []);
  assert.not.ok((await page.content()).includes(FAKE_SECRET.slice(0, 20)));
});

test.run();
