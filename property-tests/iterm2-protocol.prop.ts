import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as api from '../adapters/terminals/iterm2/api.js';
import { Iterm2Error } from '../adapters/terminals/iterm2/errors.js';
import {
  decodeClientMessage,
  decodeServerMessage,
  encodeClientMessage,
  encodeServerMessage,
  NotificationType,
  type Iterm2Request,
  type ServerMessage,
} from '../adapters/terminals/iterm2/protocol.js';
import { createIterm2Runtime } from '../adapters/terminals/iterm2/runtime.js';
import { startFakeIterm2 } from '../specs/fakes/iterm2/index.js';

/** Drops unset fields and empty repeated fields: protobuf does not tell them apart. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))
      .map(([k, v]) => [k, canonical(v)]);
    return Object.fromEntries(entries);
  }
  return value;
}

const text = fc.string({ unit: 'binary', maxLength: 60 });
const id = fc.integer({ min: 1, max: 2 ** 40 });
const row = fc.integer({ min: 0, max: 2 ** 40 });

/** Every request the client's calls build, captured instead of sent. */
const clientRequest: fc.Arbitrary<Iterm2Request> = fc
  .oneof(
    fc.constant((c: api.Iterm2Requester) => api.listSessions(c)),
    fc.tuple(text, fc.array(text, { maxLength: 4 })).map(([s, names]) => (c: api.Iterm2Requester) => api.getVariables(c, s, names)),
    fc.tuple(text, text, fc.jsonValue()).map(([s, n, v]) => (c: api.Iterm2Requester) => api.setVariable(c, s, n, v)),
    fc
      .tuple(text, fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }), fc.option(fc.tuple(row, row), { nil: undefined }))
      .map(([s, trailingLines, rows]) => (c: api.Iterm2Requester) => api.getScreen(c, s, { trailingLines, rows: rows && { from: rows[0], to: rows[1] } })),
    fc.tuple(text, text).map(([s, t]) => (c: api.Iterm2Requester) => api.sendText(c, s, t)),
    fc
      .tuple(fc.constantFrom(...Object.values(NotificationType)), fc.option(text, { nil: undefined }), fc.option(fc.tuple(text, text), { nil: undefined }))
      .map(([type, session, variable]) => (c: api.Iterm2Requester) =>
        api.subscribe(c, type, { session, variable: variable && { name: variable[0], identifier: variable[1] } }),
      ),
    fc.tuple(text, text).map(([cwd, commandLine]) => (c: api.Iterm2Requester) => api.createTab(c, { cwd, commandLine })),
    fc.tuple(text, text).map(([s, n]) => (c: api.Iterm2Requester) => api.setSessionName(c, s, n)),
    text.map((s) => (c: api.Iterm2Requester) => api.closeSession(c, s)),
  )
  .map((call) => {
    let captured: Iterm2Request | null = null;
    void call({
      request: async (request) => {
        captured = request;
        throw new Error('captured, not sent');
      },
    }).catch(() => undefined);
    if (!captured) throw new Error('the call built no request');
    return captured;
  });

/** What iTerm2 (and the fake) send. */
const serverMessage: fc.Arbitrary<ServerMessage> = fc.oneof(
  fc.record({ id, error: text }),
  fc.record({
    id,
    getBufferResponse: fc.record({
      status: fc.constantFrom(0, 1, 2, 3),
      contents: fc.array(fc.record({ text, continuation: fc.constantFrom(1, 2) }), { maxLength: 5 }),
      cursor: fc.record({ x: fc.integer({ min: 0, max: 500 }), y: row }),
      windowedCoordRange: fc.record({ coordRange: fc.record({ start: fc.record({ x: fc.nat(500), y: row }), end: fc.record({ x: fc.nat(500), y: row }) }) }),
    }),
  }),
  fc.record({ id, variableResponse: fc.record({ status: fc.nat(6), values: fc.array(text, { maxLength: 3 }) }) }),
  fc.record({
    id,
    listSessionsResponse: fc.record({
      windows: fc.array(
        fc.record({
          windowId: text,
          tabs: fc.array(fc.record({ tabId: text, root: fc.record({ links: fc.array(fc.record({ session: fc.record({ uniqueIdentifier: text, title: text }) }), { maxLength: 3 }) }) }), {
            maxLength: 3,
          }),
        }),
        { maxLength: 2 },
      ),
    }),
  }),
  fc.record({ id, createTabResponse: fc.record({ status: fc.nat(4), sessionId: text, tabId: fc.integer({ min: -1000, max: 1000 }), windowId: text }) }),
  fc.record({ notification: fc.record({ screenUpdateNotification: fc.record({ session: text }) }) }),
  fc.record({ notification: fc.record({ newSessionNotification: fc.record({ sessionId: text }) }) }),
  fc.record({ notification: fc.record({ terminateSessionNotification: fc.record({ sessionId: text }) }) }),
  fc.record({ notification: fc.record({ variableChangedNotification: fc.record({ scope: fc.constantFrom(1, 2, 3, 4), identifier: text, name: text, jsonNewValue: text }) }) }),
);

test('every request the client builds round-trips through encode and decode', () => {
  fc.assert(
    fc.property(id, clientRequest, (messageId, request) => {
      const message = { id: messageId, ...request };
      assert.equal(canonical(decodeClientMessage(encodeClientMessage(message))), canonical(message));
    }),
    { numRuns: 500 },
  );
});

test('every server message round-trips through encode and decode', () => {
  fc.assert(
    fc.property(serverMessage, (message) => {
      assert.equal(canonical(decodeServerMessage(encodeServerMessage(message))), canonical(message));
    }),
    { numRuns: 500 },
  );
});

/** Random bytes, and valid frames with a few bytes changed or cut. */
const hostileFrame = fc.oneof(
  fc.uint8Array({ maxLength: 80 }),
  fc
    .tuple(serverMessage, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat())
    .map(([message, flips, cut]) => {
      const bytes = Uint8Array.from(encodeServerMessage(message));
      for (const [at, value] of flips) if (bytes.length > 0) bytes[at % bytes.length] = value;
      return bytes.slice(0, bytes.length === 0 ? 0 : bytes.length - (cut % Math.max(1, bytes.length)));
    }),
);

test('decoding any bytes gives a message or a protocol error, never anything else', () => {
  fc.assert(
    fc.property(hostileFrame, (bytes) => {
      try {
        decodeServerMessage(bytes);
      } catch (error) {
        assert.instance(error, Iterm2Error);
        assert.is((error as Iterm2Error).reason, 'protocol');
      }
    }),
    { numRuns: 2000 },
  );
});

test('a hostile frame from iTerm2 never crashes zoro: it is ignored or the connection drops with a clear error', async () => {
  const fake = await startFakeIterm2({ allowAllApps: true, sessions: [{ cwd: process.cwd() }] });
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  try {
    await fc.assert(
      fc.asyncProperty(hostileFrame, async (bytes) => {
        const runtime = createIterm2Runtime({ socketPath: fake.socketPath, credentials: async () => null, connection: { reconnect: false } });
        const drops: Iterm2Error[] = [];
        runtime.onConnection((event) => event.type === 'disconnected' && drops.push(event.error));
        try {
          await runtime.ready();
          fake.sendRaw(bytes);
          // The frame is read before the answer to this request (one ordered stream).
          await runtime.listSessions().catch((error: unknown) => assert.instance(error, Iterm2Error));
          for (const drop of drops) {
            assert.is(drop.reason, 'protocol');
            assert.match(drop.message, /not a protocol message.*dropping the connection/);
          }
        } finally {
          await runtime.dispose();
        }
      }),
      { numRuns: 60 },
    );
    assert.equal(crashes, []);
  } finally {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await fake.close();
  }
});

test.run();
