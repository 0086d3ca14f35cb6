/**
 * `npm run bench`: every benchmark, each against a baseline measured in the same run,
 * as one JSON document on stdout. Not part of `npm test`.
 *
 *   npm run bench              all
 *   npm run bench -- store     only those whose name contains "store"
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../lib/self.js';

const BENCHES: { name: string; file: string; fn: string }[] = [
  { name: 'store', file: 'store.js', fn: 'benchStore' },
  { name: 'terminals', file: 'terminals.js', fn: 'benchTerminals' },
  { name: 'cockpit', file: 'cockpit.js', fn: 'benchCockpit' },
  { name: 'team', file: 'team.js', fn: 'benchTeam' },
];

const filters = process.argv.slice(2);
const results: Record<string, unknown> = {};
for (const bench of BENCHES) {
  if (filters.length && !filters.some((f) => bench.name.includes(f))) continue;
  const path = join(projectRoot, 'dist/bench', bench.file);
  if (!existsSync(path)) continue;
  process.stderr.write(`bench: ${bench.name}…\n`);
  const module = (await import(pathToFileURL(path).href)) as Record<string, () => Promise<unknown>>;
  results[bench.name] = await module[bench.fn]!();
}
console.log(JSON.stringify(results, null, 2));
