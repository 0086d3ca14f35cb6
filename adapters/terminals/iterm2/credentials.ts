/**
 * Where the iTerm2 cookie comes from. Cookies are single use, so every connection attempt
 * asks again: first the `ITERM2_COOKIE` / `ITERM2_KEY` pair that iTerm2 gives the scripts it
 * launches itself (usable once), then iTerm2's AppleScript command, which hands out a fresh
 * cookie to any local app the user has allowed to control iTerm2.
 */
import { execFile } from 'node:child_process';
import { errorMessage } from '../../../lib/errors.js';

export interface Iterm2Credentials {
  cookie: string;
  key: string;
}

/**
 * Asked before each connection attempt. `reason` is 'unauthorized' when iTerm2 has just
 * refused the previous cookie (asked once more, then the refusal stands). Null means "no
 * cookie": the connection is tried without one, which passes only when iTerm2's "Allow all
 * apps to connect" is on.
 */
export type CredentialSource = (request: { reason: 'connect' | 'unauthorized' }) => Promise<Iterm2Credentials | null>;

/** Runs an AppleScript (given on stdin) and returns what it printed. */
export type RunOsascript = (script: string) => Promise<string>;

export const OSASCRIPT = '/usr/bin/osascript';

export const runOsascript: RunOsascript = (script) =>
  new Promise((resolve, reject) => {
    const child = execFile(OSASCRIPT, ['-'], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${OSASCRIPT} failed: ${stderr.trim() || errorMessage(error)}`, { cause: error }));
      else resolve(stdout);
    });
    child.stdin?.end(script);
  });

/** The AppleScript that asks iTerm2 for a cookie; `appName` is quoted for AppleScript. */
export function cookieRequestScript(appName: string): string {
  const quoted = appName.replace(/[\\"]/g, '\\$&');
  return `tell application "iTerm2" to request cookie and key for app named "${quoted}"\n`;
}

/** Parses osascript's answer `"<cookie> <key>"`. */
export function parseCookieAnswer(answer: string): Iterm2Credentials | null {
  const [cookie, key] = answer.trim().split(/\s+/);
  return cookie && key ? { cookie, key } : null;
}

export interface DefaultCredentialOptions {
  env?: NodeJS.ProcessEnv;
  appName?: string;
  runOsascript?: RunOsascript;
  /** Told why osascript gave nothing (it is missing off macOS, or the user said no). */
  onFailure?: (message: string) => void;
}

/** The environment pair once, then osascript on every later attempt. */
export function defaultCredentialSource(options: DefaultCredentialOptions = {}): CredentialSource {
  const env = options.env ?? process.env;
  const run = options.runOsascript ?? runOsascript;
  const appName = options.appName ?? 'zoro';
  let envUsed = false;
  return async () => {
    if (!envUsed) {
      envUsed = true;
      const cookie = env.ITERM2_COOKIE;
      const key = env.ITERM2_KEY;
      if (cookie && key) return { cookie, key };
    }
    try {
      const credentials = parseCookieAnswer(await run(cookieRequestScript(appName)));
      if (!credentials) options.onFailure?.('iTerm2 gave no cookie when asked through AppleScript');
      return credentials;
    } catch (error) {
      // Off macOS, or the user refused zoro control of iTerm2: connect without a cookie,
      // and let iTerm2's answer (401 or success) decide.
      options.onFailure?.(errorMessage(error));
      return null;
    }
  };
}
