import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';

/** The project root (where package.json is), whether running from dist/ or from source via tsx. */
export const projectRoot = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
})();

/**
 * argv that runs this zoro's own CLI (`node dist/bin/zoro.js`), for agents and hooks that
 * call back (`zoro sim`, `zoro hook`, `zoro done`). From source (tsx) it runs the source.
 */
export function zoroCommand(): string[] {
  const fromSource = import.meta.url.endsWith('.ts');
  // tsx by its resolved URL: a bare `--import tsx` is resolved from the child's working
  // directory (an agent's repo), where there is no node_modules/tsx.
  return fromSource
    ? [process.execPath, '--import', import.meta.resolve('tsx'), join(projectRoot, 'bin/zoro.ts')]
    : [process.execPath, join(projectRoot, 'dist/bin/zoro.js')];
}
