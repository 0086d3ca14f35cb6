#!/usr/bin/env node
// Builds the cockpit page: type-checks cockpit/client (its own tsconfig, DOM lib), then
// bundles it with esbuild into cockpit/static/gen/ (app.js, app.js.map) next to a copy of
// xterm's stylesheet. The output is not committed; `npm ci` (prepare), `npm run build` and
// `npm test` all run this. Deterministic: the same sources give the same bytes.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const out = `${root}cockpit/static/gen`;
const started = Date.now();

const check = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '--noEmit', '-p', `${root}cockpit/client/tsconfig.json`], { stdio: 'inherit' });
if (check.status !== 0) {
  console.error('build-cockpit: type errors in cockpit/client (above)');
  process.exit(check.status ?? 1);
}

mkdirSync(out, { recursive: true });
try {
  await build({
    absWorkingDir: root,
    entryPoints: ['cockpit/client/main.ts'],
    outfile: 'cockpit/static/gen/app.js',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'eof',
    logLevel: 'warning',
  });
} catch (error) {
  console.error(`build-cockpit: esbuild failed: ${error.message}`);
  process.exit(1);
}
copyFileSync(`${root}node_modules/@xterm/xterm/css/xterm.css`, `${out}/xterm.css`);
console.log(`build-cockpit: cockpit/static/gen built in ${Date.now() - started} ms`);
