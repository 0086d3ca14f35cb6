import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFile, chmod, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { projectRoot } from '../../../lib/self.js';
import { createFileStore, StoreError, type Store } from '../../../adapters/store/index.js';
import { fileSubject, memorySubject, quiet, tempDir, ticket, type Place, type Subject } from './fixtures/places.js';

async function opened(place: Place): Promise<Store> {
  const store = place.open();
  await store.load();
  return store;
}

// ---- The contract: the same sentences hold for the file store and its memory twin. ----

function contract(subject: Subject): void {
  const it = (name: string, body: (place: Place) => Promise<void>) =>
    test(`${subject.name}: ${name}`, async () => {
      const place = await subject.fresh();
      try {
        await body(place);
      } finally {
        await place.dispose();
      }
    });

  it('an empty data_dir loads as no tickets, no sessions, no journal and event seq 1', async (place) => {
    const store = place.open();
    assert.equal(await store.load(), { tickets: [], sessions: [], journal: [], next_seq: 1, next_ticket_seq: 1 });
    await store.close();
  });

  it('load after close gives back the same tickets, sessions, journal and event seq', async (place) => {
    const store = await opened(place);
    const one = ticket('1', { status: 'dispatched', session: 'api', attempts: 2, snapshot: { value: 'dispatched', context: { n: 1 } } });
    const two = ticket('2', { depends_on: ['1'], signal_history: [{ exit_code: 1, at: 'then', output_tail: 'boom' }] });
    store.putTicket(one);
    store.putTicket(two);
    store.putSession({ name: 'api', state: 'BUSY', ticket: '1', claude_session_id: 'abc' });
    await store.journalBegin({ id: 'prompt:1:2', kind: 'prompt', ticket: '1', session: 'api', attempt: 2, at: 'now' });
    store.append({ type: 'ticket.dispatched', ticket: '1', message: 'dispatched 1' });
    store.append({ type: 'ticket.queued', ticket: '2', message: 'queued 2' });
    await store.close();

    const again = place.open();
    const state = await again.load();
    assert.equal(state.tickets, [one, two]);
    assert.equal(state.sessions, [{ name: 'api', state: 'BUSY', ticket: '1', claude_session_id: 'abc' }]);
    assert.equal(state.journal, [{ id: 'prompt:1:2', kind: 'prompt', ticket: '1', session: 'api', attempt: 2, at: 'now', done_at: null }]);
    assert.is(state.next_seq, 3);
    assert.is(state.next_ticket_seq, 3);
    assert.equal(again.recentEvents(1).map((e) => e.message), ['queued 2']);
    assert.is(again.append({ type: 'x', message: 'third' }).seq, 3);
    await again.close();
  });

  it('finished tickets leave the live document for the archive and still come back on load', async (place) => {
    const store = await opened(place);
    const statuses = ['done', 'failed', 'escalated', 'cancelled', 'blocked', 'queued'] as const;
    statuses.forEach((status, seq) => store.putTicket(ticket(status, { status, seq })));
    await store.flush();
    assert.equal(await place.liveIds(), ['blocked', 'queued']);
    assert.is(await place.archiveLines(), 4);
    await store.close();
    const again = place.open();
    const state = await again.load();
    assert.equal(state.tickets.map((t) => t.id).sort(), ['blocked', 'cancelled', 'done', 'escalated', 'failed', 'queued']);
    await again.close();
  });

  it('a finished ticket stays live while a journal entry for it is open', async (place) => {
    const store = await opened(place);
    await store.journalBegin({ id: 'writeback:5', kind: 'writeback', ticket: '5' });
    store.putTicket(ticket('5', { status: 'done' }));
    await store.flush();
    assert.equal(await place.liveIds(), ['5']);
    await store.journalEnd('writeback:5');
    await store.flush();
    assert.equal(await place.liveIds(), []);
    await store.close();
  });

  it('a retried ticket comes back from the archive and the newest record wins', async (place) => {
    const store = await opened(place);
    store.putTicket(ticket('3', { status: 'failed', attempts: 1 }));
    await store.flush();
    store.putTicket(ticket('3', { status: 'queued', attempts: 1, feedback: 'try again' }));
    await store.close();
    const again = place.open();
    const [back] = (await again.load()).tickets;
    assert.is(back?.status, 'queued');
    assert.is(back?.feedback, 'try again');
    assert.equal(await place.liveIds(), ['3']);
    await again.close();
  });

  it('a ticket finished, reopened and finished again the same way ends finished', async (place) => {
    const done = ticket('9', { status: 'done' });
    const store = await opened(place);
    store.putTicket(done);
    await store.flush();
    store.putTicket({ ...done, status: 'queued' });
    await store.flush();
    store.putTicket(done);
    await store.close();
    const again = place.open();
    assert.equal((await again.load()).tickets, [done]);
    await again.close();
  });

  it('putting an unchanged archived ticket again writes nothing new', async (place) => {
    const done = ticket('8', { status: 'done' });
    const store = await opened(place);
    store.putTicket(done);
    await store.close();
    const again = place.open();
    const [loaded] = (await again.load()).tickets;
    again.putTicket(loaded!);
    await again.close();
    assert.is(await place.archiveLines(), 1);
  });

  it('an open journal entry survives a crash: restart finds it open', async (place) => {
    const store = await opened(place);
    store.putTicket(ticket('4', { status: 'dispatched' }));
    await store.journalBegin({ id: 'prompt:4:1', kind: 'prompt', ticket: '4', attempt: 1 });
    // The crash: no journalEnd, no close; a new store on the same place.
    const restarted = place.open();
    const state = await restarted.load();
    assert.equal(state.journal.map((e) => [e.id, e.done_at]), [['prompt:4:1', null]]);
    assert.is(state.tickets[0]?.status, 'dispatched');
    await restarted.close();
    await store.close(); // only to release its files
  });

  it('beginning an open journal entry again is refused; ending an unknown one does nothing', async (place) => {
    const store = await opened(place);
    await store.journalBegin({ id: 'prompt:1:1', kind: 'prompt', ticket: '1' });
    try {
      await store.journalBegin({ id: 'prompt:1:1', kind: 'prompt', ticket: '1' });
      assert.unreachable('a second begin must throw');
    } catch (error) {
      assert.match(String(error), /already open/);
    }
    await store.journalEnd('never-begun');
    await store.journalEnd('prompt:1:1');
    await store.journalEnd('prompt:1:1');
    await store.close();
    const again = place.open();
    assert.equal((await again.load()).journal, []);
    await again.close();
  });

  it('event seq keeps counting across restarts and recentEvents gives the last n', async (place) => {
    for (let run = 0; run < 3; run++) {
      const store = await opened(place);
      for (let i = 0; i < 5; i++) store.append({ type: 'tick', message: `run ${run} event ${i}` });
      await store.close();
    }
    const store = place.open();
    assert.is((await store.load()).next_seq, 16);
    assert.equal(store.recentEvents(2).map((e) => e.seq), [14, 15]);
    assert.equal(store.recentEvents(0), []);
    await store.close();
  });

  it('secrets in an event are redacted before they are stored', async (place) => {
    const store = await opened(place);
    const event = store.append({
      type: 'provider.polled',
      message: 'GET with Authorization: Bearer abcdef1234567890 and ghp_abcdefghijklmnopqrstuvwxyz0123',
      data: { api_token: 'x1', nested: { password: 'p', count: 2 }, url: 'https://h/?access_token=s3cret' },
    });
    assert.equal(event.data, { api_token: '[redacted]', nested: { password: '[redacted]', count: 2 }, url: 'https://h/?access_token=[redacted]' });
    assert.not.match(event.message, /abcdef1234567890|ghp_/);
    await store.close();
    const again = await opened(place);
    assert.equal(again.recentEvents(1), [event]);
    await again.close();
  });

  it('is used only between load and close', async (place) => {
    const store = place.open();
    assert.throws(() => store.putTicket(ticket('1')), /before load/);
    await store.load();
    try {
      await store.load();
      assert.unreachable('load twice must throw');
    } catch (error) {
      assert.match(String(error), /already called/);
    }
    assert.throws(() => store.putTicket({ ...ticket('1'), status: 'nope' as 'done' }), /status "nope"/);
    await store.close();
    assert.throws(() => store.append({ type: 'x', message: 'late' }), /after close/);
  });
}

contract(fileSubject);
contract(memorySubject);

// ---- The file store alone: what a real disk and real crashes do. ----

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const root = await tempDir();
  try {
    await body(join(root, '.zoro'));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test('a corrupt state.json is a clear error naming the file, and nothing is lost', () =>
  withDir(async (dir) => {
    const store = createFileStore({ ...quiet, dir });
    await store.load();
    store.putTicket(ticket('1'));
    await store.flush();
    store.putTicket(ticket('2'));
    await store.close();
    const state = join(dir, 'state.json');
    const good = await readFile(state, 'utf8');
    const truncated = good.slice(0, good.length / 2);
    await writeFile(state, truncated);

    const error = await createFileStore({ ...quiet, dir }).load().then(
      () => null,
      (e: unknown) => e,
    );
    assert.instance(error, StoreError);
    assert.is((error as StoreError).file, state);
    assert.match((error as StoreError).message, /not valid JSON/);
    assert.match((error as StoreError).message, /state\.json\.bak/);
    assert.is(await readFile(state, 'utf8'), truncated, 'the damaged file is left as it was');
    const backup = JSON.parse(await readFile(`${state}.bak`, 'utf8')) as { tickets: Record<string, unknown> };
    assert.equal(Object.keys(backup.tickets), ['1'], 'the previous good copy is kept');
  }));

test('a hand-edited state.json that is JSON but not zoro state is refused, not overwritten', () =>
  withDir(async (dir) => {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'state.json'), '{"tickets": []}');
    const error = await createFileStore({ ...quiet, dir }).load().catch((e: unknown) => e);
    assert.instance(error, StoreError);
    assert.match(String(error), /state\.json: is not a zoro state file/);
    assert.is(await readFile(join(dir, 'state.json'), 'utf8'), '{"tickets": []}');
  }));

test('a truncated last JSONL line is skipped with a warning and earlier lines are kept', () =>
  withDir(async (dir) => {
    const store = createFileStore({ ...quiet, dir });
    await store.load();
    store.putTicket(ticket('1', { status: 'done' }));
    for (let i = 1; i <= 3; i++) store.append({ type: 'tick', message: `event ${i}` });
    await store.close();
    // A crash mid-append: half a line, no newline.
    await appendFile(join(dir, 'events.jsonl'), '{"seq":4,"at":"x","type":"ti');
    await appendFile(join(dir, 'tickets-archive.jsonl'), '{"rev":9,"ticket":{"id":"2"');

    const warnings: string[] = [];
    const again = createFileStore({ dir, log: (_level, message) => warnings.push(message) });
    const state = await again.load();
    assert.equal(state.tickets.map((t) => t.id), ['1']);
    assert.is(state.next_seq, 4);
    assert.is(warnings.length, 2);
    assert.ok(warnings.some((w) => /events\.jsonl: the last line was cut off/.test(w)));
    assert.ok(warnings.some((w) => /tickets-archive\.jsonl: the last line was cut off/.test(w)));
    again.append({ type: 'tick', message: 'event 4' });
    await again.close();
    const lines = (await readFile(join(dir, 'events.jsonl'), 'utf8')).trimEnd().split('\n');
    assert.equal(lines.map((line) => (JSON.parse(line) as { seq: number }).seq), [1, 2, 3, 4]);
  }));

test('an archive line newer than state.json wins: a crash fell between the two writes', () =>
  withDir(async (dir) => {
    const store = createFileStore({ ...quiet, dir });
    await store.load();
    store.putTicket(ticket('7', { status: 'reviewing' }));
    await store.close();
    const done = ticket('7', { status: 'done', summary: 'finished' });
    await appendFile(join(dir, 'tickets-archive.jsonl'), `${JSON.stringify({ rev: 1000, ticket: done })}\n`);

    const again = createFileStore({ ...quiet, dir });
    assert.equal((await again.load()).tickets, [done]);
    again.putTicket(ticket('8'));
    await again.close();
    const doc = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as { tickets: Record<string, unknown> };
    assert.equal(Object.keys(doc.tickets), ['8'], 'the stale live copy is not written back');
  }));

test('data_dir is 0700 and every file in it 0600, even where it existed wider before', () =>
  withDir(async (dir) => {
    await mkdir(dir, { recursive: true, mode: 0o755 });
    await chmod(dir, 0o755);
    const store = createFileStore({ ...quiet, dir });
    await store.load();
    store.putTicket(ticket('1', { status: 'done' }));
    store.putTicket(ticket('2'));
    store.append({ type: 'tick', message: 'one' });
    await store.flush();
    store.putTicket(ticket('3'));
    await store.flush();
    assert.is((await stat(dir)).mode & 0o777, 0o700);
    const files = (await readdir(dir)).sort();
    assert.equal(files, ['events.jsonl', 'state.json', 'state.json.bak', 'tickets-archive.jsonl', 'zoro.lock']);
    for (const file of files) assert.is((await stat(join(dir, file))).mode & 0o777, 0o600, file);
    await store.close();
    assert.not.ok((await readdir(dir)).includes('zoro.lock'), 'close releases the lock');
  }));

test('a data_dir in use by another live zoro is refused, naming its pid', () =>
  withDir(async (dir) => {
    await mkdir(dir, { recursive: true });
    // The parent of this test process is alive and is not us.
    await writeFile(join(dir, 'zoro.lock'), `${process.ppid}\n`);
    const error = await createFileStore({ ...quiet, dir }).load().catch((e: unknown) => e);
    assert.instance(error, StoreError);
    assert.match(String(error), new RegExp(`in use by another zoro \\(pid ${process.ppid}\\)`));
  }));

function crashWriterCommand(dir: string): string[] {
  const fromSource = import.meta.url.endsWith('.ts');
  return fromSource
    ? ['--import', 'tsx', join(projectRoot, 'specs/adapters/store/fixtures/crash-writer.ts'), dir]
    : [join(projectRoot, 'dist/specs/adapters/store/fixtures/crash-writer.js'), dir];
}

test('a writer killed with SIGKILL mid-writes leaves a consistent state that loads and goes on', () =>
  withDir(async (dir) => {
    const child = spawn(process.execPath, crashWriterCommand(dir), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, 'exit');
    let acknowledged = 0;
    for await (const line of createInterface({ input: child.stdout })) {
      acknowledged = Number(line.replace('flushed ', ''));
      if (acknowledged >= 40) break;
    }
    assert.ok(acknowledged >= 40, `the writer stopped early: ${stderr}`);
    child.kill('SIGKILL');
    const [, signal] = await exited;
    assert.is(signal, 'SIGKILL');

    const warnings: string[] = [];
    const store = createFileStore({ dir, log: (_level, message) => warnings.push(message) });
    const state = await store.load();
    const byId = new Map(state.tickets.map((t) => [t.id, t]));
    assert.ok(byId.get('counter')!.attempts >= acknowledged, 'everything flushed before the kill is there');
    for (let i = 1; i <= acknowledged; i++) {
      const expected = i % 3 === 0 ? 'dispatched' : i % 2 ? 'done' : 'queued';
      assert.is(byId.get(`t${i}`)?.status, expected, `t${i}`);
    }
    assert.ok(state.journal.length <= 1, 'at most the entry in flight at the kill is open');
    for (const entry of state.journal) assert.match(entry.id, /^prompt:\d+$/);
    const events = (await readFile(join(dir, 'events.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as { seq: number });
    assert.ok(events.length >= acknowledged * 20);
    events.forEach((event, index) => assert.is(event.seq, index + 1, 'seqs are contiguous, none doubled'));
    assert.ok(state.next_seq > events.length);

    // It goes on: a write after the crash lands and loads back.
    store.putTicket(ticket('after', { seq: 10_000 }));
    await store.close();
    const last = createFileStore({ ...quiet, dir });
    assert.ok((await last.load()).tickets.some((t) => t.id === 'after'));
    await last.close();
    assert.equal(warnings.filter((w) => !/cut off/.test(w)), [], 'only a cut-off last line may be reported');
  }));

test.run();
