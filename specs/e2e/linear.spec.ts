/**
 * Linear end to end (a GraphQL tracker): the real `zoro --once --json` CLI polls a fake
 * Linear, types the issue into a sim agent on a private tmux server, and writes back — a
 * comment, then the issue moved to its team's first completed state — with the API key.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFakeLinear, type FakeLinear } from '../fakes/linear.js';
import { expectOneTicketDone, trackerWorld, type TrackerWorld } from './tracker-run.js';

const API_KEY = 'lin_api_e2eSecretKey0123456789';
const TITLE = 'Write the done marker';
const DESCRIPTION = 'The release needs a **marker** file.\n\nsim: write done.txt ok\n- keep it short';
const DONE_STATE = '00000000-0000-4000-8000-000000000104'; // ENG's first state of type completed

let world: TrackerWorld;
let linear: FakeLinear;
test.before.each(async () => {
  world = await trackerWorld('linear');
  linear = await startFakeLinear({ apiKey: API_KEY });
  // One open issue assigned to the viewer (ENG-12, In Progress), no inbox: one ticket.
  const issue = linear.state.issues.find((i) => i.identifier === 'ENG-12')!;
  Object.assign(issue, { title: TITLE, description: DESCRIPTION });
  linear.state.issues = [issue];
  linear.state.notifications = [];
});
test.after.each(async () => {
  await linear.close();
  await world.cleanup();
});

/** The GraphQL operation a recorded request carried: `mutation ZoroComment(…)` → `ZoroComment`. */
function operation(body: unknown): string {
  const query = (body as { query?: unknown } | undefined)?.query;
  return typeof query === 'string' ? (/^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? '?') : '?';
}

test('zoro --once works an assigned Linear issue to done: comments, completes it, and the agent got the issue quoted', async () => {
  const run = await world.runOnce(world.accessText('linear', { api_url: linear.url, api_key: API_KEY, team_keys: 'ENG' }, 'ENG'));
  await expectOneTicketDone(world, run, 'ENG-12', API_KEY);

  // Every request carried the key as Linear wants it (as is, no scheme).
  for (const r of linear.requests) assert.is(r.headers.authorization, API_KEY, `${r.method} ${r.path} ${operation(r.body)}`);
  const mutations = linear.requests.map((r) => operation(r.body)).filter((name) => name === 'ZoroComment' || name === 'ZoroMove');
  assert.ok(mutations.length >= 2 && mutations.at(-1) === 'ZoroMove', JSON.stringify(mutations));
  const issue = linear.state.issues[0]!;
  assert.is(issue.stateId, DONE_STATE);
  const ours = issue.comments.filter((c) => c.userId === linear.state.users[0]!.id);
  assert.ok(ours.length >= 1, 'a comment was posted');
  const closing = ours.at(-1)!.body;
  assert.match(closing, 'zoro: done by session work');
  assert.not.match(closing, 'a simulated agent');

  // The prompt the sim read: the identifier, the title, the Markdown description quoted as written.
  const prompt = await world.onlyPrompt();
  assert.match(prompt, 'Ticket: ENG-12 (attempt 1)');
  assert.match(prompt, `Title: ${TITLE}`);
  assert.match(prompt, '| The release needs a **marker** file.\n|\n| sim: write done.txt ok\n| - keep it short');
  assert.match(prompt, 'Ann Other wrote:\n| Stack trace attached.');
});

test.run();
