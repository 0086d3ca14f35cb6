/**
 * tmux control mode, both directions: pane output decoded from `%output` lines, and text
 * quoted for a control client's command line, checked against a real tmux server.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ControlClient } from '../adapters/terminals/tmux/control.js';
import { quoteTmuxArgument, tmux } from '../adapters/terminals/tmux/exec.js';
import { TmuxPane, type PaneHost } from '../adapters/terminals/tmux/pane.js';
import { parseControlLine } from '../adapters/terminals/tmux/protocol.js';

/** What tmux does to pane output: bytes below 0x20 and `\` become `\ooo`. */
function escapeLikeTmux(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (const byte of bytes) {
    parts.push(byte < 0x20 || byte === 0x5c ? Buffer.from(`\\${byte.toString(8).padStart(3, '0')}`) : Buffer.from([byte]));
  }
  return Buffer.concat(parts);
}

const outputLine = (pane: string, bytes: Buffer) => Buffer.concat([Buffer.from(`%output ${pane} `), escapeLikeTmux(bytes)]);

test('any bytes survive tmux escaping and %output decoding', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (raw) => {
      const parsed = parseControlLine(outputLine('%7', Buffer.from(raw)));
      assert.is(parsed.kind, 'output');
      if (parsed.kind !== 'output') return;
      assert.is(parsed.pane, '%7');
      assert.ok(parsed.data.equals(Buffer.from(raw)));
    }),
  );
});

test('%extended-output carries its value after " : "', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(99_999), (raw, age) => {
      const line = Buffer.concat([Buffer.from(`%extended-output %3 ${age} : `), escapeLikeTmux(Buffer.from(raw))]);
      const parsed = parseControlLine(line);
      assert.ok(parsed.kind === 'output' && parsed.pane === '%3' && parsed.data.equals(Buffer.from(raw)));
    }),
  );
});

test('text split anywhere across %output lines reaches the listener whole, in order', () => {
  const host: PaneHost = {
    run: () => Promise.reject(new Error('not used')),
    release: () => Promise.resolve(),
    bufferName: () => 'unused',
  };
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.array(fc.nat(800), { maxLength: 6 }), (text, cuts) => {
      const bytes = Buffer.from(text, 'utf8');
      const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
      const pane = new TmuxPane('%1', '@1', '$1', host, null);
      let received = '';
      pane.onOutput((chunk) => (received += chunk));
      let from = 0;
      for (const point of [...points, bytes.length]) {
        const parsed = parseControlLine(outputLine('%1', bytes.subarray(from, point)));
        if (parsed.kind === 'output') pane.receive(parsed.data);
        from = point;
      }
      assert.is(received, Buffer.from(text, 'utf8').toString('utf8'));
    }),
  );
});

test('quoted text reaches tmux unchanged ($, ~, #, ;, quotes, newlines, escapes, emoji)', async () => {
  const server = { binary: 'tmux', socketName: `zoro-prop-${process.pid}` };
  await tmux(server, ['new-session', '-d', '-s', 'prop', 'sleep', '600']);
  const { client } = await ControlClient.open({ server, target: '=prop:', flags: 'ignore-size', commandTimeoutMs: 5000 });
  const tricky = fc.constantFrom('$HOME', '${HOME}', '~', '~/x', '#', '#{pane_id}', ';', ' ; ', '\\;', '{', '}', '"', "'", '\\', '\n', '\r', '\t', '\x1b[31m', '\x7f', '%', '%if', ' ');
  const text = fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), tricky), { minLength: 1, maxLength: 8 })
    .map((parts) => parts.join(''))
    .filter((value) => value !== '' && !value.includes('\0'));
  try {
    await fc.assert(
      fc.asyncProperty(text, async (value) => {
        await client.run(['set-buffer', '-b', 'prop', value]);
        const stored = await tmux(server, ['save-buffer', '-b', 'prop', '-']);
        assert.is(stored, value, `quoted as ${quoteTmuxArgument(value)}`);
      }),
      { numRuns: 150 },
    );
  } finally {
    await client.close();
    await tmux(server, ['kill-server']);
  }
});

test.run();
