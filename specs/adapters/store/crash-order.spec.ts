/**
 * What is on disk at any instant, for a crash to find: the event log never runs ahead of
 * the state document, and a journal entry is never durable without the change that caused
 * it (both made in the same task, as the orchestrator makes them).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createFileStore, createMemoryDisk, createMemoryStore } from '../../../adapters/store/index.js';
import { quiet, tempDir, ticket } from './fixtures/places.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

test('an event reaches the log only after the state write that holds the change it tells of', async () => {
  const disk = createMemoryDisk();
  const store = createMemoryStore(disk, { ...quiet, writeDelayMs: 5 });
  await store.load();
  // As the orchestrator does it: the event first, the ticket's new status in the same task.
  store.append({ type: 'ticket.dispatched', ticket: '1', message: '1 → api' });
  store.putTicket(ticket('1', { status: 'dispatched', session: 'api', attempts: 1 }));
  await tick();
  assert.is(disk.events.length, 0, 'not before the state is saved');
  for (let i = 0; i < 50 && disk.events.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.is(disk.events.length, 1);
  const doc = JSON.parse(disk.state!) as { tickets: Record<string, { ticket: { status: string } }> };
  assert.is(doc.tickets['1']!.ticket.status, 'dispatched');
  await store.close();
});

test('a journal entry is written together with the change made after it in the same task', async () => {
  const disk = createMemoryDisk();
  const store = createMemoryStore(disk, { ...quiet, writeDelayMs: 60_000 });
  await store.load();
  const begun = store.journalBegin({ id: 'prompt:1:1', kind: 'prompt', ticket: '1', session: 'api', attempt: 1 });
  store.putTicket(ticket('1', { status: 'dispatched', session: 'api', attempts: 1 }));
  await begun;
  const doc = JSON.parse(disk.state!) as { tickets: Record<string, { ticket: { status: string } }>; journal: { id: string }[] };
  assert.equal(
    doc.journal.map((e) => e.id),
    ['prompt:1:1'],
  );
  assert.is(doc.tickets['1']!.ticket.status, 'dispatched');
  await store.close();
});

test('flush and close write every held event, in order', async () => {
  const dir = await tempDir();
  try {
    const store = createFileStore({ ...quiet, dir, writeDelayMs: 60_000 });
    await store.load();
    for (let i = 1; i <= 5; i++) store.append({ type: 'tick', message: `event ${i}` });
    store.putTicket(ticket('1'));
    await store.close();
    const lines = (await readFile(join(dir, 'events.jsonl'), 'utf8')).trimEnd().split('\n');
    assert.equal(
      lines.map((l) => (JSON.parse(l) as { message: string }).message),
      ['event 1', 'event 2', 'event 3', 'event 4', 'event 5'],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
