import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { assign, createActor, setup } from 'xstate';
import { createInspectBridge, scrubSecrets } from '../../cockpit/inspect.js';
import { FAKE_SECRET } from '../fakes/handle.js';

const machine = setup({
  types: {} as { context: { name: string; config: { anthropic_api_key: string; model: string } }; events: { type: 'GO'; token: string } | { type: 'BACK' } },
}).createMachine({
  id: 'light',
  initial: 'off',
  context: { name: 'demo', config: { anthropic_api_key: FAKE_SECRET, model: 'claude' } },
  states: {
    off: { on: { GO: { target: 'on', actions: assign({ name: 'lit' }) } } },
    on: { on: { BACK: 'off' } },
  },
});

interface Received {
  type: string;
  _version?: string;
  sessionId?: string;
  name?: string;
  event?: { type: string };
  snapshot?: { value?: unknown; context?: unknown };
}

function collect(socket: { on(event: 'message', fn: (data: WebSocket.RawData) => void): unknown }): Received[] {
  const received: Received[] = [];
  socket.on('message', (data) => received.push(JSON.parse(data.toString()) as Received));
  return received;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), `timed out waiting for ${what}`);
}

test('scrubSecrets blanks values under credential-like keys, however deep', () => {
  const scrubbed = scrubSecrets({ a: { api_key: 'k', token: 't', nested: [{ password: 'p', ok: 1 }] }, model: 'm', apiKey: 'x', empty_token: '' });
  assert.equal(scrubbed, { a: { api_key: '[redacted]', token: '[redacted]', nested: [{ password: '[redacted]', ok: 1 }] }, model: 'm', apiKey: '[redacted]', empty_token: '' });
});

test('the bridge streams actor, snapshot and event records in Stately format to a local socket, secrets scrubbed', async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  const received: Received[] = [];
  wss.on('connection', (socket) => socket.on('message', (data) => received.push(JSON.parse(data.toString()) as Received)));
  const bridge = createInspectBridge({ url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}` });
  const actor = createActor(machine, { inspect: bridge.inspect }).start();
  try {
    actor.send({ type: 'GO', token: FAKE_SECRET });
    await until(() => received.some((r) => r.type === '@xstate.snapshot' && r.snapshot?.value === 'on'), 'the snapshot in state "on"');
    const registered = received.find((r) => r.type === '@xstate.actor');
    assert.ok(registered, 'the actor was announced');
    assert.is(registered.name, 'light');
    assert.is(typeof registered._version, 'string');
    assert.match(String((registered as { definition?: string }).definition), '"initial":"off"', 'the definition still travels, scrubbed');
    assert.ok(received.some((r) => r.type === '@xstate.event' && r.event?.type === 'GO'));
    assert.not.ok(JSON.stringify(received).includes(FAKE_SECRET), 'no secret left the process');
    assert.is(bridge.viewerUrl, null);
  } finally {
    actor.stop();
    bridge.stop();
    await new Promise((resolve) => wss.close(resolve));
  }
});

test('with serve, the relay on localhost passes the stream to a viewer and serves its page', async () => {
  const port = await freePort();
  const bridge = createInspectBridge({ serve: { port } });
  let viewer: WebSocket | null = null;
  const actor = createActor(machine, { inspect: bridge.inspect });
  try {
    viewer = await connectWhenUp(`ws://127.0.0.1:${port}`);
    const seen = collect(viewer);
    actor.start();
    actor.send({ type: 'GO', token: 'x' });
    await until(() => seen.some((r) => r.type === '@xstate.snapshot' && r.snapshot?.value === 'on'), 'the relayed snapshot');
    assert.is(bridge.viewerUrl, `http://localhost:${port}`);
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    assert.match(page, 'Stately Inspector');
  } finally {
    viewer?.close();
    actor.stop();
    bridge.stop();
  }
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function connectWhenUp(url: string): Promise<WebSocket> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await new Promise<WebSocket>((resolve, reject) => {
        const socket = new WebSocket(url);
        socket.once('open', () => resolve(socket));
        socket.once('error', reject);
      });
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

test.run();
