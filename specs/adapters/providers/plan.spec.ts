import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readFile, rename, rm, symlink, writeFile, lstat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParseError, ProviderError, UsageError } from '../../../lib/errors.js';
import { parsePlan } from '../../../adapters/providers/plan/parse.js';
import { renderPlan } from '../../../adapters/providers/plan/render.js';
import { createPlanProvider } from '../../../adapters/providers/plan/index.js';
import { watchFileChanges } from '../../../adapters/config/files.js';

const plan = (...lines: string[]): string => lines.join('\n') + '\n';
const ids = (text: string): number[] => parsePlan(text).tasks.map((task) => task.id);
const errorLines = (text: string): number[] => parsePlan(text).errors.map((error) => error.line);

// ── grammar ────────────────────────────────────────────────────────────────────────────

test('a numbered line starts a task whose id is its number', () => {
  const { tasks, errors } = parsePlan(plan('1. Build it', '7. Ship it'));
  assert.equal(errors, []);
  assert.equal(tasks, [
    { id: 1, title: 'Build it', signal_cmd: null, depends_on: [], project: null, context: '', line: 1 },
    { id: 7, title: 'Ship it', signal_cmd: null, depends_on: [], project: null, context: '', line: 2 },
  ]);
});

test('a bullet takes one more than the highest id seen so far', () => {
  assert.equal(ids(plan('- a', '* b', '10. c', '- d', '3. e', '- f')), [1, 2, 10, 11, 3, 12]);
});

test('ids are never renumbered, so depends_on points at the task the file names', () => {
  const { tasks, errors } = parsePlan(plan('5. Parent', '2. Child', '   depends_on: [5]'));
  assert.equal(errors, []);
  assert.equal(tasks.map((task) => [task.id, task.title, task.depends_on]), [[5, 'Parent', []], [2, 'Child', [5]]]);
});

test('leading spaces before the marker are allowed, and an indented marker is a new task', () => {
  const { tasks } = parsePlan(plan('  1. Outer', '     context of outer', '   - Inner'));
  assert.equal(tasks.map((task) => [task.id, task.title, task.context]), [[1, 'Outer', 'context of outer'], [2, 'Inner', '']]);
});

test('indented lines carry signal_cmd, depends_on, project and context in order', () => {
  const { tasks, errors } = parsePlan(plan(
    '1. First',
    '2. Second',
    '   first line of context',
    '   signal_cmd: npm test -- --grep "login: ok"',
    '   depends_on: [1]',
    '   project: web-app',
    '   second line of context',
  ));
  assert.equal(errors, []);
  assert.equal(tasks[1], {
    id: 2,
    title: 'Second',
    signal_cmd: 'npm test -- --grep "login: ok"',
    depends_on: [1],
    project: 'web-app',
    context: 'first line of context\nsecond line of context',
    line: 2,
  });
});

test('signal: and depends: are short forms, and depends_on may be a bare list', () => {
  const { tasks, errors } = parsePlan(plan('1. a', '2. b', '3. c', '   signal: make check', '   depends: 1, 2'));
  assert.equal(errors, []);
  assert.is(tasks[2]!.signal_cmd, 'make check');
  assert.equal(tasks[2]!.depends_on, [1, 2]);
});

test('depends_on may name a task defined further down', () => {
  const { tasks, errors } = parsePlan(plan('1. a', '   depends_on: 2', '2. b'));
  assert.equal(errors, []);
  assert.equal(tasks[0]!.depends_on, [2]);
});

test('a blank line or an unindented line ends the task', () => {
  const { tasks } = parsePlan(plan('# Plan', '1. a', '   ctx', '', '   not context: after a blank line', '2. b', 'Prose ends it.', '   not context either'));
  assert.equal(tasks.map((task) => task.context), ['ctx', '']);
});

test('CRLF line ends and tab indentation are accepted', () => {
  const { tasks, errors } = parsePlan('1.\tFirst\r\n\tsignal_cmd: make\r\n\tcontext\r\n2. Second\r\n\tdepends_on: [1]\r\n');
  assert.equal(errors, []);
  assert.equal(tasks.map((task) => [task.title, task.signal_cmd, task.depends_on, task.context]), [
    ['First', 'make', [], 'context'],
    ['Second', null, [1], ''],
  ]);
});

test('a duplicate id is an error on the second line, and the first task wins', () => {
  const text = plan('1. a', '2. b', '2. again');
  assert.equal(errorLines(text), [3]);
  assert.match(parsePlan(text).errors[0]!.message, /duplicate task id 2 \(first used on line 2\)/);
  assert.equal(parsePlan(text).tasks.map((task) => task.title), ['a', 'b']);
});

test('depends_on naming an unknown id is an error on its line', () => {
  const { errors } = parsePlan(plan('1. a', '', '2. b', '   depends_on: [1, 9]'));
  assert.equal(errors, [{ line: 4, message: 'task 2 depends on 9, which is not a task in this plan' }]);
});

test('a dependency cycle is an error that names its ids', () => {
  const { errors } = parsePlan(plan('1. a', '   depends_on: 3', '2. b', '   depends_on: 1', '3. c', '   depends_on: 2'));
  assert.equal(errors, [{ line: 2, message: 'dependency cycle: 1 → 3 → 2 → 1' }]);
});

test('a task that depends on itself is a cycle', () => {
  assert.equal(parsePlan(plan('1. a', '   depends_on: [1]')).errors, [{ line: 2, message: 'dependency cycle: 1 → 1' }]);
});

test('a second signal_cmd is an error on its line', () => {
  const { errors, tasks } = parsePlan(plan('1. a', '   signal_cmd: make a', '   signal: make b'));
  assert.equal(errors, [{ line: 3, message: 'task 1 has a second signal_cmd (the first is on line 2)' }]);
  assert.is(tasks[0]!.signal_cmd, 'make a');
});

test('a depends_on that is not a list of integers is an error on its line', () => {
  for (const value of ['one', '1 2', '[1, x]', '[1', '1,,2', '-1']) {
    const { errors } = parsePlan(plan('1. a', '2. b', `   depends_on: ${value}`));
    assert.equal(errors.map((error) => error.line), [3], value);
    assert.match(errors[0]!.message, /depends_on must be a list of task ids/);
  }
});

test('an empty title is an error and the task is left out', () => {
  const { errors, tasks } = parsePlan(plan('1.', '-', '3. ok'));
  assert.equal(errors.map((error) => error.line), [1, 2]);
  assert.match(errors[0]!.message, /task 1 has an empty title/);
  assert.equal(tasks.map((task) => task.id), [3]);
});

test('depending on a task that has an error is an error too, pointing at it', () => {
  const { errors, tasks } = parsePlan(plan('1.', '- b', '   depends: [1]'));
  assert.equal(errors, [
    { line: 1, message: 'task 1 has an empty title' },
    { line: 3, message: 'task 2 depends on 1, which has an error (line 1)' },
  ]);
  assert.equal(tasks.map((task) => [task.id, task.depends_on]), [[2, []]]);
});

test('a signal_cmd that belongs to no task is an error rather than silently dropped', () => {
  assert.equal(errorLines(plan('1. a', '', '   signal_cmd: make')), [3]);
  assert.equal(errorLines(plan('1. a', 'signal_cmd: make')), [2]);
});

test('a second project and an empty signal_cmd are errors', () => {
  assert.equal(errorLines(plan('1. a', '   project: x', '   project: y')), [3]);
  assert.equal(errorLines(plan('1. a', '   signal_cmd:')), [2]);
});

test('errors are listed in line order, all at once', () => {
  const { errors } = parsePlan(plan('1. a', '1. b', '2. c', '   depends_on: 8', '   signal_cmd: x', '   signal_cmd: y'));
  assert.equal(errors.map((error) => error.line), [2, 4, 6]);
});

test('headings, prose and code around the tasks are ignored', () => {
  const { tasks, errors } = parsePlan(plan('# Release plan', '', 'Some words.', '', '---', '**bold** words', '1. a'));
  assert.equal(errors, []);
  assert.equal(tasks.map((task) => task.title), ['a']);
});

test('a rendered plan parses back to the same tasks', () => {
  const tasks = [
    { id: 4, title: 'Four', signal_cmd: 'make four', depends_on: [], project: 'p', context: 'a\nb' },
    { id: 2, title: 'Two', signal_cmd: null, depends_on: [4], project: null, context: '' },
  ];
  const parsed = parsePlan(renderPlan(tasks));
  assert.equal(parsed.errors, []);
  assert.equal(parsed.tasks.map(({ line: _line, ...task }) => task), tasks);
});

// ── provider ───────────────────────────────────────────────────────────────────────────

async function withPlan(text: string, body: (path: string, dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'zoro-plan-'));
  try {
    const path = join(dir, 'plan.md');
    await writeFile(path, text);
    await body(path, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('poll turns each task into a ticket', () =>
  withPlan(plan('1. Build', '   signal_cmd: make', '   project: api', '   use the fast path', '2. Test', '   depends_on: [1]'), async (path) => {
    const provider = createPlanProvider({ name: 'local', path });
    assert.is(provider.type, 'plan');
    assert.equal(await provider.poll(), [
      { id: '1', title: 'Build', description: '', projectId: 'api', signalCmd: 'make', dependsOn: [], context: 'use the fast path', url: null, reason: 'plan', updatedAt: null },
      { id: '2', title: 'Test', description: '', projectId: null, signalCmd: null, dependsOn: ['1'], context: '', url: null, reason: 'plan', updatedAt: null },
    ]);
    assert.equal(await provider.details('1'), { description: 'Build\n\nuse the fast path', comments: [] });
  }));

test('poll throws a ParseError that lists every bad line', () =>
  withPlan(plan('1. a', '1. b', '2. c', '   depends_on: 9'), async (path) => {
    const provider = createPlanProvider({ name: 'local', path });
    const error = await provider.poll().then(() => null, (caught: unknown) => caught);
    assert.instance(error, ParseError);
    const parseError = error as ParseError;
    assert.is(parseError.line, 2);
    assert.match(parseError.message, `${path}:2: duplicate task id 1`);
    assert.match(parseError.message, `${path}:4: task 2 depends on 9`);
  }));

test('poll of a missing file is a not_found ProviderError', async () => {
  const provider = createPlanProvider({ name: 'local', path: join(tmpdir(), 'zoro-no-such-dir', 'plan.md') });
  const error = await provider.poll().then(() => null, (caught: unknown) => caught);
  assert.instance(error, ProviderError);
  assert.is((error as ProviderError).category, 'not_found');
});

test('comment and complete leave the file untouched', () =>
  withPlan(plan('1. a', '   ctx'), async (path) => {
    const provider = createPlanProvider({ name: 'local', path });
    const before = await readFile(path, 'utf8');
    await provider.comment('1', 'started');
    await provider.complete('1', 'done');
    assert.is(await readFile(path, 'utf8'), before);
  }));

test('add appends a task with the next id and keeps every existing byte', () =>
  withPlan('# Plan\r\n\r\n3. Three\r\n   ctx\r\n- Four', async (path) => {
    const provider = createPlanProvider({ name: 'local', path });
    const before = await readFile(path, 'utf8');
    const id = await provider.add!({ title: 'Five  now', signalCmd: 'make five', dependsOn: ['3', '4'], projectId: 'web', context: 'line one\n\n  line two  ' });
    assert.is(id, '5');
    const after = await readFile(path, 'utf8');
    assert.ok(after.startsWith(before), 'the old content is a byte-for-byte prefix');
    assert.is(after.slice(before.length), '\r\n\r\n5. Five now\r\n   signal_cmd: make five\r\n   depends_on: [3, 4]\r\n   project: web\r\n   line one\r\n   line two\r\n');
    const tickets = await provider.poll();
    assert.equal(tickets.map((ticket) => ticket.id), ['3', '4', '5']);
  }));

test('concurrent adds take distinct ids', () =>
  withPlan(plan('1. a'), async (path) => {
    const provider = createPlanProvider({ name: 'local', path });
    const added = await Promise.all(['b', 'c', 'd'].map((title) => provider.add!({ title, signalCmd: null, dependsOn: [], projectId: null, context: '' })));
    assert.equal(added, ['2', '3', '4']);
    assert.equal((await provider.poll()).map((ticket) => ticket.title), ['a', 'b', 'c', 'd']);
  }));

test('add refuses a dependency on an unknown task and context that would read as a task', () =>
  withPlan(plan('1. a'), async (path) => {
    const provider = createPlanProvider({ name: 'local', path });
    const before = await readFile(path, 'utf8');
    const unknownDep = await provider.add!({ title: 'b', signalCmd: null, dependsOn: ['7'], projectId: null, context: '' }).catch((error: unknown) => error);
    assert.instance(unknownDep, UsageError);
    const markerContext = await provider.add!({ title: 'b', signalCmd: null, dependsOn: [], projectId: null, context: '- step one' }).catch((error: unknown) => error);
    assert.instance(markerContext, UsageError);
    assert.match((markerContext as Error).message, /would start a new task/);
    assert.is(await readFile(path, 'utf8'), before);
  }));

test('add to a symlinked plan writes through the link', () =>
  withPlan(plan('1. a'), async (path, dir) => {
    const link = join(dir, 'link.md');
    await symlink(path, link);
    await createPlanProvider({ name: 'local', path: link }).add!({ title: 'b', signalCmd: null, dependsOn: [], projectId: null, context: '' });
    assert.ok((await lstat(link)).isSymbolicLink());
    assert.match(await readFile(path, 'utf8'), /2\. b/);
  }));

test('add creates the plan file when it does not exist yet', () =>
  withPlan('', async (_path, dir) => {
    const fresh = join(dir, 'new-plan.md');
    const id = await createPlanProvider({ name: 'local', path: fresh }).add!({ title: 'first', signalCmd: null, dependsOn: [], projectId: null, context: '' });
    assert.is(id, '1');
    assert.is(await readFile(fresh, 'utf8'), '1. first\n');
  }));

test('watch calls onChange when an editor replaces the file by rename', () =>
  withPlan(plan('1. a'), async (path, dir) => {
    const provider = createPlanProvider({ name: 'local', path, debounceMs: 20 });
    let stop = (): void => {};
    const changed = new Promise<void>((resolve) => {
      stop = provider.watch!(resolve);
    });
    const temp = join(dir, 'plan.md.swp');
    await writeFile(temp, plan('1. a', '2. b'));
    await rename(temp, path);
    await changed;
    stop();
    assert.equal((await provider.poll()).map((ticket) => ticket.id), ['1', '2']);
  }));

test('watch ignores changes to other files in the directory', () =>
  withPlan(plan('1. a'), async (path, dir) => {
    const log: string[] = [];
    const once = (label: string, subscribe: (onChange: () => void) => () => void): Promise<void> =>
      new Promise((resolve) => {
        const stop = subscribe(() => {
          log.push(label);
          if (label === 'other') stop();
          resolve();
        });
        stops.push(stop);
      });
    const stops: (() => void)[] = [];
    const other = join(dir, 'other.md');
    const provider = createPlanProvider({ name: 'local', path, debounceMs: 20 });
    const planChanged = once('plan', (onChange) => provider.watch!(onChange));
    const otherChanged = once('other', (onChange) => watchFileChanges(other, onChange, { debounceMs: 20 }));
    await writeFile(other, 'x');
    await otherChanged;
    await writeFile(path, plan('1. a', '2. b'));
    await planChanged;
    for (const stop of stops) stop();
    assert.equal(log, ['other', 'plan']);
  }));

test('a provider created with watch: false offers no watch', () => {
  assert.is(createPlanProvider({ name: 'x', path: 'plan.md', watch: false }).watch, undefined);
});

test.run();
