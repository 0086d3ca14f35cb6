/**
 * A local fake of the Anthropic Messages API, speaking the real wire format, for specs that
 * run the real Claude Code CLI (streaming SSE) or zoro's brain (`@anthropic-ai/sdk`, either
 * mode) without the internet.
 *
 * What "the model" does is scripted: for each new prompt (the text of the last `user`
 * message that is not a tool result) the script returns a list of replies; the first answers
 * the prompt, each later one answers the next tool round trip of that conversation.
 *
 *   const api = await startFakeAnthropic({
 *     script: (prompt) => prompt.includes('make a file')
 *       ? [{ toolUse: { name: 'Write', input: { file_path: '/repo/a.txt', content: 'hi' } } },
 *          { text: 'Wrote it.\nREADY FOR NEW TASKS' }]
 *       : [{ text: 'Hello.' }],
 *   });
 *   // ANTHROPIC_BASE_URL=api.url …; api.requests lists what arrived; await api.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One answer of the fake model (one assistant message). */
export type FakeReply =
  /** Plain text; ends the turn (`stop_reason: end_turn`). */
  | { text: string }
  /** A tool call, optionally preceded by text; Claude Code runs it and sends a tool_result. */
  | { text?: string; toolUse: { name: string; input: Record<string, unknown> } }
  /** Never answer: the request hangs until the client gives up or the fake closes. */
  | { stall: true }
  /** An HTTP error, e.g. a 429 with rate-limit headers. */
  | { error: { status: number; type: string; message: string; headers?: Record<string, string> } };

export interface ScriptContext {
  /** The whole parsed request body. */
  body: MessagesRequest;
  /** True for Claude Code's title request (answered by the fake itself unless the script wants it). */
  isTitle: boolean;
}

export type FakeScript = (prompt: string, context: ScriptContext) => FakeReply[];

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or null for bodiless requests. */
  body: MessagesRequest | null;
  /** For message requests: the prompt text the fake saw ('' for others). */
  prompt: string;
  isTitle: boolean;
  /** True when the last user message carried a tool_result. */
  isToolResult: boolean;
}

export interface FakeAnthropic {
  /** Base URL for ANTHROPIC_BASE_URL / the SDK's baseURL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  requests: RecordedRequest[];
  /** Resolves with the first request (already received or future) that matches. */
  waitForRequest(match: (request: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

/** The part of a Messages request body the fake reads. */
export interface MessagesRequest {
  model?: string;
  stream?: boolean;
  tools?: unknown[];
  system?: unknown;
  messages?: { role: string; content: string | ContentBlock[] }[];
  output_config?: { format?: { type?: string; schema?: { properties?: Record<string, unknown> } } };
  metadata?: { user_id?: string };
}

interface ContentBlock {
  type: string;
  text?: string;
  tool_use_id?: string;
}

export interface FakeAnthropicOptions {
  script: FakeScript;
  /** Title given to Claude Code's title requests. */
  title?: string;
  /** Delay between streamed chunks, so a spec can see the busy screen. Default 20 ms. */
  chunkDelayMs?: number;
}

export async function startFakeAnthropic(options: FakeAnthropicOptions): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  const waiters: { match: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }[] = [];
  // Replies still owed to each conversation, keyed by the conversation's first user text.
  const pending = new Map<string, FakeReply[]>();
  const sockets = new Set<Socket>();
  let messageCounter = 0;

  const record = (request: RecordedRequest) => {
    requests.push(request);
    for (const waiter of [...waiters]) {
      if (waiter.match(request)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(request);
      }
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(apiError('api_error', `fake failed: ${String(error)}`)));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    const raw = await readBody(req);
    const body = raw ? (JSON.parse(raw) as MessagesRequest) : null;
    const base = { method: req.method ?? 'GET', path, headers: req.headers, body };

    if (req.method === 'POST' && path.startsWith('/v1/messages/count_tokens')) {
      record({ ...base, prompt: '', isTitle: false, isToolResult: false });
      return json(res, 200, { input_tokens: 100 });
    }
    if (req.method !== 'POST' || !path.startsWith('/v1/messages') || !body) {
      // Claude Code's start-up `HEAD /` and anything else it probes.
      record({ ...base, prompt: '', isTitle: false, isToolResult: false });
      return json(res, 200, {});
    }

    const messages = body.messages ?? [];
    const lastUser = [...messages].reverse().find((m) => m.role === 'user');
    const isToolResult = hasToolResult(lastUser?.content);
    const prompt = lastUser ? promptText(lastUser.content) : '';
    const isTitle = isTitleRequest(body);
    record({ ...base, prompt, isTitle, isToolResult });

    let reply: FakeReply;
    if (isTitle) {
      reply = { text: JSON.stringify({ title: options.title ?? 'Fake task' }) };
    } else {
      const key = conversationKey(req.headers['x-claude-code-session-id'], messages);
      if (isToolResult && pending.get(key)?.length) {
        reply = pending.get(key)!.shift()!;
      } else if (isToolResult) {
        reply = { text: 'Done.' };
      } else {
        const replies = options.script(prompt, { body, isTitle });
        reply = replies[0] ?? { text: '' };
        pending.set(key, replies.slice(1));
      }
    }
    messageCounter += 1;
    await answer(res, reply, body, `msg_fake_${messageCounter}`);
  }

  async function answer(res: ServerResponse, reply: FakeReply, body: MessagesRequest, id: string): Promise<void> {
    if ('stall' in reply) return; // leave the request open; close() ends it
    if ('error' in reply) {
      res.writeHead(reply.error.status, { 'content-type': 'application/json', ...reply.error.headers });
      res.end(JSON.stringify(apiError(reply.error.type, reply.error.message)));
      return;
    }
    const blocks: ({ type: 'text'; text: string } | ToolUseBlock)[] = [];
    if (reply.text) blocks.push({ type: 'text', text: reply.text });
    if ('toolUse' in reply) {
      blocks.push({ type: 'tool_use', id: `toolu_fake_${id}`, name: reply.toolUse.name, input: reply.toolUse.input });
    }
    const stopReason = 'toolUse' in reply ? 'tool_use' : 'end_turn';
    const model = body.model ?? 'claude-fake';
    if (body.stream) {
      await streamMessage(res, { id, model, blocks, stopReason }, options.chunkDelayMs ?? 20);
    } else {
      json(res, 200, { ...messageShell(id, model), content: blocks, stop_reason: stopReason, usage: usage(10) });
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    waitForRequest(match, timeoutMs = 10_000) {
      const seen = requests.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`fake Anthropic API: no matching request within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = {
          match,
          resolve: (r: RecordedRequest) => {
            clearTimeout(timer);
            resolve(r);
          },
        };
        waiters.push(waiter);
      });
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}

interface StreamedMessage {
  id: string;
  model: string;
  blocks: ({ type: 'text'; text: string } | ToolUseBlock)[];
  stopReason: string;
}

/** The SSE sequence of the Messages API: message_start, per block start/delta…/stop, message_delta, message_stop. */
async function streamMessage(res: ServerResponse, message: StreamedMessage, delayMs: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const send = async (event: string, data: unknown) => {
    if (res.destroyed) return;
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  };
  await send('message_start', { type: 'message_start', message: { ...messageShell(message.id, message.model), content: [], stop_reason: null, usage: usage(1) } });
  for (const [index, block] of message.blocks.entries()) {
    if (block.type === 'text') {
      await send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      for (const piece of chunks(block.text, 24)) {
        await send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } });
      }
    } else {
      await send('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      });
      for (const piece of chunks(JSON.stringify(block.input), 40)) {
        await send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } });
      }
    }
    await send('content_block_stop', { type: 'content_block_stop', index });
  }
  await send('message_delta', { type: 'message_delta', delta: { stop_reason: message.stopReason, stop_sequence: null }, usage: { output_tokens: 10 } });
  await send('message_stop', { type: 'message_stop' });
  res.end();
}

function messageShell(id: string, model: string) {
  return { id, type: 'message', role: 'assistant', model, stop_sequence: null };
}

function usage(outputTokens: number) {
  return { input_tokens: 10, output_tokens: outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
}

function apiError(type: string, message: string) {
  return { type: 'error', error: { type, message } };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [''];
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of req) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/** Claude Code asks for a session title with a JSON-schema output format that has a `title` property. */
function isTitleRequest(body: MessagesRequest): boolean {
  const format = body.output_config?.format;
  return format?.type === 'json_schema' && Boolean(format.schema?.properties && 'title' in format.schema.properties);
}

function hasToolResult(content: string | ContentBlock[] | undefined): boolean {
  return Array.isArray(content) && content.some((block) => block.type === 'tool_result');
}

/** The text of a user message, without Claude Code's `<system-reminder>` blocks. */
function promptText(content: string | ContentBlock[]): string {
  const texts = typeof content === 'string' ? [content] : content.filter((b) => b.type === 'text').map((b) => b.text ?? '');
  return texts
    .filter((text) => !text.trimStart().startsWith('<system-reminder>'))
    .join('\n')
    .trim();
}

/**
 * Claude Code names its conversation in a header; other clients (the SDK) are known by their
 * first prompt, which every later request of the conversation repeats.
 */
function conversationKey(sessionHeader: string | string[] | undefined, messages: { role: string; content: string | ContentBlock[] }[]): string {
  if (typeof sessionHeader === 'string' && sessionHeader) return `session:${sessionHeader}`;
  const first = messages.find((m) => m.role === 'user');
  return first ? `prompt:${promptText(first.content)}` : '';
}
