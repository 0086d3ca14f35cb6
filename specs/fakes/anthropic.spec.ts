/**
 * The fake Messages API speaks the real wire format: the official SDK (what zoro's brain
 * uses) reads its answers, streamed or not, its tool calls and its errors.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeAnthropic, type FakeReply } from './anthropic.js';

const api = await startFakeAnthropic({
  chunkDelayMs: 0,
  script: (prompt): FakeReply[] => {
    if (prompt === 'stall') return [{ stall: true }];
    if (prompt === 'limit') {
      return [{ error: { status: 429, type: 'rate_limit_error', message: 'Rate limited.', headers: { 'anthropic-ratelimit-unified-reset': '1755615600', 'retry-after': '0' } } }];
    }
    if (prompt === 'tool') {
      return [
        { text: 'Let me write it.', toolUse: { name: 'Write', input: { file_path: '/tmp/a.txt', content: 'hi' } } },
        { text: 'Written.\nREADY FOR NEW TASKS' },
      ];
    }
    return [{ text: `You said: ${prompt}. This answer is long enough to arrive in several chunks.` }];
  },
});
const client = new Anthropic({ baseURL: api.url, apiKey: 'test-key', maxRetries: 0 });
const model = 'claude-fake';

test.after(() => api.close());

test('a non-streaming request gets a whole message', async () => {
  const message = await client.messages.create({ model, max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] });
  assert.is(message.type, 'message');
  assert.is(message.role, 'assistant');
  assert.is(message.stop_reason, 'end_turn');
  assert.equal(message.content, [{ type: 'text', text: 'You said: hello. This answer is long enough to arrive in several chunks.' }]);
  assert.is(api.requests.at(-1)?.prompt, 'hello');
});

test('a streamed request arrives as SSE events the SDK assembles into the same message', async () => {
  const events: string[] = [];
  const stream = client.messages.stream({ model, max_tokens: 100, messages: [{ role: 'user', content: 'again' }] });
  stream.on('streamEvent', (event) => events.push(event.type));
  const message = await stream.finalMessage();
  assert.equal(message.content, [{ type: 'text', text: 'You said: again. This answer is long enough to arrive in several chunks.' }]);
  assert.is(events[0], 'message_start');
  assert.equal(events.slice(-3), ['content_block_stop', 'message_delta', 'message_stop']);
  assert.ok(events.filter((e) => e === 'content_block_delta').length > 1, 'the text came in pieces');
});

test('a tool call streams its input as JSON pieces, and the tool result gets the next scripted reply', async () => {
  const first = await client.messages.stream({ model, max_tokens: 100, messages: [{ role: 'user', content: 'tool' }] }).finalMessage();
  assert.is(first.stop_reason, 'tool_use');
  const call = first.content.find((block) => block.type === 'tool_use');
  assert.ok(call && call.type === 'tool_use');
  assert.is(call.name, 'Write');
  assert.equal(call.input, { file_path: '/tmp/a.txt', content: 'hi' });

  const second = await client.messages.create({
    model,
    max_tokens: 100,
    messages: [
      { role: 'user', content: 'tool' },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'ok' }] },
    ],
  });
  assert.equal(second.content, [{ type: 'text', text: 'Written.\nREADY FOR NEW TASKS' }]);
  assert.ok(api.requests.at(-1)?.isToolResult);
});

test('an error reply reaches the SDK as its typed error, headers included', async () => {
  const error = await client.messages.create({ model, max_tokens: 100, messages: [{ role: 'user', content: 'limit' }] }).catch((e: unknown) => e);
  assert.instance(error, Anthropic.RateLimitError);
  assert.is((error as InstanceType<typeof Anthropic.RateLimitError>).headers?.get('anthropic-ratelimit-unified-reset'), '1755615600');
});

test('a stalled reply never answers: the client gives up on its own timeout', async () => {
  const started = Date.now();
  const error = await client.messages
    .create({ model, max_tokens: 100, messages: [{ role: 'user', content: 'stall' }] }, { timeout: 300 })
    .catch((e: unknown) => e);
  assert.instance(error, Anthropic.APIConnectionTimeoutError);
  assert.ok(Date.now() - started < 3_000);
});

test('the requests are recorded, and waitForRequest finds past and future ones', async () => {
  const past = await api.waitForRequest((r) => r.prompt === 'hello');
  assert.is(past.method, 'POST');
  const future = api.waitForRequest((r) => r.prompt === 'later', 2_000);
  await client.messages.create({ model, max_tokens: 10, messages: [{ role: 'user', content: 'later' }] });
  assert.is((await future).path, '/v1/messages');
});

test.run();
