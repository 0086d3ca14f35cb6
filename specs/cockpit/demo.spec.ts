/**
 * The cockpit in real headless Chromium against a REAL `zoro demo`: three sim agents in a
 * private tmux server working through a plan written here (tasks of 2–4 s, so there is time
 * to watch). Open the printed address, see the sessions, pause and resume one from its card,
 * watch a ticket reach done without a reload, read an agent's live terminal, and follow a
 * session's active state in the inspector. Screenshots of the main views go to a temporary
 * folder, or to docs/screenshots/ when ZORO_SCREENSHOTS=1 (how the committed ones are made).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ApiState } from '../../actors/handle.js';
import { projectRoot } from '../../lib/self.js';
import { eventually, planText, readEventLog, type ZoroEvent } from '../e2e/helpers.js';
import { startDemo, type RealZoro } from './demo-helpers.js';
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
  watchProblems,
  type BrowserSession,
} from './browser-helpers.js';

const SHOTS = process.env.ZORO_SCREENSHOTS === '1' ? join(projectRoot, 'docs/screenshots') : join(tmpdir(), 'zoro-cockpit-demo-screenshots');
const SESSIONS = ['sim-1', 'sim-2', 'sim-3'];
const LONG_TITLE = 'Parse access.txt and report each unknown key with its file, line and section, and the closest known key as a suggestion';

// Ten tasks of 2–4 s for three agents: work is still queued when a session is paused, and
// task 4 fails its first signal_cmd, so the charts show a failed attempt from real events.
const PLAN = planText([
  { title: LONG_TITLE, lines: ['sim: echo reading access.example.txt', 'sim: sleep 4', 'sim: output 2', 'sim: write notes/config.txt unknown keys reported', 'signal_cmd: test -f notes/config.txt'] },
  { title: 'Write the tokenizer', lines: ['sim: sleep 3', 'sim: output 2'] },
  { title: 'Write the formatter', lines: ['sim: sleep 2'] },
  { title: 'Test the tokenizer (the first try forgets the file)', lines: ['sim: sleep 2', 'sim: fail-times 1', 'sim: write tests/tokenizer.txt 12 passed', 'signal_cmd: grep -q passed tests/tokenizer.txt'] },
  { title: 'Test the formatter', lines: ['sim: sleep 3'] },
  { title: 'Write the command-line tool', lines: ['sim: sleep 2'] },
  { title: 'Write the README', lines: ['sim: sleep 3'] },
  { title: 'Write the changelog', lines: ['sim: sleep 2'] },
  { title: 'Release checklist', lines: ['sim: sleep 2'] },
  { title: 'Tag the release', lines: ['sim: sleep 2'] },
]);

let dir = '';
let demo: RealZoro;
let browser: BrowserSession;
let page: Page;
let problems: string[] = [];
let paused = '';

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoro-cockpit-demo-'));
  await writeFile(join(dir, 'plan.md'), PLAN);
  [demo, browser] = await Promise.all([startDemo({ dir: join(dir, 'repo'), plan: join(dir, 'plan.md') }), launchBrowser()]);
});
test.after(async () => {
  await browser?.close();
  await demo?.stop();
  await rm(dir, { recursive: true, force: true });
});

const events = () => readEventLog(join(dir, 'repo/.zoro'));
/** The first event in the demo's events.jsonl that passes `test`, once it is written. */
const logged = (test: (e: ZoroEvent) => boolean, what: string, ms = 5_000) => eventually(async () => (await events()).find(test), ms, what);

test('zoro demo prints the cockpit address; opened with its token, the page shows every session at work', async () => {
  assert.match(demo.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
  assert.match(demo.tmuxSocket ?? '', /^zoro-demo-[0-9a-f]{8}$/);
  page = await browser.context.newPage();
  problems = watchProblems(page);
  await page.goto(demo.url);
  for (const name of SESSIONS) await sessionCard(page, name).waitFor();
  assert.is(await page.locator('#session-cards > [data-session]').count(), 3);
  assert.not.match(page.url(), 'token', 'the token left the address bar');
  const busy = page.locator('#session-cards .pill[data-state="BUSY"]').first();
  await busy.waitFor();
  assert.match(await busy.innerText(), /BUSY · (entering|delivering|working)/, 'BUSY shows its sub-state');
  const titles = await page.locator('#session-cards .current .ticket-ref').allInnerTexts();
  assert.ok(titles.some((t) => /^#\d+ (Write|Test|Parse)/.test(t)), `cards show real tickets: ${titles.join(' | ')}`);
  await page.evaluate('window.__sameDocument = true');
  await screenshot(page, SHOTS, 'overview');
});

test("a session's live terminal shows what its agent prints as it works", async () => {
  const state = await demo.state();
  const first = (state.sessions.find((s) => s.ticket?.id === '1') ?? state.sessions[0]!).name;
  await openTerminal(page, first);
  await waitForTerminalText(page, 'sim>');
  await waitForTerminalText(page, '» working on: Ticket:');
  await waitForTerminalText(page, 'reading access.example.txt');
  await screenshot(page, SHOTS, 'terminal');
  await page.keyboard.press('Escape');
  await page.locator('#terminal').waitFor({ state: 'hidden' });
});

test('at phone width the overview is one readable column', async () => {
  const phone = await openCockpit(browser, `${demo.origin}/`, { width: 390, height: 844 });
  const seen = watchProblems(phone);
  await sessionCard(phone, 'sim-1').waitFor();
  await phone.locator('#session-cards .pill[data-state="BUSY"]').first().waitFor();
  const overflow = await phone.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
  assert.is(overflow, 0, 'no sideways scrolling');
  await screenshot(phone, SHOTS, 'overview-phone');
  assert.equal(seen, []);
  await phone.close();
});

test('a session paused from its card shows PAUSED and gets no new ticket; resumed, it is IDLE or BUSY again', async () => {
  const state = await demo.state();
  paused = (state.sessions.find((s) => s.ticket?.id === '1') ?? state.sessions.find((s) => s.state === 'BUSY') ?? state.sessions[0]!).name;
  await clickSessionAction(page, paused, 'pause');
  // A BUSY session finishes its turn first (at most ~4 s here), then rests.
  await waitForSessionState(page, paused, 'PAUSED');
  // events.jsonl is written a moment after the page hears of the change
  const pausedAt = (await logged((e) => e.type === 'session.state' && e.session === paused && e.data?.to === 'PAUSED', 'the pause')).seq;

  // The team goes on without it: the next ticket goes elsewhere although it could take it.
  const next = await logged((e) => e.type === 'ticket.dispatched' && e.seq > pausedAt, 'a ticket dispatched while paused', 15_000);
  assert.is.not(next.session, paused);
  assert.ok((await sessionCard(page, paused).locator('ul.queue li').count()) > 0, 'tickets it could take are waiting');
  await waitForSessionState(page, paused, 'PAUSED');

  await clickSessionAction(page, paused, 'resume');
  await sessionCard(page, paused).locator('header .pill[data-state="IDLE"], header .pill[data-state="BUSY"]').waitFor();
  const resumedAt = (await logged((e) => e.type === 'session.state' && e.session === paused && e.seq > pausedAt, 'the resume')).seq;
  const whilePaused = (await events()).filter((e) => e.type === 'ticket.dispatched' && e.session === paused && e.seq > pausedAt && e.seq < resumedAt);
  assert.equal(whilePaused, [], 'no ticket was dispatched to the paused session');
});

test('a ticket moves to done on the page without a reload', async () => {
  await gotoView(page, 'tickets');
  const last = page.locator('tr[data-ticket="10"]');
  await last.waitFor();
  assert.match(await last.innerText(), 'Tag the release');
  const status = () => last.locator('.pill').getAttribute('data-state');
  assert.is.not(await status(), 'done', 'the last ticket is still to do when the page looks');
  await page.locator('tr[data-ticket="1"] td.title').filter({ hasText: LONG_TITLE }).waitFor();
  if ((await status()) === 'queued') await last.locator('.pill[data-state="dispatched"]').waitFor({ timeout: 30_000 });
  await screenshot(page, SHOTS, 'tickets');
  await last.locator('.pill[data-state="done"]').waitFor({ timeout: 30_000 });
  assert.is(await page.evaluate('window.__sameDocument'), true, 'the page was never reloaded');
});

test("the inspector lights a session's active state as it goes from IDLE to BUSY and back", async () => {
  await eventually(async () => settled(await demo.state()), 40_000, 'every ticket to be done and every session IDLE');
  await openInspector(page, 'session:sim-1');
  await waitForActiveState(page, 'IDLE');
  assert.ok(await page.locator('#actor-list [data-actor="orchestrator"]').count(), 'the root actor is listed by its name');
  // One new ticket per idle session, so sim-1 surely gets one.
  for (const n of [1, 2, 3]) {
    const res = await demo.api('POST', '/api/tickets', { title: `Inspector check ${n}`, description: 'sim: sleep 3' });
    assert.is(res.status, 201, res.text);
  }
  await waitForActiveState(page, 'BUSY');
  assert.is(await page.locator('#statechart g.state.active[data-path="IDLE"]').count(), 0, 'IDLE is no longer lit');
  await waitForActiveState(page, 'BUSY.working');
  await page.waitForTimeout(300); // let the inspector scroll the lit state into sight
  await screenshot(page, SHOTS, 'inspector');
  assert.match(await page.locator('#actor-recent').innerText(), 'session.dispatch');
  await page.locator('#statechart g.state.active[data-path="IDLE"]').waitFor({ timeout: 15_000 });
});

test('the charts and the event log draw the real run', async () => {
  await gotoView(page, 'charts');
  await page.locator('#chart-finished svg .line').first().waitFor();
  // Task 4's first attempt failed its signal_cmd (`ticket.queued`): a failed bar, then a done one.
  await page.locator('#chart-attempts rect.bar[data-tone="bad"]').first().waitFor();
  assert.is(await page.locator('#chart-attempts rect.bar.running').count(), 0, 'no attempt is left running');
  assert.is(await page.locator('#chart-queues .spark-row').count(), 3);
  await screenshot(page, SHOTS, 'charts');
  await gotoView(page, 'events');
  await page.locator('#event-log li', { hasText: 'ticket.done' }).first().waitFor();
  const types = new Set(await page.locator('#event-log .etype').allInnerTexts());
  for (const type of ['zoro.started', 'provider.tickets', 'ticket.dispatched', 'ticket.delivered', 'ticket.queued', 'ticket.verifying', 'ticket.done', 'session.state', 'session.turn_ended']) {
    assert.ok(types.has(type), `the log shows ${type}`);
  }
  await screenshot(page, SHOTS, 'events');
});

test('the walk logged no error and no CSP violation', () => {
  assert.equal(problems, []);
});

function settled(state: ApiState): boolean {
  return state.tickets.length >= 10 && state.tickets.every((t) => t.status === 'done') && state.sessions.every((s) => s.state === 'IDLE');
}

test.run();
