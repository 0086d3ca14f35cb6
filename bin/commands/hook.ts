/**
 * `zoro hook <Event> [--per-run]`: what a Claude Code hook runs. Reads the hook's JSON from
 * stdin and forwards it to the running zoro over its control socket (`POST /hook`).
 *
 * A hook must never get in the way of the user's Claude: this always exits 0, prints nothing
 * on stdout (for UserPromptSubmit and SessionStart hooks Claude would add it to the
 * conversation), gives up after 1.5 s, and stays silent when zoro is not running.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ControlError, controlRequest, type Json } from '../../lib/control-client.js';
import { errorMessage } from '../../lib/errors.js';

/** The whole call, connect to answer: short, because Claude waits for its hooks. */
export const HOOK_FORWARD_TIMEOUT_MS = 1_500;
/** Claude writes the JSON and closes stdin at once; this only guards a run by hand. */
const STDIN_TIMEOUT_MS = 1_000;

export interface HookPost {
  event: string;
  /** `ZORO_SESSION` of the agent (set by zoro in every agent it starts), else null. */
  session: string | null;
  cwd: string;
  payload: Json;
}

export async function run(argv: string[]): Promise<number> {
  const event = argv.find((arg) => !arg.startsWith('--'));
  if (!event) {
    process.stderr.write('usage: zoro hook <Event> [--per-run]   (run by Claude Code hooks; reads the hook JSON on stdin)\n');
    return 0;
  }
  // A session zoro started has per-run hooks of its own; user-level hooks (zoro init) would
  // report the same event twice, so they stand aside there.
  if (process.env.ZORO_SESSION_HOOKS === '1' && !argv.includes('--per-run')) return 0;

  const body: HookPost = {
    event,
    session: process.env.ZORO_SESSION || null,
    cwd: process.cwd(),
    payload: parsePayload(await readStdin(STDIN_TIMEOUT_MS)),
  };
  const dataDir = process.env.ZORO_DATA_DIR || join(homedir(), '.zoro');
  try {
    await controlRequest(dataDir, 'POST', '/hook', body, { timeoutMs: HOOK_FORWARD_TIMEOUT_MS });
  } catch (error) {
    // For a user-level hook it is normal that zoro is not running, or runs no session in
    // this folder (404): say nothing. Anything else is worth a line on stderr, which Claude
    // keeps out of the conversation for a hook that exits 0.
    const normal = error instanceof ControlError && (error.kind === 'not_running' || (error.kind === 'http' && error.status === 404));
    if (!normal) process.stderr.write(`zoro hook ${event}: ${errorMessage(error)}\n`);
  }
  return 0;
}

function parsePayload(text: string): Json {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return { unparsed: text.slice(0, 10_000) };
  }
}

function readStdin(timeoutMs: number): Promise<string> {
  if (process.stdin.isTTY) return Promise.resolve('');
  return new Promise((resolve) => {
    let text = '';
    const done = () => {
      clearTimeout(timer);
      process.stdin.removeAllListeners('data');
      process.stdin.pause();
      resolve(text);
    };
    const timer = setTimeout(done, timeoutMs);
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => (text += chunk));
    process.stdin.once('end', done);
    process.stdin.once('error', done);
  });
}
