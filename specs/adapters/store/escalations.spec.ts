import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, readdir, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { escalationFileName, listEscalations, writeEscalation, type EscalationRecord } from '../../../adapters/store/index.js';
import { tempDir, ticket } from './fixtures/places.js';

function record(id: string, overrides: Partial<EscalationRecord['ticket']> = {}): EscalationRecord {
  return {
    kind: 'signal_failed',
    escalated_at: '2025-03-01T10:00:00.000Z',
    last_reason: 'signal_cmd failed 5 times',
    ticket: {
      ...ticket(id, {
        title: 'Add the login page',
        signal_cmd: 'npm test -- login',
        summary: 'Added the page; tests still fail on CI.',
        review_history: [{ verdict: 'FAIL', reason: 'no error message on a bad password', at: '2025-03-01T09:00:00.000Z' }],
        signal_history: [
          { exit_code: 1, at: '2025-03-01T09:10:00.000Z', output_tail: 'FAIL login.spec.ts\n  expected 200, got 500' },
          { exit_code: 2, at: '2025-03-01T09:20:00.000Z', output_tail: 'Error: cannot find module' },
        ],
      }),
      ...overrides,
    },
  };
}

async function withDataDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await tempDir('zoro-escalations-');
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Lines of `markdown` that sit inside a fenced code block (CommonMark fence rules). */
function fencedLines(markdown: string): Set<number> {
  const inside = new Set<number>();
  let open: string | null = null;
  markdown.split('\n').forEach((line, index) => {
    const fence = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (open === null) {
      if (fence) open = fence;
    } else if (fence && fence[0] === open[0] && fence.length >= open.length && line.trim() === fence) {
      open = null;
    } else {
      inside.add(index);
    }
  });
  return inside;
}

test('a numeric ticket gets a zero-padded file name, any other id a slug with a hash', () => {
  assert.is(escalationFileName('7'), 'task-0007.md');
  assert.is(escalationFileName('12345'), 'task-12345.md');
  assert.match(escalationFileName('owner/repo#12'), /^task-owner-repo-12-[0-9a-f]{8}\.md$/);
  assert.is.not(escalationFileName('a/b'), escalationFileName('a-b'));
  assert.match(escalationFileName('../../etc/passwd'), /^task-etc-passwd-[0-9a-f]{8}\.md$/);
});

test('the escalation file says what happened: kind, time, reason, title, signal_cmd, summary, reviews and every signal attempt', () =>
  withDataDir(async (dir) => {
    const path = await writeEscalation(dir, record('7'));
    assert.is(path, join(dir, 'escalations', 'task-0007.md'));
    const text = await readFile(path, 'utf8');
    for (const expected of [
      '- kind: `signal_failed`',
      '- escalated_at: `2025-03-01T10:00:00.000Z`',
      '- last_reason: `signal_cmd failed 5 times`',
      '- title: `Add the login page`',
      '- signal_cmd: `npm test -- login`',
      'Added the page; tests still fail on CI.',
      '### Review 1: FAIL at `2025-03-01T09:00:00.000Z`',
      'no error message on a bad password',
      '### Attempt 1: exit 1 at `2025-03-01T09:10:00.000Z`',
      '  expected 200, got 500',
      '### Attempt 2: exit 2 at `2025-03-01T09:20:00.000Z`',
    ]) {
      assert.ok(text.includes(expected), `missing: ${expected}`);
    }
  }));

test('ticket and agent text cannot break out of its block or inject markdown, HTML or escapes', () =>
  withDataDir(async (dir) => {
    const hostile = '```\n# Injected heading\n````\n<script>alert(1)</script>\n\x1b[31mred\x1b[0m\x07';
    const path = await writeEscalation(dir, {
      ...record('8', {
        title: 'Title with `backticks` and <img src=x onerror=alert(1)> --> end',
        summary: hostile,
        signal_history: [{ exit_code: 1, at: 'now', output_tail: hostile }],
        review_history: [{ verdict: 'FAIL', reason: hostile, at: 'now' }],
      }),
    });
    const text = await readFile(path, 'utf8');
    const inside = fencedLines(text);
    text.split('\n').forEach((line, index) => {
      if (/# Injected heading|<script>/.test(line)) assert.ok(inside.has(index), `line ${index + 1} escaped its block: ${line}`);
    });
    assert.not.match(text, /\x1b|\x07/);
    assert.ok(text.includes('red'), 'the text itself stays, only the escape sequences go');
    assert.ok(text.includes('- title: ``Title with `backticks` and <img src=x onerror=alert(1)> --> end``'));
    const [listed] = await listEscalations(dir);
    assert.is(listed?.title, 'Title with `backticks` and <img src=x onerror=alert(1)> --> end', 'the header comment survives -->');
  }));

test('escalations are listed until a human removes the file', () =>
  withDataDir(async (dir) => {
    assert.equal(await listEscalations(dir), [], 'no escalations directory yet is an empty list');
    await writeEscalation(dir, record('2'));
    await writeEscalation(dir, { ...record('10'), kind: 'unreachable' });
    const listed = await listEscalations(dir);
    assert.equal(
      listed.map((e) => [e.file, e.ticket, e.kind, e.escalated_at]),
      [
        ['task-0002.md', '2', 'signal_failed', '2025-03-01T10:00:00.000Z'],
        ['task-0010.md', '10', 'unreachable', '2025-03-01T10:00:00.000Z'],
      ],
    );
    await unlink(listed[0]!.path);
    assert.equal((await listEscalations(dir)).map((e) => e.ticket), ['10']);
  }));

test('escalating the same ticket again replaces its file atomically, 0600 in a 0700 directory', () =>
  withDataDir(async (dir) => {
    await writeEscalation(dir, record('3'));
    const path = await writeEscalation(dir, { ...record('3'), last_reason: 'review failed 3 times', kind: 'review_failed' });
    assert.match(await readFile(path, 'utf8'), /last_reason: `review failed 3 times`/);
    assert.equal(await readdir(join(dir, 'escalations')), ['task-0003.md'], 'no temp file left behind');
    assert.is((await stat(path)).mode & 0o777, 0o600);
    assert.is((await stat(join(dir, 'escalations'))).mode & 0o777, 0o700);
  }));

test('a ticket with no signal_cmd, summary or history still reads clearly', () =>
  withDataDir(async (dir) => {
    const path = await writeEscalation(dir, record('4', { signal_cmd: null, summary: null, signal_history: [], review_history: [] }));
    const text = await readFile(path, 'utf8');
    assert.ok(text.includes('- signal_cmd: (none)'));
    assert.ok(text.includes('(no reviews)'));
    assert.ok(text.includes('(no signal_cmd runs)'));
  }));

test.run();
