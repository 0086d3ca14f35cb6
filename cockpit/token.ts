/**
 * The cockpit's access token: 32 random bytes as hex, made on first start and kept in
 * `data_dir/cockpit.token` (mode 0600) so bookmarks and API scripts keep working across
 * restarts. Compared in constant time so response timing says nothing about a guess.
 */
import { randomBytes, createHash, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../lib/errors.js';

export const TOKEN_FILE = 'cockpit.token';
const TOKEN_SHAPE = /^[0-9a-f]{64}$/;

/** Reads the install's token, creating it (and data_dir) on first start. */
export async function loadOrCreateToken(dataDir: string): Promise<string> {
  const file = join(dataDir, TOKEN_FILE);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const existing = await readTokenFile(file);
  if (existing !== null) return existing;
  const token = randomBytes(32).toString('hex');
  try {
    // `wx`: if another process created it between our read and this write, theirs wins.
    await writeFile(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return token;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const raced = await readTokenFile(file);
    if (raced === null) throw new ConfigError(file, null, null, 'the cockpit token file vanished while it was being created', { cause: error });
    return raced;
  }
}

async function readTokenFile(file: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const token = text.trim();
  if (!TOKEN_SHAPE.test(token)) {
    throw new ConfigError(file, null, null, 'is not a cockpit token (64 hex characters); delete it and zoro will make a new one');
  }
  // Someone may have copied the file around and widened its mode: it grants control of the
  // terminals, so keep it private.
  const info = await stat(file);
  if ((info.mode & 0o077) !== 0) await chmod(file, 0o600);
  return token;
}

/** Constant-time comparison; hashing first makes both sides the same length. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
