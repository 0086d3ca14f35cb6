import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Iterm2Connection } from '../../../../adapters/terminals/iterm2/connection.js';
import { defaultCredentialSource, type CredentialSource } from '../../../../adapters/terminals/iterm2/credentials.js';
import { Iterm2Error } from '../../../../adapters/terminals/iterm2/errors.js';
import { handshakeHeaders } from '../../../../adapters/terminals/iterm2/handshake.js';
import { startFakeIterm2 } from '../../../fakes/iterm2/index.js';
import { scratchDir } from './helpers.js';

async function refusal(promise: Promise<unknown>): Promise<Iterm2Error> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, Iterm2Error);
    return error as Iterm2Error;
  }
  throw new Error('expected the connection to be refused');
}

test('zoro connects with the subprotocol, the headers and a fresh cookie, as iTerm2 requires', async () => {
  const fake = await startFakeIterm2();
  try {
    const connection = await Iterm2Connection.open({ socketPath: fake.socketPath, credentials: fake.credentials });
    assert.equal(fake.handshakes, [{ status: 101, authorizedBy: 'cookie' }]);
    assert.is(connection.protocolVersion, '1.17');
    const answer = await connection.request({ listSessionsRequest: {} });
    assert.ok(answer.listSessionsResponse, 'a request gets its answer by id');
    await connection.close();
  } finally {
    await fake.close();
  }
});

test('a refused cookie is asked for once more, then the refusal says how to allow zoro', async () => {
  const fake = await startFakeIterm2();
  const asked: string[] = [];
  const credentials: CredentialSource = async ({ reason }) => {
    asked.push(reason);
    return { cookie: 'not-a-cookie-iterm2-issued', key: 'k' };
  };
  try {
    const error = await refusal(Iterm2Connection.open({ socketPath: fake.socketPath, credentials }));
    assert.is(error.reason, 'unauthorized');
    assert.equal(asked, ['connect', 'unauthorized']);
    assert.match(error.message, /401/);
    assert.match(error.message, /Allow all apps to connect/);
    assert.not.match(error.message, /not-a-cookie/, 'the cookie never appears in an error');
    assert.equal(
      fake.handshakes.map((h) => h.status),
      [401, 401],
    );
  } finally {
    await fake.close();
  }
});

test('a stale cookie is replaced by a fresh one after the 401', async () => {
  const fake = await startFakeIterm2();
  const credentials: CredentialSource = async ({ reason }) => (reason === 'connect' ? { cookie: 'stale', key: 'k' } : fake.issueCookie());
  try {
    const connection = await Iterm2Connection.open({ socketPath: fake.socketPath, credentials });
    assert.equal(
      fake.handshakes.map((h) => h.status),
      [401, 101],
    );
    await connection.close();
  } finally {
    await fake.close();
  }
});

test('a cookie is single use: connecting twice with the same one is refused', async () => {
  const fake = await startFakeIterm2();
  const sameCookie: CredentialSource = async () => ({ cookie: fake.cookie, key: fake.key });
  try {
    const first = await Iterm2Connection.open({ socketPath: fake.socketPath, credentials: sameCookie });
    const error = await refusal(Iterm2Connection.open({ socketPath: fake.socketPath, credentials: sameCookie }));
    assert.is(error.reason, 'unauthorized');
    await first.close();
  } finally {
    await fake.close();
  }
});

test('with "Allow all apps to connect" on, zoro gets in without a cookie', async () => {
  const fake = await startFakeIterm2({ allowAllApps: true });
  try {
    const connection = await Iterm2Connection.open({ socketPath: fake.socketPath, credentials: async () => null });
    assert.equal(fake.handshakes, [{ status: 101, authorizedBy: 'allow-all' }]);
    await connection.close();
  } finally {
    await fake.close();
  }
});

test('no socket means iTerm2 is not running, or its API is off when iTerm2 runs', async () => {
  const dir = scratchDir();
  const socketPath = join(dir.path, 'socket');
  try {
    const notRunning = await refusal(Iterm2Connection.open({ socketPath, credentials: async () => null, isIterm2Running: async () => false }));
    assert.is(notRunning.reason, 'not_running');
    assert.match(notRunning.message, /iTerm2 is not running/);
    assert.ok(notRunning.message.includes(socketPath), 'names the socket');

    const apiOff = await refusal(Iterm2Connection.open({ socketPath, credentials: async () => null, isIterm2Running: async () => true }));
    assert.is(apiOff.reason, 'api_disabled');
    assert.match(apiOff.message, /Enable Python API/);
  } finally {
    dir.remove();
  }
});

test('the fake refuses a handshake iTerm2 would refuse (two subprotocols, no library version)', async () => {
  const fake = await startFakeIterm2({ allowAllApps: true });
  const attempt = (protocols: string[], headers: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket('ws://localhost/', protocols, { headers, createConnection: () => net.connect(fake.socketPath) });
      ws.on('unexpected-response', (request, response) => {
        request.destroy();
        resolve(response.statusCode ?? 0);
      });
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
      ws.on('error', () => undefined);
    });
  try {
    const headers = handshakeHeaders('zoro', null);
    assert.is(await attempt(['api.iterm2.com', 'other'], headers), 400);
    const { 'x-iterm2-library-version': _, ...withoutVersion } = headers;
    assert.is(await attempt(['api.iterm2.com'], withoutVersion), 400);
    assert.is(await attempt(['api.iterm2.com'], { ...headers, origin: 'http://evil.example/' }), 400);
    assert.is(await attempt(['api.iterm2.com'], headers), 101);
  } finally {
    await fake.close();
  }
});

test('default credentials: ITERM2_COOKIE once, then a fresh cookie from osascript each time', async () => {
  const scripts: string[] = [];
  let issued = 0;
  const source = defaultCredentialSource({
    env: { ITERM2_COOKIE: 'from-env', ITERM2_KEY: 'env-key' },
    runOsascript: async (script) => {
      scripts.push(script);
      issued += 1;
      return `cookie${issued} key${issued}\n`;
    },
  });
  assert.equal(await source({ reason: 'connect' }), { cookie: 'from-env', key: 'env-key' });
  assert.equal(await source({ reason: 'unauthorized' }), { cookie: 'cookie1', key: 'key1' });
  assert.equal(await source({ reason: 'connect' }), { cookie: 'cookie2', key: 'key2' });
  assert.is(scripts[0], 'tell application "iTerm2" to request cookie and key for app named "zoro"\n');
});

test('default credentials off macOS: no osascript means no cookie, and the reason is reported', async () => {
  const failures: string[] = [];
  const source = defaultCredentialSource({
    env: {},
    runOsascript: async () => {
      throw new Error('/usr/bin/osascript failed: spawn /usr/bin/osascript ENOENT');
    },
    onFailure: (message) => failures.push(message),
  });
  assert.is(await source({ reason: 'connect' }), null);
  assert.match(failures[0] ?? '', /ENOENT/);
});

test.run();
