#!/usr/bin/env node
// The one test command: type check + build (tsc), then every uvu spec and fast-check
// property file, each in its own process so a hung or crashing file cannot take the
// others with it. Ends with the line `N passed, N failed`.
//
//   npm test                      everything
//   npm test -- specs/machines    only files whose path contains one of the arguments
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { availableParallelism } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const FILE_TIMEOUT_MS = Number(process.env.ZORO_TEST_FILE_TIMEOUT_MS ?? 240_000);
const concurrency = Number(process.env.ZORO_TEST_CONCURRENCY ?? Math.max(2, availableParallelism()));

let passed = 0;
let failed = 0;
const failures = [];

function run(cmd, args, { timeoutMs, quiet } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, FORCE_COLOR: '0' }, detached: true });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = timeoutMs
      ? setTimeout(() => {
          out += `\n[test runner] killed after ${timeoutMs} ms\n`;
          try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
        }, timeoutMs)
      : null;
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (!quiet) process.stdout.write(out);
      resolve({ code: code ?? (signal ? 128 : 1), out });
    });
  });
}

function walk(dir, match) {
  let files = [];
  let entries;
  try { entries = readdirSync(dir); } catch { return files; }
  for (const name of entries.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files = files.concat(walk(path, match));
    else if (match(name)) files.push(path);
  }
  return files;
}

// uvu prints "Total: N / Passed: N / Skipped: N" per file.
function count(out) {
  const num = (label) => {
    const m = out.match(new RegExp(`${label}:\\s+(\\d+)`, 'g'));
    return m ? m.reduce((sum, line) => sum + Number(line.match(/(\d+)/)[1]), 0) : 0;
  };
  return { total: num('Total'), passed: num('Passed'), skipped: num('Skipped') };
}

const tsc = await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
if (tsc.code === 0) {
  passed += 1;
  console.log('✔ type check (tsc --strict, including specs/types)');
} else {
  failed += 1;
  failures.push('type check');
  console.log('✘ type check failed; specs are run from the last good build if there is one');
}
// The cockpit's browser bundle (esbuild), when the cockpit exists.
if (existsSync(join(root, 'scripts/build-cockpit.mjs'))) {
  const build = await run(process.execPath, ['scripts/build-cockpit.mjs']);
  if (build.code !== 0) {
    failed += 1;
    failures.push('cockpit bundle');
  }
}

const files = [
  ...walk(join(root, 'dist/specs'), (n) => n.endsWith('.spec.js')),
  ...walk(join(root, 'dist/property-tests'), (n) => n.endsWith('.prop.js')),
].filter((f) => filters.length === 0 || filters.some((x) => relative(root, f).includes(x.replace(/\.ts$/, ''))));

// The terminal runtime specs measure tmux and pty timing; they run alone, after the rest,
// so a busy neighbour on a 2-core machine cannot starve them.
const alone = (file) => /[\\/]adapters[\\/]terminals[\\/](?!iterm2)/.test(relative(root, file));
let queue = files.filter((f) => !alone(f));
async function worker() {
  while (queue.length) {
    const file = queue.shift();
    const name = relative(join(root, 'dist'), file);
    const started = Date.now();
    const res = await run(process.execPath, ['--enable-source-maps', file], { timeoutMs: FILE_TIMEOUT_MS, quiet: true });
    const c = count(res.out);
    const fileFailed = c.total - c.passed - c.skipped;
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    if (res.code !== 0 || c.total === 0 || c.skipped > 0 || fileFailed > 0) {
      process.stdout.write(`\n✘ ${name} (${secs}s, exit ${res.code})\n${res.out}\n`);
      passed += c.passed;
      failed += Math.max(1, fileFailed + c.skipped);
      failures.push(name);
    } else {
      process.stdout.write(`✔ ${name} — ${c.passed} passed (${secs}s)\n`);
      passed += c.passed;
    }
  }
}
await Promise.all(Array.from({ length: Math.min(concurrency, queue.length || 1) }, worker));
queue = files.filter(alone);
await worker();

if (failures.length) console.log(`\nfailing: ${failures.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
