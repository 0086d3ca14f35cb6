/**
 * The one thin wrapper over the tmux binary, and the validation of everything that reaches
 * it. Arguments always travel as argv arrays (never a shell string); text bound for a
 * control client's command line is quoted by `quoteTmuxArgument`.
 */
import { spawn } from 'node:child_process';
import { TerminalError } from '../../../lib/errors.js';

/** Where the tmux server lives: the binary and the socket name (`tmux -L NAME`). */
export interface TmuxServer {
  binary: string;
  /** `-L` socket name; undefined = the user's default server. */
  socketName: string | undefined;
}

/** tmux exited non-zero: `stderr` is its own message (`no server running on …`). */
export class TmuxCommandError extends TerminalError {
  override name = 'TmuxCommandError';
  constructor(
    readonly command: string,
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super('tmux', `tmux ${command} failed: ${stderr.trim() || `exit code ${exitCode}`}`);
  }

  /** The server (or the socket) does not exist, or was exiting as we called: nothing runs there. */
  get noServer(): boolean {
    return /no server running|error connecting to|No such file or directory|server exited unexpectedly/.test(this.stderr);
  }
}

/**
 * Killing the last window ends the session, and with no session left the tmux server
 * exits a moment later: a command that reaches it meanwhile fails in one of these ways.
 * Such a failure is worth one more try, against a fresh server.
 */
export function serverWentAway(error: unknown): boolean {
  return error instanceof Error && /server exited|no current client|lost server|no server running/.test(error.message);
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The environment for tmux processes: without `TMUX`/`TMUX_PANE`, which tmux sets inside
 * its own panes and which would make it refuse to attach ("sessions should be nested with
 * care") when zoro itself runs inside tmux.
 */
export function tmuxEnvironment(): NodeJS.ProcessEnv {
  const { TMUX: _tmux, TMUX_PANE: _pane, ...rest } = process.env;
  return rest;
}

/** argv for `server`: the global flags before a tmux command. */
export function serverArgs(server: TmuxServer): string[] {
  return server.socketName === undefined ? [] : ['-L', server.socketName];
}

/**
 * Run one tmux command as its own process (for what a control client cannot do: create the
 * first session, feed `load-buffer -`, list panes before any client exists).
 * Resolves with stdout; rejects with `TmuxCommandError` on a non-zero exit or the timeout.
 *
 * @example await tmux(server, ['has-session', '-t', '=zoro'])
 */
export function tmux(
  server: TmuxServer,
  args: string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<string> {
  for (const arg of args) assertNoNul(arg, 'a tmux argument');
  const command = args[0] ?? '';
  return new Promise((resolve, reject) => {
    const child = spawn(server.binary, [...serverArgs(server), ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: tmuxEnvironment() });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new TmuxCommandError(command, `timed out after ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`, null));
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new TerminalError('tmux', `cannot run ${server.binary}: ${error.message}; is tmux installed?`, { cause: error }));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(stdout).toString('utf8'));
      else reject(new TmuxCommandError(command, Buffer.concat(stderr).toString('utf8'), code));
    });
    // EPIPE when tmux exits before reading its input is reported by 'close' above.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

const BARE_ARGUMENT = /^[A-Za-z0-9_@./:=,+-]+$/;

/**
 * One argument for a tmux command line (what a control client reads on stdin). tmux parses
 * that line like a small shell: `$VAR` and `~` expand, `#` starts a comment, `;` and `{}`
 * separate commands, and a newline ends the command. Inside double quotes `\` escapes
 * `\`, `"` and `$`, and `\ooo` is an octal byte, so every control character (newline
 * included) and `~` travel as octal and the line stays one line. NUL cannot be carried.
 * property-tests/tmux-control.prop.ts checks this against a real tmux.
 */
export function quoteTmuxArgument(text: string): string {
  assertNoNul(text, 'text for tmux');
  if (BARE_ARGUMENT.test(text)) return text;
  let quoted = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '\\' || char === '"' || char === '$') quoted += `\\${char}`;
    // `~` expands to a home directory at the start of a word even inside double quotes.
    else if (code < 0x20 || code === 0x7f || char === '~') quoted += `\\${code.toString(8).padStart(3, '0')}`;
    else quoted += char;
  }
  return `${quoted}"`;
}

/** A whole command line for a control client, from argv. */
export function tmuxCommandLine(args: string[]): string {
  return args.map(quoteTmuxArgument).join(' ');
}

/**
 * The shell around every agent zoro starts. It waits for the agent and then prints its
 * exit status as an escape sequence terminals ignore (`ESC ] 7771 ; zoro-exit ; NONCE ;
 * STATUS BEL`), which reaches zoro through `%output` at once. tmux's own record of the
 * status (`pane_dead_status`, polled by a subscription once a second) is slower and, with
 * tmux 3.3a here, sometimes never arrives: the server misses the SIGCHLD of a program that
 * exits right after it started. `trap : INT` keeps the shell alive through a Ctrl-C meant for
 * the agent (a handler, unlike an ignored signal, is not inherited by the agent). The
 * `sleep 1` keeps the pty open while tmux reads the marker: output written just before the
 * last writer closes the pty is sometimes lost (measured here: 2 runs in 10).
 */
const EXIT_REPORTER = String.raw`nonce=$1; shift; trap : INT; "$@"; status=$?; printf '\033]7771;zoro-exit;%s;%d\007' "$nonce" "$status"; sleep 1; exit "$status"`;

/** What the reporter prints before the status; the nonce keeps agent output from faking it. */
export function exitMarker(nonce: string): string {
  return `\x1b]7771;zoro-exit;${nonce};`;
}

/** The nonce in a pane's `#{pane_start_command}`, if zoro's reporter started it. */
export function exitNonceOf(startCommand: string): string | null {
  return /zoro-exit;.* sh (zoro-[0-9a-f]{16})(?: |$)/.exec(startCommand)?.[1] ?? null;
}

/**
 * argv that tmux runs for a pane: `/bin/sh -c REPORTER sh NONCE ARGV…`. With more than one
 * argument tmux execs it directly (with one it would hand it to `default-shell -c`, which
 * may be fish or zsh), and ARGV reaches the agent as positional parameters: nothing of it
 * is ever parsed by a shell.
 */
export function paneArgv(command: string[], nonce: string): string[] {
  if (command.length === 0) throw new TerminalError('tmux', 'no command to run: the agent command is empty');
  for (const arg of command) assertNoNul(arg, 'a command argument');
  return ['/bin/sh', '-c', EXIT_REPORTER, 'sh', nonce, ...command];
}

export function assertNoNul(text: string, what: string): void {
  if (text.includes('\0')) throw new TerminalError('tmux', `${what} contains a NUL byte, which tmux cannot carry`);
}

/** tmux session and socket names: plain words (`:` and `.` would be read as target syntax). */
export function assertPlainName(value: string, what: string): void {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) {
    throw new TerminalError('tmux', `${what} ${JSON.stringify(value)} must be 1–64 letters, digits, '_' or '-'`);
  }
}

/** A window name: visible text without control characters. */
export function assertWindowName(value: string): void {
  // eslint-disable-next-line no-control-regex
  if (value.length === 0 || value.length > 100 || /[\x00-\x1f\x7f]/.test(value)) {
    throw new TerminalError('tmux', `window name ${JSON.stringify(value)} must be 1–100 characters without control characters`);
  }
}

/** Environment variable names tmux's `-e NAME=VALUE` can carry. */
export function assertEnvName(name: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new TerminalError('tmux', `environment variable name ${JSON.stringify(name)} is not a valid name`);
  }
}
