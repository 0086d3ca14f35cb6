import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { createHub } from '../../cockpit/hub.js';
import type { ServerMessage } from '../../cockpit/protocol.js';
import { FakeHandle } from '../fakes/handle.js';

/** A socket that never drains while `stuck`: a phone on a bad network. */
class SlowSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  stuck = false;
  readonly sent: ServerMessage[] = [];
  send(data: Buffer | string): void {
    this.sent.push(JSON.parse(data.toString()) as ServerMessage);
    if (this.stuck) this.bufferedAmount += data.length;
  }
  ping(): void {}
  terminate(): void {
    this.readyState = 3;
    this.emit('close');
  }
}

const flushed = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));

test('a slow client gets dropped frames, never an unbounded queue, and catches up with the latest state', async () => {
  const fake = new FakeHandle({ sessions: ['a'] });
  const hub = createHub({ handle: fake, intervalMs: 10, maxBufferedBytes: 64 * 1024 });
  const slow = new SlowSocket();
  const fast = new SlowSocket();
  hub.attach(slow as unknown as WebSocket);
  hub.attach(fast as unknown as WebSocket);
  slow.stuck = true;
  try {
    for (let i = 0; i < 40; i++) {
      fake.createTicket(`ticket ${i} ${'x'.repeat(400)}`, 'a');
      await flushed();
    }
    assert.ok(hub.dropped > 0, 'frames were dropped for the slow client');
    assert.ok(slow.bufferedAmount < 64 * 1024 + 200_000, `its backlog stays bounded (${slow.bufferedAmount} bytes)`);
    assert.ok(fast.sent.length > slow.sent.length, 'the fast client was not held back');
    slow.stuck = false;
    const before = slow.sent.length;
    slow.bufferedAmount = 0; // the network drained; nothing else happens
    await flushed(150);
    const caughtUp = slow.sent.slice(before);
    assert.is(caughtUp.length, 1);
    const [last] = caughtUp;
    assert.ok(last && last.type === 'snapshot');
    assert.is(last.state.tickets.length, 40, 'once drained it gets the whole, latest state');
    assert.is(last.actors.length, fake.actors().length, 'and every actor, for the inspector');
  } finally {
    hub.close();
    fake.dispose();
  }
});

test('a terminal that floods a slow client is resent whole once it drains, not queued chunk by chunk', async () => {
  const fake = new FakeHandle({ sessions: ['a'] });
  const hub = createHub({ handle: fake, maxBufferedBytes: 16 * 1024 });
  const slow = new SlowSocket();
  hub.attach(slow as unknown as WebSocket);
  try {
    slow.emit('message', Buffer.from(JSON.stringify({ type: 'subscribe', session: 'a' })));
    slow.bufferedAmount = 1 << 20; // backed up from here on
    for (let i = 0; i < 400; i++) fake.emitScreen('a', `line ${i} ${'#'.repeat(1000)}\r\n`);
    await flushed(60);
    const screensWhileStuck = slow.sent.filter((m) => m.type === 'screen').length;
    assert.is(screensWhileStuck, 1, 'only the first buffer was sent while the socket was backed up');
    slow.bufferedAmount = 0;
    await flushed(200);
    const resent = slow.sent.filter((m) => m.type === 'screen').at(-1);
    assert.ok(resent && resent.type === 'screen' && resent.reset, 'after draining: one reset with the current buffer');
    assert.match(resent.data, 'line 399');
    assert.ok(resent.data.length < 600_000, 'the buffer, not 400 KB of backlog');
  } finally {
    hub.close();
    fake.dispose();
  }
});

test.run();
