import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ServerMessage } from '../../cockpit/protocol.js';
import { FAKE_SECRET } from '../fakes/handle.js';
import { connectWs, startHarness, WsClient, type Harness } from './helpers.js';

type Snapshot = Extract<ServerMessage, { type: 'snapshot' }>;
type Screen = Extract<ServerMessage, { type: 'screen' }>;
const isSnapshot = (m: ServerMessage): m is Snapshot => m.type === 'snapshot';

let h: Harness;
test.before(async () => {
  h = await startHarness({ sessions: ['api', 'web'] });
});
test.after(() => h.close());

async function refusal(promise: Promise<WsClient>): Promise<string> {
  try {
    (await promise).close();
    return 'accepted';
  } catch (error) {
    return (error as Error).message;
  }
}

test('the WebSocket is refused without the token, with a wrong one, or from a foreign origin or host', async () => {
  assert.is(await refusal(connectWs(h, { Origin: h.origin }, '')), 'refused with 401');
  assert.is(await refusal(connectWs(h, { Origin: h.origin }, `?token=${'0'.repeat(64)}`)), 'refused with 401');
  assert.is(await refusal(connectWs(h, { Origin: 'http://evil.example' })), 'refused with 403');
  assert.is(await refusal(connectWs(h, { Origin: h.origin, Host: 'evil.example' })), 'refused with 403');
  assert.is(await refusal(WsClient.connect(`ws://127.0.0.1:${h.cockpit.port}/elsewhere?token=${h.cockpit.token}`, { Origin: h.origin })), 'refused with 400');
});

test('the page connects with its cookie and starts from a full snapshot', async () => {
  const client = await connectWs(h, { Origin: h.origin, Cookie: `zoro_token_${h.cockpit.port}=${h.cockpit.token}` }, '');
  try {
    const first = await client.next(isSnapshot);
    assert.is(client.messages[0], first, 'the snapshot comes first');
    assert.equal(first.state.sessions.map((s) => s.name), ['api', 'web']);
    assert.ok(first.actors.some((a) => a.id === 'session:api'));
    assert.is(first.full, true, 'the first snapshot lists every actor');
  } finally {
    client.close();
  }
});

test('a state change is pushed as a snapshot and each logged event as an event, without polling', async () => {
  const client = await connectWs(h);
  try {
    await client.next(isSnapshot);
    const id = h.fake.createTicket('Push me', 'api');
    h.fake.dispatch(id);
    const pushed = await client.next((m): m is Snapshot => isSnapshot(m) && m.state.tickets.some((t) => t.id === id && t.status === 'dispatched'));
    assert.is(pushed.state.sessions.find((s) => s.name === 'api')?.ticket?.id, id);
    assert.ok(pushed.actors.some((a) => a.id === 'session:api'), 'the changed actors come along for the inspector');
    h.fake.log('test.one', 'first');
    h.fake.log('test.two', 'second');
    const two = await client.next((m) => m.type === 'event' && m.event.type === 'test.two');
    const events = client.messages.flatMap((m) => (m.type === 'event' && m.event.type.startsWith('test.') ? [m.event.message] : []));
    assert.equal(events, ['first', 'second']);
    assert.ok(two);
  } finally {
    client.close();
  }
});

test('a burst of changes is coalesced into a few snapshots that end on the latest state', async () => {
  const client = await connectWs(h);
  try {
    await client.next(isSnapshot);
    const before = client.messages.filter(isSnapshot).length;
    for (let i = 0; i < 100; i++) {
      h.fake.pause('web');
      h.fake.resume('web');
    }
    h.fake.pause('web');
    await client.next((m): m is Snapshot => isSnapshot(m) && m.state.sessions.find((s) => s.name === 'web')?.state === 'PAUSED');
    const snapshots = client.messages.filter(isSnapshot).length - before;
    assert.ok(snapshots <= 3, `201 changes in one tick became ${snapshots} snapshot messages`);
    h.fake.resume('web');
  } finally {
    client.close();
  }
});

test('a subscribed terminal gets its buffer first, then the raw output as it arrives', async () => {
  const client = await connectWs(h);
  try {
    client.send({ type: 'subscribe', session: 'web' });
    const first = await client.next((m): m is Screen => m.type === 'screen');
    assert.is(first.reset, true);
    assert.match(first.data, 'web $ zoro sim');
    h.fake.emitScreen('web', '\x1b[32mcompiling…\x1b[0m\r\n');
    h.fake.emitScreen('web', 'done\r\n');
    const live = await client.next((m): m is Screen => m.type === 'screen' && !m.reset && m.data.includes('done'));
    assert.match(live.data, '\x1b[32mcompiling…', 'raw chunks keep their escape sequences for xterm');
    client.send({ type: 'unsubscribe', session: 'web' });
    client.send({ type: 'subscribe', session: 'nope' });
    const error = await client.next((m) => m.type === 'error');
    assert.equal(error, { type: 'error', message: 'no session named "nope"' });
    h.fake.emitScreen('web', 'after unsubscribe\r\n');
    client.send({ type: 'bogus' });
    await client.next((m) => m.type === 'error' && m.message.startsWith('expected'));
    assert.not.ok(client.messages.some((m) => m.type === 'screen' && m.data.includes('after unsubscribe')));
  } finally {
    client.close();
  }
});

test('no pushed message carries a secret', async () => {
  const client = await connectWs(h);
  try {
    client.send({ type: 'subscribe', session: 'api' });
    await client.next((m) => m.type === 'screen');
    h.fake.log('config.reloaded', 'access.txt reloaded');
    await client.next((m) => m.type === 'event' && m.event.type === 'config.reloaded');
    const all = JSON.stringify(client.messages);
    assert.not.ok(all.includes(FAKE_SECRET.slice(0, 20)));
    assert.ok(all.length > 1000, 'the check saw real traffic');
  } finally {
    client.close();
  }
});

test.run();
