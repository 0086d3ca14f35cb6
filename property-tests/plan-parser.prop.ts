import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParseError } from '../lib/errors.js';
import { parsePlan } from '../adapters/providers/plan/parse.js';
import { contextLineProblem, renderPlan, renderProblems, type RenderableTask } from '../adapters/providers/plan/render.js';
import { createPlanProvider } from '../adapters/providers/plan/index.js';

/** Lines that look like plan.md, near-misses included, joined with LF or CRLF. */
const planishLine = fc.oneof(
  fc.string(),
  fc.constantFrom('', '   ', '# Heading', '---', '**bold**', '1.5 release', '-flag', '1.', '-', '*'),
  fc.tuple(fc.constantFrom('', ' ', '\t', '   '), fc.nat(12), fc.string()).map(([indent, id, title]) => `${indent}${id}. ${title}`),
  fc.tuple(fc.constantFrom('', '  '), fc.constantFrom('-', '*'), fc.string()).map(([indent, marker, title]) => `${indent}${marker} ${title}`),
  fc.tuple(
    fc.constantFrom('   ', '\t', ''),
    fc.constantFrom('signal_cmd', 'signal', 'depends_on', 'depends', 'project', 'Signal_Cmd'),
    fc.oneof(fc.string(), fc.array(fc.nat(14), { maxLength: 4 }).map((ids) => `[${ids.join(', ')}]`), fc.constantFrom('[1', '1,,2', 'x', '')),
  ).map(([indent, key, value]) => `${indent}${key}: ${value}`),
  fc.string().map((text) => `   ${text}`),
);
const planishText = fc.tuple(fc.array(planishLine, { maxLength: 40 }), fc.constantFrom('\n', '\r\n')).map(([lines, eol]) => lines.join(eol));
const anyText = fc.oneof(planishText, fc.string({ unit: 'binary', maxLength: 400 }));

test('parsePlan never throws, and every error has a line in the file', () => {
  fc.assert(
    fc.property(anyText, (text) => {
      const lineCount = text.split(/\r?\n/).length;
      const { tasks, errors } = parsePlan(text, 'plan.md');
      for (const error of errors) {
        assert.ok(Number.isInteger(error.line) && error.line >= 1 && error.line <= lineCount, `line ${error.line} of ${lineCount}`);
        assert.type(error.message, 'string');
      }
      const ids = tasks.map((task) => task.id);
      assert.is(new Set(ids).size, ids.length, 'task ids are unique');
      for (const task of tasks) {
        assert.ok(task.title !== '');
        for (const dep of task.depends_on) assert.ok(ids.includes(dep), `dependency ${dep} is a task`);
      }
    }),
    { numRuns: 2000 },
  );
});

test('poll throws nothing but a ParseError with a line number', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'zoro-plan-prop-'));
  try {
    const path = join(dir, 'plan.md');
    const provider = createPlanProvider({ name: 'plan', path, watch: false });
    await fc.assert(
      fc.asyncProperty(planishText, async (text) => {
        await writeFile(path, text);
        try {
          const tickets = await provider.poll();
          assert.is(parsePlan(text).errors.length, 0);
          for (const ticket of tickets) assert.match(ticket.id, /^\d+$/);
        } catch (error) {
          assert.instance(error, ParseError);
          assert.ok((error as ParseError).line >= 1);
        }
      }),
      { numRuns: 200 },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** One line of free text that survives a round trip. */
const singleLine = fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom('make test', 'npm test -- --grep "a: b"', 'x = y; echo ok'))
  .map((text) => text.replace(/[\r\n]/g, ' ').trim())
  .filter((text) => text !== '');
const contextLine = fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom('1.5 release notes', '-flag matters', '*emphasis*', 'signal_cmd x', 'project plan'))
  .map((text) => text.replace(/[\r\n]/g, ' ').trim())
  .filter((line) => contextLineProblem(line) === null);

/** Tasks with distinct ids in any order, each depending only on tasks listed before it (no cycles). */
const validPlan = fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 15 }).chain((ids) =>
  fc.tuple(...ids.map((id, index) => fc.record({
    id: fc.constant(id),
    title: singleLine,
    signal_cmd: fc.option(singleLine, { nil: null }),
    depends_on: index === 0 ? fc.constant<number[]>([]) : fc.uniqueArray(fc.constantFrom(...ids.slice(0, index)), { maxLength: 3 }),
    project: fc.option(singleLine, { nil: null }),
    context: fc.array(contextLine, { maxLength: 3 }).map((lines) => lines.join('\n')),
  }).map((task) => ({ ...task })))), // fast-check's records have no prototype; compare plain objects
);

test('a generated valid plan round-trips: render → parse gives the same tasks, ids untouched', () => {
  fc.assert(
    fc.property(validPlan, fc.constantFrom('\n', '\r\n'), (tasks: RenderableTask[], eol) => {
      for (const task of tasks) assert.equal(renderProblems(task), []);
      const parsed = parsePlan(renderPlan(tasks, eol));
      assert.equal(parsed.errors, []);
      assert.equal(parsed.tasks.map(({ line: _line, ...task }) => task), tasks);
    }),
    { numRuns: 500 },
  );
});

test.run();
