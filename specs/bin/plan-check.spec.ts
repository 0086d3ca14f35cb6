import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zoroCommand } from '../../lib/self.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real `zoro` CLI, as a user runs it. */
function zoro(...args: string[]): Promise<Run> {
  const [command, ...prefix] = zoroCommand();
  return new Promise((resolve) => {
    execFile(command!, [...prefix, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

let dir = '';
test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoro-plan-check-'));
});
test.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function planFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

test('a valid plan prints the contract JSON and exits 0', async () => {
  const file = await planFile('good.md', '# Plan\n\n1. Build\n   signal_cmd: make\n   project: api\n   fast path\n- Test\n   depends_on: [1]\n');
  const run = await zoro('plan', 'check', file, '--json');
  assert.is(run.code, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout), {
    tasks: [
      { id: 1, title: 'Build', signal_cmd: 'make', depends_on: [], project: 'api', context: 'fast path' },
      { id: 2, title: 'Test', signal_cmd: null, depends_on: [1], project: null, context: '' },
    ],
    errors: [],
  });
  assert.is(run.stdout.trim().split('\n').length, 1, 'one JSON document and nothing else on stdout');
});

test('a plan with errors lists them with their lines and exits 2', async () => {
  const file = await planFile('bad.md', '1. a\n1. b\n2. c\n   depends_on: [7]\n');
  const run = await zoro('plan', 'check', file, '--json');
  assert.is(run.code, 2);
  const doc = JSON.parse(run.stdout) as { tasks: { id: number }[]; errors: { line: number; message: string }[] };
  assert.equal(doc.tasks.map((task) => task.id), [1, 2]);
  assert.equal(doc.errors.map((error) => error.line), [2, 4]);
  assert.equal(Object.keys(doc.errors[0]!), ['line', 'message']);
});

test('without --json it prints a summary and errors as FILE:LINE: message', async () => {
  const file = await planFile('mixed.md', '1. a\n2. b\n   depends_on: 1\n   signal_cmd: x\n   signal_cmd: y\n');
  const run = await zoro('plan', 'check', file);
  assert.is(run.code, 2);
  assert.match(run.stdout, '2 tasks, 1 error');
  assert.match(run.stdout, 'depends on 1');
  assert.match(run.stderr, `${file}:5: task 2 has a second signal_cmd (the first is on line 4)`);
});

test('a missing file is a usage error that names it, exit 2', async () => {
  const run = await zoro('plan', 'check', join(dir, 'nope.md'), '--json');
  assert.is(run.code, 2);
  assert.is(run.stdout, '');
  assert.match(run.stderr, `cannot read ${join(dir, 'nope.md')}: no such file`);
});

test('no file or an unknown option is a usage error, and --help explains the grammar', async () => {
  assert.is((await zoro('plan', 'check')).code, 2);
  assert.is((await zoro('plan', 'check', 'x.md', '--yaml')).code, 2);
  const help = await zoro('plan', 'check', '--help');
  assert.is(help.code, 0);
  assert.match(help.stdout, 'signal_cmd: CMD');
});

test.run();
