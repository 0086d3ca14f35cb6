#!/usr/bin/env node
// `npm run build` and npm's `prepare` (so `npm ci && npx zoro` runs compiled JavaScript).
// A type error is reported but, as long as tsc emitted the CLI, does not fail `npm ci`:
// `npm test` is where type errors fail the build.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const tsc = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.json`], { stdio: 'inherit' });
if (existsSync(`${root}scripts/build-cockpit.mjs`)) {
  const cockpit = spawnSync(process.execPath, [`${root}scripts/build-cockpit.mjs`], { stdio: 'inherit' });
  if (cockpit.status !== 0) process.exit(cockpit.status ?? 1);
}
const bin = `${root}dist/bin/zoro.js`;
if (!existsSync(bin)) {
  console.error('build: tsc did not emit dist/bin/zoro.js');
  process.exit(tsc.status || 1);
}
chmodSync(bin, 0o755);
if (tsc.status !== 0) console.error('build: type errors above (dist/ was still written); `npm test` will fail until they are fixed');
