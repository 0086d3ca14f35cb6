/**
 * Does a state write grow slower as history grows? Times one state write (one live ticket
 * changed, then flush: temp file, fsync, backup, rename) with 10 live tickets, after a short
 * history (100 archived tickets, 1,000 events) and a long one (10,000 archived tickets,
 * 100,000 events), both after a restart (so load reads that history too). The baseline, in
 * the same run, is the naive design: one lowdb JSONFile holding every ticket and event.
 *
 *   npm run bench          (all benches)
 *   npx tsx bench/store.ts (this one)
 */
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { createFileStore, type PersistedTicket } from '../adapters/store/index.js';
import { newRecord } from '../machines/ingest.js';
import type { ZoroEvent } from '../lib/events.js';

const LIVE = 10;
const STORE_WRITES = 40;
const NAIVE_WRITES = 8;

interface History {
  archived: number;
  events: number;
}

export interface HistoryResult extends History {
  /** Median ms per state write, this store. */
  store_ms: number;
  /** Median ms per state write, one lowdb document holding everything. */
  naive_ms: number;
  state_bytes: number;
  naive_bytes: number;
  /** ms for load() to read this history at start-up. */
  load_ms: number;
  /** µs per event append (building, redacting, writing out), averaged over the history's events. */
  append_us: number;
}

export interface StoreBenchResult {
  bench: 'store';
  measures: string;
  live_tickets: number;
  short_history: HistoryResult;
  long_history: HistoryResult;
  /** long / short: 1.0 means a write does not grow with history. */
  store_growth: number;
  naive_growth: number;
  /** naive / store with the long history. */
  speedup_vs_naive: number;
  duration_ms: number;
}

const lorem = 'Make the login page show a clear error when the password is wrong, and log the attempt. ';

function record(n: number, finished: boolean): PersistedTicket {
  const at = new Date(Date.UTC(2025, 0, 1) + n * 1000).toISOString();
  const base = newRecord(
    { id: String(n), provider: 'plan', external_id: String(n), title: `Ticket ${n}`, description: lorem.repeat(6), context: 'project: web', project_id: 'web', signal_cmd: 'npm test', depends_on: [], url: null, updated_at: null },
    n,
    at,
  );
  if (!finished) return base;
  const tail = 'PASS login.spec.ts\n'.repeat(30);
  return {
    ...base,
    status: 'done',
    session: 'web',
    attempts: 2,
    summary: lorem.repeat(3),
    signal_history: [{ exit_code: 1, at, output_tail: tail }, { exit_code: 0, at, output_tail: tail }],
    dispatched_at: at,
    finished_at: at,
  };
}

function event(seq: number): ZoroEvent {
  return { seq, at: new Date(Date.UTC(2025, 0, 1) + seq).toISOString(), type: 'session.output', session: 'web', ticket: String(seq % 500), message: `session web printed line ${seq}`, data: { lines: seq % 7 } };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.floor(sorted.length / 2)]!.toFixed(3));
}

async function timeWrites(count: number, write: (i: number) => Promise<void>): Promise<number> {
  for (let i = 0; i < 3; i++) await write(i); // warm up
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await write(i);
    times.push(performance.now() - start);
  }
  return median(times);
}

async function measureStore(dir: string, history: History) {
  const quiet = { dir, log: () => undefined };
  const filling = createFileStore(quiet);
  await filling.load();
  for (let n = 1; n <= history.archived; n++) filling.putTicket(record(n, true));
  await filling.flush();
  const appendStart = performance.now();
  for (let seq = 1; seq <= history.events; seq++) filling.append({ type: 'session.output', session: 'web', message: `session web printed line ${seq}`, data: { lines: seq % 7 } });
  await filling.flush();
  const append_us = Number((((performance.now() - appendStart) * 1000) / history.events).toFixed(2));
  const live = Array.from({ length: LIVE }, (_, i) => record(history.archived + 1 + i, false));
  for (const ticket of live) filling.putTicket(ticket);
  await filling.close();

  const store = createFileStore(quiet);
  const loadStart = performance.now();
  await store.load();
  const load_ms = Number((performance.now() - loadStart).toFixed(1));
  const store_ms = await timeWrites(STORE_WRITES, async (i) => {
    const ticket = live[i % LIVE]!;
    ticket.attempts += 1;
    store.putTicket(ticket);
    await store.flush();
  });
  await store.close();
  return { store_ms, load_ms, append_us, state_bytes: (await stat(join(dir, 'state.json'))).size };
}

async function measureNaive(dir: string, history: History) {
  const tickets = Array.from({ length: history.archived }, (_, i) => record(i + 1, true));
  const live = Array.from({ length: LIVE }, (_, i) => record(history.archived + 1 + i, false));
  const db = new Low(new JSONFile<{ tickets: PersistedTicket[]; events: ZoroEvent[] }>(join(dir, 'db.json')), { tickets: [...tickets, ...live], events: Array.from({ length: history.events }, (_, i) => event(i + 1)) });
  await db.write();
  const naive_ms = await timeWrites(NAIVE_WRITES, async (i) => {
    live[i % LIVE]!.attempts += 1;
    await db.write();
  });
  return { naive_ms, naive_bytes: (await stat(join(dir, 'db.json'))).size };
}

async function measure(root: string, history: History): Promise<HistoryResult> {
  const name = `${history.archived}-${history.events}`;
  const ours = await measureStore(join(root, `store-${name}`), history);
  await mkdir(join(root, `naive-${name}`));
  const naive = await measureNaive(join(root, `naive-${name}`), history);
  return { ...history, ...ours, ...naive };
}

export async function benchStore(): Promise<StoreBenchResult> {
  const started = performance.now();
  const root = await mkdtemp(join(tmpdir(), 'zoro-bench-store-'));
  try {
    const short_history = await measure(root, { archived: 100, events: 1_000 });
    const long_history = await measure(root, { archived: 10_000, events: 100_000 });
    const ratio = (a: number, b: number) => Number((a / b).toFixed(2));
    return {
      bench: 'store',
      measures: `median ms per state write (one of ${LIVE} live tickets changed, then flush), after a restart`,
      live_tickets: LIVE,
      short_history,
      long_history,
      store_growth: ratio(long_history.store_ms, short_history.store_ms),
      naive_growth: ratio(long_history.naive_ms, short_history.naive_ms),
      speedup_vs_naive: ratio(long_history.naive_ms, long_history.store_ms),
      duration_ms: Math.round(performance.now() - started),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchStore(), null, 2));
}
