/**
 * GitHub Issues end to end: the real `zoro --once --json` CLI polls a fake GitHub, types the
 * issue into a sim agent on a private tmux server, and writes back — comments, then the
 * issue closed as completed — with the configured token.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFakeGithub, type FakeGithub, type GithubIssue } from '../fakes/github.js';
import { expectOneTicketDone, trackerWorld, type TrackerWorld } from './tracker-run.js';

const TOKEN = 'ghp_e2eSecretToken0123456789';
const TITLE = 'Write the done marker';
const BODY = 'The release needs a marker file.\r\n\r\nsim: write done.txt ok\nKeep it short.';

let world: TrackerWorld;
let github: FakeGithub;
test.before.each(async () => {
  world = await trackerWorld('github');
  github = await startFakeGithub({ token: TOKEN });
  // One open issue assigned to the user, nothing mentioned or subscribed: one ticket.
  const issue = github.state.issues.find((i) => i.number === 1 && i.repository_url.endsWith('/acme/web'))!;
  Object.assign(issue, { title: TITLE, body: BODY } satisfies Partial<GithubIssue>);
  github.state.issues = [issue];
  github.state.mentioned = [];
  github.state.subscribed = [];
});
test.after.each(async () => {
  await github.close();
  await world.cleanup();
});

test('zoro --once works an assigned GitHub issue to done: comments, closes it, and the agent got the issue quoted', async () => {
  const run = await world.runOnce(world.accessText('github', { api_url: github.url, token: TOKEN, repos: 'acme/web' }, 'acme/web'));
  await expectOneTicketDone(world, run, 'acme/web#1', TOKEN);

  // Written back: at least one comment, then the close, every request with the token.
  const writes = github.requests.filter((r) => r.method !== 'GET');
  assert.ok(writes.length >= 2, JSON.stringify(writes.map((r) => `${r.method} ${r.path}`)));
  for (const r of github.requests) assert.is(r.headers.authorization?.replace(/^(Bearer|token) /, ''), TOKEN, `${r.method} ${r.path}`);
  const comments = writes.filter((r) => r.method === 'POST' && r.path === '/repos/acme/web/issues/1/comments');
  assert.ok(comments.length >= 1, 'a comment was posted');
  // The closing comment carries the agent's summary of this turn, not what its screen
  // showed before the prompt (the sim's start-up banner).
  const closing = (comments.at(-1)!.body as { body: string }).body;
  assert.match(closing, 'zoro: done by session work');
  assert.match(closing, '» working on: Ticket: acme/web#1');
  assert.not.match(closing, 'a simulated agent');
  const close = writes.filter((r) => r.method === 'PATCH' && r.path === '/repos/acme/web/issues/1');
  assert.is(close.length, 1);
  assert.equal(close[0]!.body, { state: 'closed', state_reason: 'completed' });
  assert.ok(writes.indexOf(close[0]!) > writes.indexOf(comments[0]!), 'the close comes after the comments');
  assert.is(github.state.issues[0]!.state, 'closed');
  assert.is(github.state.issues[0]!.state_reason, 'completed');

  // The prompt the sim read: the issue's id, title, and its body quoted line by line.
  const prompt = await world.onlyPrompt();
  assert.match(prompt, 'Ticket: acme/web#1 (attempt 1)');
  assert.match(prompt, `Title: ${TITLE}`);
  assert.match(prompt, '| The release needs a marker file.\n|\n| sim: write done.txt ok\n| Keep it short.');
  // The issue's comments (from the fixture) come along, quoted too.
  assert.match(prompt, 'ann wrote:\n| It happens only on Safari.');
});

test.run();
