/**
 * The page and its assets, served from the package's `cockpit/static/` (no CDN: the cockpit
 * works offline). Only plain file names under that folder are served; `/` is index.html.
 */
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Context, Next } from 'koa';
import { projectRoot } from '../lib/self.js';

export const STATIC_DIR = join(projectRoot, 'cockpit/static');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

// Letters, digits, dots, dashes and underscores in path segments; never `..`.
const SAFE_PATH = /^\/(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

export function serveStatic(dir: string = STATIC_DIR) {
  return async function staticFiles(ctx: Context, next: Next): Promise<void> {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const path = ctx.path === '/' ? '/index.html' : ctx.path;
    const type = TYPES[extname(path)];
    if (!type || !SAFE_PATH.test(path) || path.includes('..')) return next();
    let body: Buffer;
    try {
      body = await readFile(join(dir, path));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return next();
      throw error;
    }
    ctx.type = type;
    // Small files, rebuilt in development: always revalidate rather than serve a stale page.
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = body;
  };
}
