import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiClient, apiErrorText, nextLink, waitFromHeaders } from '../../../adapters/providers/http.js';
import { object, string } from '../../../adapters/providers/shape.js';
import { startFakeServer, type FakeServer, type Reply } from '../../fakes/server.js';
import { instantDeps, providerError } from './helpers.js';

const SECRET = 'tok_very_secret_value';
let server: FakeServer;
let handler: () => Reply | Promise<Reply>;

test.before.each(async () => {
  handler = () => ({ status: 200, body: { ok: 'yes' } });
  server = await startFakeServer(() => handler());
});
test.after.each(async () => {
  await server.close();
});

function client(deps = instantDeps(), conditional = false) {
  return new ApiClient({ provider: 'acme', baseUrl: `${server.url}/api/v3`, headers: { authorization: `Bearer ${SECRET}` }, authKey: 'token', conditional }, deps);
}
const Ok = object({ ok: string });

test('paths are joined under the base path and the query is encoded', async () => {
  await client().json({ path: '/things', query: { q: 'a b&c', skip: undefined, n: 2 } }, Ok);
  assert.is(server.requests[0]?.path, '/api/v3/things');
  assert.equal(server.requests[0]?.query, { q: 'a b&c', n: '2' });
});

test('a 5xx on a GET is retried with growing waits, then succeeds', async () => {
  server.inject({ status: 502, raw: '<html>bad gateway</html>' }, { times: 2 });
  const deps = instantDeps();
  assert.equal(await client(deps).json({ path: '/x' }, Ok), { ok: 'yes' });
  assert.equal(deps.waits, [1000, 2000]);
  assert.is(server.requests.length, 3);
  assert.match(deps.logs[0]!, 'acme: server error (502) on GET /api/v3/x; retrying in 1 s (1 of 4)');
});

test('retries stop after the configured number and the last failure is thrown', async () => {
  server.inject({ status: 503, body: { message: 'down for maintenance' } }, { times: 10 });
  const error = await providerError(() => client(instantDeps({ retries: 2 })).json({ path: '/x' }, Ok));
  assert.is(error.category, 'server');
  assert.is(error.status, 503);
  assert.is(error.message, 'acme: server error (503) on GET /api/v3/x (the API said: down for maintenance)');
  assert.is(server.requests.length, 3);
});

test('a POST is not sent again after a 5xx, but is after a 429', async () => {
  server.inject({ status: 500, body: {} });
  await providerError(() => client().json({ method: 'POST', path: '/c', json: { a: 1 } }, Ok));
  assert.is(server.requests.length, 1);
  server.inject({ status: 429, headers: { 'retry-after': '1' } });
  await client().json({ method: 'POST', path: '/c', json: { a: 1 } }, Ok);
  assert.is(server.requests.length, 3);
  assert.equal(server.requests[2]?.body, { a: 1 });
  assert.is(server.requests[2]?.headers['content-type'], 'application/json');
});

test('a wait longer than the cap fails at once as rate_limited instead of sleeping for an hour', async () => {
  server.inject({ status: 429, headers: { 'retry-after': '3600' } });
  const deps = instantDeps({ maxWaitMs: 60_000 });
  const error = await providerError(() => client(deps).json({ path: '/x' }, Ok));
  assert.is(error.category, 'rate_limited');
  assert.match(error.message, 'the API asks to wait 60 min, longer than the 60 s one call may wait');
  assert.equal(deps.waits, []);
});

test('a call that takes longer than the timeout is a network error, retried like one', async () => {
  let calls = 0;
  handler = () => (++calls === 1 ? new Promise<Reply>(() => {}) : { status: 200, body: { ok: 'late' } });
  const deps = instantDeps({ timeoutMs: 150 });
  assert.equal(await client(deps).json({ path: '/slow' }, Ok), { ok: 'late' });
  assert.match(deps.logs[0]!, 'timed out after 0.2 s on GET /api/v3/slow');
});

test('an unreachable host is a network error', async () => {
  const dead = new ApiClient({ provider: 'acme', baseUrl: 'http://127.0.0.1:1', headers: {}, authKey: 'token' }, instantDeps({ retries: 0 }));
  const error = await providerError(() => dead.json({ path: '/x' }, Ok));
  assert.is(error.category, 'network');
  assert.match(error.message, /^acme: network error on GET \/x: /);
});

test('the caller’s abort ends the call without retries and without a ProviderError', async () => {
  handler = () => new Promise<Reply>(() => {});
  const controller = new AbortController();
  const call = client().json({ path: '/x', signal: controller.signal }, Ok);
  setTimeout(() => controller.abort(new Error('shutting down')), 20);
  await call.then(
    () => assert.unreachable('should have been aborted'),
    (error: unknown) => assert.is((error as Error).message, 'shutting down'),
  );
  assert.is(server.requests.length, 1);
});

test('credentials never appear in errors, their causes or the log', async () => {
  const deps = instantDeps({ retries: 1 });
  const failures = [
    { status: 401, body: { message: `token ${SECRET} is wrong` } },
    { status: 403, body: { message: `Resource not accessible with ${SECRET}` } },
    { status: 422, body: { message: `echoing Bearer ${SECRET}` } },
    { status: 500, body: { message: `stack trace mentions ${SECRET}` } },
    { status: 200, raw: 'not json' },
  ];
  for (const reply of failures) {
    server.inject(reply, { times: reply.status >= 500 ? 2 : 1 }); // a 5xx is tried twice
    const error = await providerError(() => client(deps).json({ path: '/x' }, Ok));
    const everything = [error.message, String(error.stack), String(error.cause), JSON.stringify(error), ...deps.logs].join('\n');
    assert.not.ok(everything.includes(SECRET), `leaked by ${reply.status}`);
    if (reply.status === 403) assert.match(error.message, 'Resource not accessible with [redacted]');
  }
  assert.match(deps.logs.join('\n'), 'stack trace mentions [redacted]');
});

test('401 and 403 are auth errors naming the key; 404 is not_found', async () => {
  server.inject({ status: 401, body: { message: 'Bad credentials' } });
  assert.is((await providerError(() => client().json({ path: '/x' }, Ok))).message, 'acme: authentication failed (401): check [provider:acme] token');
  server.inject({ status: 403, body: { message: 'Resource not accessible by integration' } });
  const denied = await providerError(() => client().json({ path: '/x' }, Ok));
  assert.is(denied.category, 'auth');
  assert.is(denied.message, 'acme: access denied (403) on GET /api/v3/x: check [provider:acme] token and what it may access (the API said: Resource not accessible by integration)');
  server.inject({ status: 404, body: { message: 'Not Found' } });
  assert.is((await providerError(() => client().json({ path: '/x' }, Ok))).category, 'not_found');
});

test('a 403 that is a secondary rate limit waits a minute', async () => {
  server.inject({ status: 403, body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' } });
  const deps = instantDeps();
  await client(deps).json({ path: '/x' }, Ok);
  assert.equal(deps.waits, [60_000]);
});

test('a pagination link to another host is refused, so the token stays home', async () => {
  const error = await providerError(() => client().json({ path: 'https://evil.example/steal' }, Ok));
  assert.is(error.category, 'bad_response');
  assert.match(error.message, 'refused to follow a link to another host (https://evil.example)');
  assert.is(server.requests.length, 0);
});

test('with conditional requests, an unchanged resource is revalidated with its ETag and served from memory', async () => {
  let version = 1;
  handler = () => ({ status: 200, headers: { etag: `"v${version}"` }, body: { ok: `v${version}` } });
  const api = client(instantDeps(), true);
  assert.equal(await api.json({ path: '/r' }, Ok), { ok: 'v1' });
  server.inject({ status: 304, headers: { etag: '"v1"' } });
  assert.equal(await api.json({ path: '/r' }, Ok), { ok: 'v1' });
  assert.is(server.requests[1]?.headers['if-none-match'], '"v1"');
  version = 2;
  assert.equal(await api.json({ path: '/r' }, Ok), { ok: 'v2' });
});

test('waits are read from Retry-After (seconds or a date) and from spent rate-limit budgets', () => {
  const now = Date.parse('2026-11-22T12:00:00Z');
  const h = (init: Record<string, string>) => new Headers(init);
  assert.is(waitFromHeaders(429, h({ 'retry-after': '2' }), now), 2000);
  assert.is(waitFromHeaders(503, h({ 'retry-after': 'Sun, 22 Nov 2026 12:00:30 GMT' }), now), 30_000);
  assert.is(waitFromHeaders(403, h({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 90) }), now), 90_000);
  assert.is(waitFromHeaders(200, h({ 'x-ratelimit-remaining': '10', 'x-ratelimit-reset': String(now / 1000 + 90) }), now), null);
  assert.is(waitFromHeaders(429, h({ 'x-ratelimit-reset': '2026-11-22T12:01:00Z' }), now), 60_000);
  assert.is(waitFromHeaders(400, h({ 'x-ratelimit-requests-remaining': '0', 'x-ratelimit-requests-reset': String(now + 5000) }), now), 5000);
  assert.is(waitFromHeaders(429, h({}), now), null);
});

test('the API’s own error text is found in each tracker’s error shape', () => {
  assert.is(apiErrorText({ message: 'Bad credentials', documentation_url: 'x' }), 'Bad credentials');
  assert.is(apiErrorText({ errors: [{ message: 'Not Authorized' }] }), 'Not Authorized');
  assert.is(apiErrorText({ errorMessages: [], errors: { comment: 'Comment body is not valid!' } }), 'Comment body is not valid!');
  assert.is(apiErrorText({ error_message: 'Complexity budget exhausted' }), 'Complexity budget exhausted');
  assert.is(apiErrorText({ message: 'line one\n\u001b[31mline two' }), 'line one line two');
  assert.is(apiErrorText('plain'), null);
});

test('nextLink finds rel="next" among the links', () => {
  const link = '<https://api.github.com/issues?page=2>; rel="next", <https://api.github.com/issues?page=5>; rel="last"';
  assert.is(nextLink(new Headers({ link })), 'https://api.github.com/issues?page=2');
  assert.is(nextLink(new Headers({ link: '<https://x/1>; rel="prev"' })), null);
  assert.is(nextLink(new Headers()), null);
});

test.run();
