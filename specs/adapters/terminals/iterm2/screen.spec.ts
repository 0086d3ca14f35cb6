import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { attachedTab, countReady } from './helpers.js';

const world = () => attachedTab({ agent: false });

test('a burst of 500 screen updates costs a handful of buffer fetches, and every line arrives once', async () => {
  const { fake, output, done } = await world();
  try {
    const session = fake.sessions[0]!;
    const before = fake.stats.getBuffer;
    for (let i = 0; i < 500; i++) session.output(`progress line ${i}\n`);
    await output.until((text) => text.includes('progress line 499\n'), 'the last line of the burst');
    const fetches = fake.stats.getBuffer - before;
    console.log(`  500 screen updates → ${fetches} GetBuffer requests`);
    assert.ok(fetches <= 6, `expected at most a handful of fetches, got ${fetches}`);
    const lines = output.lines();
    assert.is(lines.length, 500, 'lines that scrolled past between two fetches are fetched too');
    lines.forEach((line, i) => assert.is(line, `progress line ${i}`));
  } finally {
    await done();
  }
});

test('what was on the screen at attach is not output', async () => {
  const { fake, output, done } = await world();
  try {
    fake.sessions[0]!.output('new work\n');
    await output.until((text) => text.includes('new work'), 'the new line');
    assert.not.match(output.text, /Last login/);
  } finally {
    await done();
  }
});

test('a ready signal that appears on the screen is emitted exactly once, as its own line', async () => {
  const { fake, output, done } = await world();
  try {
    const session = fake.sessions[0]!;
    session.output('editing files\nREADY FOR ');
    await output.until((text) => text.includes('editing files'), 'the first line');
    session.output('NEW TASKS\n> ');
    await output.until((text) => countReady(text) === 1, 'the signal');
    session.output('more\n');
    session.output('still more\n');
    await output.until((text) => text.includes('still more'), 'later output');
    assert.is(countReady(output.text), 1);
    assert.ok(output.lines().includes('READY FOR NEW TASKS'), 'emitted whole, never in pieces');

    // Half-written text under the cursor is never emitted: "READY FOR NEW TASKS." is not the signal.
    session.output('READY FOR NEW TASKS');
    session.output('.\n');
    await output.until((text) => text.includes('READY FOR NEW TASKS.\n'), 'the sentence');
    assert.is(countReady(output.text), 1);

    // The same signal printed again later, on a new line, is a second signal.
    session.output('READY FOR NEW TASKS\n');
    await output.until((text) => countReady(text) === 2, 'the second signal');
  } finally {
    await done();
  }
});

test('capture returns the screen with scrollback as plain lines, wrapped lines joined', async () => {
  const { fake, terminal, done } = await world();
  try {
    const session = fake.sessions[0]!;
    for (let i = 0; i < 40; i++) session.output(`row ${i}\n`);
    session.output(`${'x'.repeat(100)}\n> `);
    const lines = await terminal.capture(60);
    assert.is(lines[lines.length - 2], 'x'.repeat(100));
    assert.is(lines[lines.length - 1], '>');
    assert.ok(lines.includes('row 0'), 'scrollback is included');
  } finally {
    await done();
  }
});

test.run();
