/** Talking to the running zoro from another process (status, add, pause, resume, done). */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../adapters/config/load.js';
import { configPath } from '../adapters/config/paths.js';
import { ControlError, controlRequest, type Json } from '../lib/control-client.js';
import { UsageError, ZoroError } from '../lib/errors.js';

/** Where the running zoro keeps its socket: ZORO_DATA_DIR (agents get it), else access.txt's data_dir. */
export async function dataDirFor(configFlag?: string): Promise<string> {
  if (!configFlag && process.env.ZORO_DATA_DIR) return process.env.ZORO_DATA_DIR;
  const file = configPath(configFlag);
  if (configFlag || existsSync(file)) return (await loadConfig(file)).zoro.data_dir;
  return join(homedir(), '.zoro');
}

export async function ask(dataDir: string, method: string, path: string, body?: unknown): Promise<Json> {
  try {
    return await controlRequest(dataDir, method, path, body, { timeoutMs: 10_000 });
  } catch (error) {
    if (error instanceof ControlError && error.kind === 'not_running') {
      throw new ZoroError(`zoro is not running (nothing listens on ${join(dataDir, 'zoro.sock')}); start it with \`zoro\` or \`zoro demo\``);
    }
    if (error instanceof ControlError && error.kind === 'http' && error.status !== null && error.status < 500) {
      throw new UsageError(error.message);
    }
    throw error;
  }
}
