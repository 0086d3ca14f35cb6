import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ConnectionEvent } from '../../../../adapters/terminals/iterm2/connection.js';
import { Iterm2Error } from '../../../../adapters/terminals/iterm2/errors.js';
import type { Iterm2Runtime } from '../../../../adapters/terminals/iterm2/runtime.js';
import type { TerminalExit } from '../../../../adapters/terminals/types.js';
import { attachedTab, countReady, nextEvent } from './helpers.js';

function connectionEvent(runtime: Iterm2Runtime, type: ConnectionEvent['type']): Promise<ConnectionEvent> {
  return nextEvent<ConnectionEvent>(
    (listener) => runtime.onConnection((event) => event.type === type && listener(event)),
    `the connection event ${type}`,
  );
}

const world = () =>
  attachedTab({
    agent: true,
    runtime: { connection: { reconnect: { initialDelayMs: 100, maxDelayMs: 400 }, isIterm2Running: async () => false } },
  });

test('iTerm2 restarts mid-run: zoro reconnects with a fresh cookie and the same terminal works again', async () => {
  const { fake, runtime, tab, terminal, output, done } = await world();
  try {
    await terminal.paste('first task');
    await terminal.press('Enter');
    await output.until((text) => countReady(text) === 1, 'the first answer');

    const disconnected = connectionEvent(runtime, 'disconnected');
    const reconnected = connectionEvent(runtime, 'reconnected');
    const restarting = fake.restart();
    // The restart has already dropped every client: this output reaches no one yet.
    tab.output('printed while zoro was away\n');
    const drop = await disconnected;
    assert.match(drop.type === 'disconnected' ? drop.error.message : '', /closed the API connection/);
    await terminal.paste('too early').then(
      () => assert.unreachable('nothing can be sent while disconnected'),
      (error: unknown) => {
        assert.instance(error, Iterm2Error);
        assert.is((error as Iterm2Error).reason, 'disconnected');
        assert.match((error as Error).message, /reconnecting/);
      },
    );
    await restarting;
    await reconnected;

    await output.until((text) => text.includes('printed while zoro was away\n'), 'the output missed during the outage');
    assert.ok(terminal.alive());
    await terminal.paste('second task');
    await terminal.press('Enter');
    await output.until((text) => countReady(text) === 2, 'the second answer');
    const accepted = fake.handshakes.filter((h) => h.status === 101);
    assert.is(accepted.length, 2, 'each connection used its own single-use cookie');
  } finally {
    await done();
  }
});

test('iTerm2 restarts without the tab: after reconnecting, the terminal ends as closed', async () => {
  const { fake, runtime, terminal, done } = await world();
  try {
    const reconnected = connectionEvent(runtime, 'reconnected');
    const exited = nextEvent<TerminalExit>((listener) => terminal.onExit(listener), 'the terminal to exit');
    await fake.restart({ keepSessions: false });
    await reconnected;
    assert.equal(await exited, { code: null, reason: 'closed' });
  } finally {
    await done();
  }
});

test('a frame that is not a protocol message drops the connection with a clear error; zoro reconnects', async () => {
  const { fake, runtime, terminal, output, done } = await world();
  try {
    const disconnected = connectionEvent(runtime, 'disconnected');
    const reconnected = connectionEvent(runtime, 'reconnected');
    fake.sendRaw(Uint8Array.from([0xff, 0xff, 0xff]));
    const drop = await disconnected;
    assert.ok(drop.type === 'disconnected' && drop.error.reason === 'protocol');
    assert.match(drop.type === 'disconnected' ? drop.error.message : '', /iTerm2 sent a 3-byte frame that is not a protocol message.*dropping the connection/);
    await reconnected;
    await terminal.paste('after the bad frame');
    await terminal.press('Enter');
    await output.until((text) => countReady(text) === 1, 'the answer after reconnecting');
  } finally {
    await done();
  }
});

test.run();
